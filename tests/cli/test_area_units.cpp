// inputs.unit (issue 14): kecamatan-level layers, the level read from the codes, and free-form
// ids of research layers, each run end to end on real GeoPackage and CSV files.

#include "core/error.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {
/// The first field of every data line of a CSV file written by riskmap (codes have no commas
/// in these tests).
std::vector<std::string> first_column(const std::string& csv) {
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> out;
    while (std::getline(in, line))
        out.push_back(line.substr(0, line.find(',')));
    std::sort(out.begin(), out.end());
    return out;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}
} // namespace

class AreaUnits : public SmallJob {
protected:
    /// The four rectangles of SmallJob under other codes, and records keyed by them.
    void use_codes(const std::vector<std::string>& codes, const std::vector<std::string>& keys) {
        const double x = grid.geotransform[0], y = grid.geotransform[3];
        const double s = 1000;
        write_rect_villages(dir / "villages.gpkg",
                            {{codes[0], x, y - s, x + s, y},
                             {codes[1], x + s, y - s, x + 2 * s, y},
                             {codes[2], x, y - 2 * s, x + s, y - s},
                             {codes[3], x + s, y - 2 * s, x + 2 * s, y - s}},
                            grid.crs_wkt);
        records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n" +
                  keys[0] + ",100,20,40,0\n" + keys[1] + ",80,30,35,1\n" + keys[2] +
                  ",120,10,50,0\n" + keys[3] + ",90,25,30,0\n";
    }
};

TEST_F(AreaUnits, KecamatanLayerAggregatesToRegencies) {
    use_codes({"320501", "320502", "33.01.01", "330102"},
              {"32.05.01", "320502", "330101", "33 01 02"});
    sections["inputs"]["unit"] = "kecamatan";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(first_column(read_text(dir / "out/villages.csv")),
              (std::vector<std::string>{"320501", "320502", "330101", "330102"}));
    EXPECT_EQ(first_column(read_text(dir / "out/regency.csv")),
              (std::vector<std::string>{"3205", "3301"}));
    EXPECT_FALSE(std::filesystem::exists(dir / "out/kecamatan.csv"));
    EXPECT_EQ(read_text(dir / "out/rejects.csv"), "line,code,reason\n");
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_TRUE(has(json, "\"areas\": {\"unit\": \"kecamatan\", \"unit_from\": \"inputs.unit\", "
                          "\"count\": 4, \"parent_table\": \"regency.csv\"}"))
        << json;
    EXPECT_TRUE(has(json, "\"regency\": {\"areas\": 2")) << json;
}

TEST_F(AreaUnits, AutoReadsTheLevelFromTheFirstCode) {
    use_codes({"320501", "320502", "330101", "330102"}, {"320501", "320502", "330101", "330102"});
    sections["inputs"]["unit"] = "auto";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(read_text(dir / "out/run.json"),
                    "\"unit\": \"kecamatan\", \"unit_from\": \"code length\""));
    EXPECT_TRUE(std::filesystem::exists(dir / "out/regency.csv"));
}

TEST_F(AreaUnits, AutoRejectsAFeatureOfAnotherLevel) {
    use_codes({"320501", "320502", "3301012001", "330102"},
              {"320501", "320502", "330101", "330102"});
    sections["inputs"]["unit"] = "auto";
    expect_failure(kExitInput, {"villages.gpkg", "feature 3",
                                "kecamatan code '3301012001' has 10 digits; expected 6"});
}

TEST_F(AreaUnits, AutoNamesACodeOfNoLevel) {
    use_codes({"35101", "35102", "35103", "35104"}, {"35101", "35102", "35103", "35104"});
    sections["inputs"]["unit"] = "auto";
    expect_failure(kExitInput,
                   {"villages.gpkg", "feature 1", "cannot tell the areas' level from code '35101'",
                    "set inputs.unit"});
}

TEST_F(AreaUnits, ShortIdsInAVillageRunSayWhichKeyToSet) {
    use_codes({"1", "2", "12", "7"}, {"1", "2", "12", "7"});
    expect_failure(kExitInput, {"villages.gpkg", "feature 1", "village code '1' has 1 digits",
                                "inputs.unit = any"});
}

TEST_F(AreaUnits, FreeFormIdsRunWithoutAHierarchy) {
    use_codes({"1", "2", "12", "Zone B"}, {"1", " 2", "12 ", "Zone B"});
    records += "zone b,10,1,5,0\n"; // ids keep their case: another area, so rejected
    sections["inputs"]["unit"] = "any";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(first_column(read_text(dir / "out/villages.csv")),
              (std::vector<std::string>{"1", "12", "2", "Zone B"}));
    for (const char* table : {"kecamatan.csv", "regency.csv", "province.csv"})
        EXPECT_FALSE(std::filesystem::exists(dir / ("out/" + std::string(table)))) << table;
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n6,zone b,unknown area id zone b (not in the villages layer)\n");
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_TRUE(has(json, "\"unit\": \"any\"")) << json;
    EXPECT_TRUE(has(json, "\"parent_table\": null")) << json;
}

TEST_F(AreaUnits, AnUnknownKecamatanCodeIsRejectedByLine) {
    use_codes({"320501", "320502", "330101", "330102"}, {"320501", "320502", "330101", "320509"});
    sections["inputs"]["unit"] = "kecamatan";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n5,320509,unknown kecamatan code 32.05.09 (not in the villages "
              "layer)\n");
}

TEST_F(AreaUnits, PuskesmasRowsAreSummedToTheKecamatanTheyServe) {
    use_codes({"320501", "320502", "330101", "330102"}, {"320501", "320502", "330101", "330102"});
    records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "320501,100,20,40,0\n320502,80,30,35,1\n330101,120,10,50,0\n330102,90,25,30,0\n";
    sections["inputs"]["unit"] = "kecamatan";
    auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string by_code = read_text(dir / "out/villages.csv");
    write_text(dir / "puskesmas.csv", "puskesmas,kode_kecamatan\n"
                                      "Puskesmas Sukamaju,32.05.01\n"
                                      "Karanganyar,320501\n"
                                      "Cibodas,320502\n"
                                      "Cikole,330101\n"
                                      "Cimahi,330102\n");
    records = "nama_puskesmas,children_measured,children_stunted,live_births,maternal_deaths\n"
              "PKM Sukamaju,60,10,20,0\n"
              "Puskesmas KARANGANYAR,40,10,20,0\n"
              "Cibodas,80,30,35,1\n"
              "pkm cikole,120,10,50,0\n"
              "Cimahi,90,25,30,0\n"
              "Cibodass,1,0,1,0\n";
    sections["inputs"]["record_puskesmas"] = "nama_puskesmas";
    sections["inputs"]["puskesmas_table"] = "puskesmas.csv";
    r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), by_code);
    const std::string table = dir / "puskesmas.csv";
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n7,Cibodass,puskesmas 'Cibodass' is not in the puskesmas table '" +
                  table + "' (closest: Cibodas)\n");
}

TEST_F(AreaUnits, APuskesmasListedForTwoAreasIsRefused) {
    use_codes({"320501", "320502", "330101", "330102"}, {"320501", "320502", "330101", "330102"});
    sections["inputs"]["unit"] = "kecamatan";
    write_text(dir / "puskesmas.csv", "puskesmas,kode\nCibodas,320502\nPKM Cibodas,330101\n");
    sections["inputs"]["record_puskesmas"] = "kode_desa";
    sections["inputs"]["puskesmas_table"] = "puskesmas.csv";
    expect_failure(kExitInput, {"puskesmas.csv", "line 3", "listed for 32.05.02 and 33.01.01"});
}
