// Spreadsheet records: cells of any text and any number, written into a real XLSX workbook
// by GDAL, come back through the records reader as the text the sheet holds, row by row, and
// codes stored as numbers normalise as their digits would; never a crash.

#include "core/error.hpp"
#include "core/village_code.hpp"
#include "io/gdal_env.hpp"
#include "io/sheet_reader.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace {
/// Cells from the input: lines, each a text cell, or a number when it starts with '#'.
struct Cell {
    std::string text;
    bool number = false;
    double value = 0;
};

std::vector<Cell> cells(const std::uint8_t* data, std::size_t size) {
    std::vector<Cell> out;
    std::string text(reinterpret_cast<const char*>(data), size);
    std::size_t start = 0;
    while (start <= text.size() && out.size() < 20) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        Cell c{text.substr(start, end - start)};
        if (c.text.size() >= 9 && c.text[0] == '#') {
            c.number = true;
            std::memcpy(&c.value, c.text.data() + 1, sizeof c.value);
        }
        if (c.text.find('\0') == std::string::npos)
            out.push_back(c);
        start = end + 1;
    }
    return out;
}

bool write_workbook(const std::string& path, const std::vector<Cell>& cells) {
    GDALDriver* xlsx = GetGDALDriverManager()->GetDriverByName("XLSX");
    GDALDatasetUniquePtr ds(xlsx->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = ds ? ds->CreateLayer("records", nullptr, wkbNone, nullptr) : nullptr;
    if (!layer)
        return false;
    OGRFieldDefn text("kode_desa", OFTString), number("angka", OFTReal);
    layer->CreateField(&text);
    layer->CreateField(&number);
    for (const Cell& c : cells) {
        OGRFeature f(layer->GetLayerDefn());
        f.SetField(0, c.number ? "x" : c.text.c_str());
        if (c.number)
            f.SetField(1, c.value);
        layer->CreateFeature(&f);
    }
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    riskmap::io::init_gdal();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const std::string path = "/dev/shm/riskmap-fuzz-" + std::to_string(::getpid()) + ".xlsx";
    const auto written = cells(data, size);
    if (write_workbook(path, written)) {
        try {
            auto reader = riskmap::io::open_records(path, 0, "");
            riskmap::io::CsvRow row;
            while (reader->next(row)) {
                if (row.fields.size() != reader->header().size() || row.line < 2)
                    __builtin_trap();
                for (const auto& field : row.fields) {
                    const auto code = riskmap::normalise_village_code(field);
                    if (code.ok() != code.problem.empty())
                        __builtin_trap();
                }
            }
        } catch (const riskmap::InputError&) {
        } catch (const riskmap::UsageError&) {
        }
    }
    CPLPopErrorHandler();
    return 0;
}
