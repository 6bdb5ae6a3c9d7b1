#include "io/staged_output.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace riskmap::io {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kStagingPrefix = ".riskmap-staging-";

/// Staging folders of runs that were killed (their process is gone) are removed; those of
/// runs still going are left alone.
void remove_abandoned_staging(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(kStagingPrefix, 0) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + kStagingPrefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH)
            fs::remove_all(entry.path(), ec);
    }
}
} // namespace

StagedOutput::StagedOutput(fs::path final_dir) : final_dir_(std::move(final_dir)) {
    std::error_code ec;
    fs::create_directories(final_dir_, ec);
    if (ec)
        throw Error("cannot create output folder '" + final_dir_.string() + "': " + ec.message());
    remove_abandoned_staging(final_dir_);
    for (int attempt = 0;; ++attempt) {
        staging_ = final_dir_ / (std::string(kStagingPrefix) + std::to_string(::getpid()) + "-" +
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
    return format_double(v); // shortest text that reads back to the same double
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
