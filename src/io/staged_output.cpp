#include "io/staged_output.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace riskmap::io {

namespace fs = std::filesystem;

StagedOutput::StagedOutput(fs::path final_dir) : final_dir_(std::move(final_dir)) {
    std::error_code ec;
    fs::create_directories(final_dir_, ec);
    if (ec)
        throw Error("cannot create output folder '" + final_dir_.string() + "': " + ec.message());
    for (int attempt = 0;; ++attempt) {
        staging_ = final_dir_ / (".riskmap-staging-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(attempt));
        if (fs::create_directory(staging_, ec))
            break;
        if (ec || attempt > 100)
            throw Error("cannot create staging folder in '" + final_dir_.string() + "'");
    }
}

StagedOutput::~StagedOutput() {
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

std::string StagedOutput::path(const std::string& name) {
    if (std::find(names_.begin(), names_.end(), name) == names_.end())
        names_.push_back(name);
    return (staging_ / name).string();
}

void StagedOutput::commit() {
    for (const auto& name : names_) {
        std::error_code ec;
        fs::rename(staging_ / name, final_dir_ / name, ec);
        if (ec)
            throw Error("cannot move '" + name + "' into '" + final_dir_.string() +
                        "': " + ec.message());
    }
}

namespace {
std::string cell(const TableColumn& col, std::size_t row) {
    if (col.kind == TableColumn::Kind::Text)
        return col.text[row];
    const double v = col.number[row];
    if (col.kind == TableColumn::Kind::Integer && !std::isnan(v))
        return std::to_string(static_cast<long long>(v));
    return format_double(v, 8);
}
} // namespace

void write_table_csv(const std::string& path, const Table& table) {
    std::ofstream out(path, std::ios::binary);
    std::vector<std::string> fields;
    for (const auto& col : table.columns)
        fields.push_back(col.name);
    out << csv_line(fields);
    for (std::size_t k = 0; k < table.rows(); ++k) {
        const std::size_t row = table.order.empty() ? k : table.order[k];
        fields.clear();
        for (const auto& col : table.columns)
            fields.push_back(cell(col, row));
        out << csv_line(fields);
    }
    out.close();
    if (!out)
        throw Error("cannot write '" + path + "' (disk full?)");
}

} // namespace riskmap::io
