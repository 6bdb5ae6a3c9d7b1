#include "io/sheet_reader.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace riskmap::io {

namespace {
std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

GDALDatasetUniquePtr open_workbook(const std::string& path) {
    init_gdal();
    if (!std::filesystem::exists(path))
        throw InputError("'" + path + "': file not found");
    // Every cell as the text the sheet holds (no guessed column types that would print a code
    // as 3205012001.0), and the first row always the header, even when all cells are text.
    const char* const drivers[] = {"XLSX", "ODS", "XLS", nullptr};
    const char* const options[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", nullptr};
    // GDAL 3.6's spreadsheet drivers read the header choice lazily, after Open, from the
    // config options, not the open options (found by fuzz_sheet_cells: an all-text sheet's
    // header row became data). Process-wide: riskmap reads spreadsheets only here.
    for (const char* driver : {"XLSX", "ODS", "XLS"}) {
        const std::string prefix = std::string("OGR_") + driver;
        CPLSetConfigOption((prefix + "_HEADERS").c_str(), "FORCE");
        CPLSetConfigOption((prefix + "_FIELD_TYPES").c_str(), "STRING");
    }
    CPLErrorReset();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                          drivers, options, nullptr));
    if (!ds)
        throw InputError("'" + path + "': cannot be read as a spreadsheet" + gdal_last_error());
    return ds;
}

OGRLayer* pick_sheet(GDALDataset& ds, const std::string& path, const std::string& sheet) {
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    if (!sheet.empty()) {
        if (OGRLayer* layer = ds.GetLayerByName(sheet.c_str()))
            return layer;
        throw InputError("'" + path + "': no sheet '" + sheet + "' (sheets: " + names + ")");
    }
    if (ds.GetLayerCount() == 1)
        return ds.GetLayer(0);
    if (ds.GetLayerCount() == 0)
        throw InputError("'" + path + "': the workbook has no sheet with data");
    throw UsageError("'" + path + "' has " + std::to_string(ds.GetLayerCount()) + " sheets (" +
                     names + "); set inputs.records_sheet to one of them");
}

/// One sheet's rows. OGR numbers each feature by its spreadsheet row (the header is row 1),
/// which is what a planner looks for when a row is rejected.
class SheetReader : public RowReader {
public:
    SheetReader(const std::string& path, const std::string& sheet)
        : path_(path), ds_(open_workbook(path)), layer_(pick_sheet(*ds_, path, sheet)) {
        OGRFeatureDefn* defn = layer_->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            header_.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
        if (header_.empty())
            throw InputError("'" + path + "' sheet '" + layer_->GetName() +
                             "': empty (no header row)");
        layer_->ResetReading();
    }

    const std::vector<std::string>& header() const override { return header_; }
    const std::string& path() const override { return path_; }

    bool next(CsvRow& row) override {
        while (OGRFeatureUniquePtr feature{layer_->GetNextFeature()}) {
            row.fields.assign(header_.size(), std::string());
            bool any = false;
            for (int i = 0; i < static_cast<int>(header_.size()); ++i)
                if (feature->IsFieldSetAndNotNull(i)) {
                    row.fields[std::size_t(i)] = feature->GetFieldAsString(i);
                    any = any || !row.fields[std::size_t(i)].empty();
                }
            if (!any)
                continue; // a blank row, as blank CSV lines are
            row.line = static_cast<std::size_t>(feature->GetFID());
            return true;
        }
        return false;
    }

private:
    std::string path_;
    GDALDatasetUniquePtr ds_;
    OGRLayer* layer_;
    std::vector<std::string> header_;
};
} // namespace

bool is_spreadsheet(const std::string& path) {
    const std::string ext = lower_extension(path);
    return ext == ".xlsx" || ext == ".ods" || ext == ".xls";
}

std::unique_ptr<RowReader> open_records(const std::string& path, char delimiter,
                                        const std::string& sheet) {
    if (is_spreadsheet(path))
        return std::make_unique<SheetReader>(path, sheet);
    if (!sheet.empty())
        throw UsageError("inputs.records_sheet is set but '" + path +
                         "' is not a spreadsheet (.xlsx, .ods or .xls)");
    return std::make_unique<CsvReader>(path, delimiter);
}

} // namespace riskmap::io
