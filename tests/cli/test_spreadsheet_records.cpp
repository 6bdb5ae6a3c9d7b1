// Records from spreadsheets (issue 14): XLSX and ODS workbooks written through GDAL's own
// drivers, with codes stored as numbers or as text in the forms spreadsheets produce.

#include "core/error.hpp"
#include "io/gdal_env.hpp"
#include "support/small_job.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

namespace {
struct Sheet {
    std::string name;
    std::vector<std::pair<std::string, OGRFieldType>> fields;
    std::vector<std::vector<std::string>> rows; ///< "" leaves the cell empty
};

void write_workbook(const std::string& path, const char* driver, const std::vector<Sheet>& sheets) {
    io::init_gdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(drv, nullptr) << driver;
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr) << CPLGetLastErrorMsg();
    for (const Sheet& sheet : sheets) {
        OGRLayer* layer = ds->CreateLayer(sheet.name.c_str(), nullptr, wkbNone, nullptr);
        ASSERT_NE(layer, nullptr);
        for (const auto& [name, type] : sheet.fields) {
            OGRFieldDefn field(name.c_str(), type);
            ASSERT_EQ(layer->CreateField(&field), OGRERR_NONE);
        }
        for (const auto& cells : sheet.rows) {
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            for (std::size_t i = 0; i < cells.size(); ++i)
                if (!cells[i].empty())
                    feature->SetField(static_cast<int>(i), cells[i].c_str());
            ASSERT_EQ(layer->CreateFeature(feature.get()), OGRERR_NONE);
        }
    }
}

std::vector<std::pair<std::string, OGRFieldType>> count_fields(OGRFieldType code_type) {
    return {{"kode_desa", code_type},
            {"children_measured", OFTInteger},
            {"children_stunted", OFTInteger},
            {"live_births", OFTInteger},
            {"maternal_deaths", OFTInteger}};
}
} // namespace

class SpreadsheetRecords : public SmallJob {
protected:
    /// villages.csv of the same job from SmallJob's CSV records.
    std::string csv_run_table() {
        const auto r = run();
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return read_text(dir / "out/villages.csv");
    }
};

TEST_F(SpreadsheetRecords, AllTextSheetsKeepTheirHeaderRow) {
    // Counts typed as text: GDAL 3.6 would take the header row for data unless forced
    // (found by fuzz_sheet_cells).
    const std::string expected = csv_run_table();
    std::vector<std::pair<std::string, OGRFieldType>> text_fields;
    for (const auto& [name, type] : count_fields(OFTString))
        text_fields.emplace_back(name, OFTString);
    for (const char* driver : {"XLSX", "ODS"}) {
        const std::string file = std::string("records.") + (driver[0] == 'X' ? "xlsx" : "ods");
        write_workbook(dir / file, driver,
                       {{"data",
                         text_fields,
                         {{"3205012001", "100", "20", "40", "0"},
                          {"3205012002", "80", "30", "35", "1"},
                          {"3205022003", "120", "10", "50", "0"},
                          {"3205022004", "90", "25", "30", "0"},
                          {"3205019999", "10", "1", "5", "0"}}}});
        sections["inputs"]["records"] = file;
        const auto r = run();
        ASSERT_EQ(r.exit_code, 0) << driver << ": " << r.output;
        EXPECT_EQ(read_text(dir / "out/villages.csv"), expected) << driver;
    }
}

TEST_F(SpreadsheetRecords, XlsxWithNumericCodesGivesTheSameTableAsTheCsv) {
    const std::string expected = csv_run_table();
    write_workbook(dir / "records.xlsx", "XLSX",
                   {{"data",
                     count_fields(OFTInteger64),
                     {{"3205012001", "100", "20", "40", "0"},
                      {"3205012002", "80", "30", "35", "1"},
                      {"", "", "", "", ""}, // a blank row is skipped, as in CSV
                      {"3205022003", "120", "10", "50", "0"},
                      {"3205022004", "90", "25", "30", "0"},
                      {"3205019999", "10", "1", "5", "0"}}}});
    sections["inputs"]["records"] = "records.xlsx";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), expected);
    // The rejected row is named by its row in the sheet (header = row 1, blank row 4).
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n7,3205019999,unknown village code 32.05.01.9999 (not in the "
              "villages layer)\n");
}

TEST_F(SpreadsheetRecords, OdsWithTextCodesAsSpreadsheetsWriteThem) {
    const std::string expected = csv_run_table();
    write_workbook(dir / "records.ods", "ODS",
                   {{"Keterangan", {{"catatan", OFTString}}, {{"Data posyandu kuartal 3"}}},
                    {"data",
                     count_fields(OFTString),
                     {{"3.205012001E9", "100", "20", "40", "0"},
                      {"32.05.01.2002", "80", "30", "35", "1"},
                      {"3205022003.0", "120", "10", "50", "0"},
                      {"3205022004", "90", "25", "30", "0"},
                      {"3.20502E+09", "10", "1", "5", "0"}}}});
    sections["inputs"]["records"] = "records.ods";
    // Two sheets: which one holds the records is the user's to say.
    std::filesystem::remove_all(dir / "out");
    expect_failure(kExitUsage,
                   {"records.ods", "2 sheets (Keterangan, data)", "inputs.records_sheet"});
    sections["inputs"]["records_sheet"] = "data";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), expected);
    // A code rounded by the sheet matches a thousand villages' prefix: rejected, never joined.
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n6,3.20502E+09,code '3.20502E+09' is a number in scientific "
              "notation that lost its last 4 digit(s); store the code column as text\n");
}

TEST_F(SpreadsheetRecords, AMissingSheetListsTheSheets) {
    write_workbook(
        dir / "records.xlsx", "XLSX",
        {{"data", count_fields(OFTInteger64), {{"3205012001", "100", "20", "40", "0"}}}});
    sections["inputs"]["records"] = "records.xlsx";
    sections["inputs"]["records_sheet"] = "Lembar1";
    expect_failure(kExitInput, {"records.xlsx", "no sheet 'Lembar1'", "sheets: data"});
}

TEST_F(SpreadsheetRecords, ASheetKeyWithACsvIsAUsageError) {
    sections["inputs"]["records_sheet"] = "data";
    expect_failure(kExitUsage, {"inputs.records_sheet", "records.csv", "is not a spreadsheet"});
}

TEST_F(SpreadsheetRecords, ANonWorkbookWithASpreadsheetNameIsNamed) {
    write_text(dir / "records.xlsx", "kode_desa,children_measured\n");
    sections["inputs"]["records"] = "records.xlsx";
    expect_failure(kExitInput, {"records.xlsx", "cannot be read as a spreadsheet"});
}
