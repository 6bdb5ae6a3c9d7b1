// Every bad input of the end-to-end issue: the exact exit code of DESIGN.md section 4, a
// message naming the file and place, and no output written.

#include "core/error.hpp"
#include "support/small_job.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

using namespace riskmap;
using namespace riskmap::test;

using BadInput = SmallJob;

TEST_F(BadInput, TheValidJobSucceeds) {
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto files = list_dir(dir / "out");
    for (const char* f :
         {"villages.csv", "villages.gpkg", "rejects.csv", "run.json", "stunting_rate.tif",
          "maternal_rate.tif", "risk_index.tif", "priority_class.tif", "kecamatan.csv"})
        EXPECT_NE(std::find(files.begin(), files.end(), f), files.end()) << f;
    EXPECT_EQ(read_text(dir / "out/rejects.csv"), "line,code,reason\n");
}

TEST_F(BadInput, MissingVillagesFile) {
    sections["inputs"]["villages"] = "nowhere.gpkg";
    expect_failure(kExitInput, {"nowhere.gpkg", "file not found", "read.villages"});
}

TEST_F(BadInput, UnreadableRaster) {
    write_text(dir / "population.tif", "this is not a GeoTIFF");
    expect_failure(kExitInput, {"population.tif", "cannot be read as a raster"});
}

TEST_F(BadInput, RasterWithoutCrs) {
    write_raster(dir / "population.tif", grid, Layer<float>(20, 20, 5.0f), false);
    expect_failure(kExitInput, {"population.tif", "has no CRS"});
}

TEST_F(BadInput, SanitationThatDoesNotOverlapTheGrid) {
    Grid far = grid;
    far.geotransform[0] += 500000;
    write_raster(dir / "sanitation.tif", far, Layer<float>(20, 20, 0.4f));
    expect_failure(kExitInput, {"sanitation.tif", "does not overlap", "cannot be reconciled"});
}

// The population raster defines the grid, so when it is the one placed elsewhere the message
// must name it, not the sanitation raster that is checked against it first.
TEST_F(BadInput, PopulationThatOverlapsNeitherVillagesNorSanitation) {
    Grid far = grid;
    far.geotransform[0] += 500000;
    write_raster(dir / "population.tif", far, Layer<float>(20, 20, 5.0f));
    expect_failure(kExitInput, {"population.tif", "overlaps neither the villages", "villages.gpkg",
                                "sanitation.tif", "check its CRS and extent"});
}

TEST_F(BadInput, DuplicateVillageCodeInTheVillages) {
    const double x = 400000, y = 9230000;
    write_rect_villages(dir / "villages.gpkg",
                        {{"3205012001", x, y - 1000, x + 1000, y},
                         {"32.05.01.2001", x + 1000, y - 1000, x + 2000, y}},
                        grid.crs_wkt);
    expect_failure(kExitInput,
                   {"villages.gpkg", "feature 2", "duplicate village code 32.05.01.2001"});
}

TEST_F(BadInput, DuplicateRecordsListTheirLines) {
    records += "3205012001,10,1,5,0\n";
    expect_failure(kExitInput, {"records.csv", "duplicate records", "32.05.01.2001 at lines 2 6"});
}

TEST_F(BadInput, MalformedCsvLine) {
    records += "3205012001,10,1\n";
    expect_failure(kExitInput, {"records.csv", "line 6", "3 fields where the header has 5"});
}

TEST_F(BadInput, UnknownConfigKeyWithSuggestion) {
    sections["smoothing"]["bandwith_m"] = "300";
    expect_failure(kExitUsage, {"job.ini", "unknown key 'smoothing.bandwith_m'",
                                "did you mean 'smoothing.bandwidth_m'"});
}

TEST_F(BadInput, NegativeBandwidth) {
    sections["smoothing"]["bandwidth_m"] = "-5";
    expect_failure(kExitUsage, {"job.ini", "'smoothing.bandwidth_m'", "'-5'"});
}

TEST_F(BadInput, UnknownCommandLineOption) {
    expect_failure(kExitUsage, {"unknown option '--smoothing.bandwidth'"},
                   {"--smoothing.bandwidth", "5"});
}

TEST_F(BadInput, RejectedRowsFailTheRunWhenAskedTo) {
    records += "3205019999,10,1,5,0\n";
    sections["inputs"]["on_reject"] = "fail";
    expect_failure(kExitInput, {"records.csv", "line 6", "unknown village code 32.05.01.9999",
                                "nothing was written"});
}

TEST_F(BadInput, RejectedRowsAreReportedNeverDropped) {
    records += "3205019999,10,1,5,0\n" // line 6: unknown code
               "3205012005,-3,1,5,0\n" // line 7: unknown and negative; code checked first
               "32050120,10,1,5,0\n";  // line 8: 8 digits
    records.replace(records.find("3205022004,90,25"), 16, "3205022004,90,95"); // line 5: 95 > 90
    records.replace(records.find("3205022003,120,10,50"), 20, "3205022003,120,10,5.5"); // line 4
    const auto r = run({"--inputs.on_reject", "report"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string rejects = read_text(dir / "out/rejects.csv");
    EXPECT_NE(rejects.find("4,3205022003,count '5.5' in column 'live_births' is not a "
                           "non-negative integer"),
              std::string::npos)
        << rejects;
    EXPECT_NE(rejects.find("5,3205022004,children_stunted 95 is above children_measured 90"),
              std::string::npos)
        << rejects;
    EXPECT_NE(rejects.find("6,3205019999,unknown village code 32.05.01.9999"), std::string::npos);
    // The reason holds commas, so the CSV quotes it.
    EXPECT_NE(rejects.find("8,32050120,\"village code '32050120' has 8 digits"), std::string::npos)
        << rejects;
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("\"records_rejected\": 5"), std::string::npos) << json;
}

TEST_F(BadInput, NegativeCountIsRejected) {
    records.replace(records.find("3205012002,80,30,35,1"), 21, "3205012002,80,30,35,-1");
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(dir / "out/rejects.csv")
                  .find("3,3205012002,count '-1' in column 'maternal_deaths' is not a "
                        "non-negative integer"),
              std::string::npos);
}

TEST_F(BadInput, AFailedRunLeavesThePreviousOutputsUntouched) {
    ASSERT_EQ(run().exit_code, 0);
    const std::string before = read_text(dir / "out/villages.csv");
    records += "3205012001,10,1\n";
    const auto r = run();
    EXPECT_EQ(r.exit_code, kExitInput);
    EXPECT_EQ(read_text(dir / "out/villages.csv"), before);
    for (const auto& f : list_dir(dir / "out"))
        EXPECT_EQ(f.find(".riskmap-staging"), std::string::npos) << f;
}

TEST_F(BadInput, MissingConfigFileIsAUsageError) {
    const auto r = run_riskmap({"run", "--config", dir / "nope.ini"});
    EXPECT_EQ(r.exit_code, kExitUsage);
    EXPECT_NE(r.output.find("nope.ini"), std::string::npos);
}

TEST_F(BadInput, StagingLeftByAKilledRunIsCleanedUp) {
    // A process that has ended stands in for a run killed while writing.
    const pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, nullptr, 0);
    const std::string stale = dir / ("out/.riskmap-staging-" + std::to_string(dead) + "-0");
    std::filesystem::create_directories(stale);
    write_text(stale + "/villages.csv", "half written");
    ASSERT_EQ(run().exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_NE(read_text(dir / "out/villages.csv"), "half written");
}

namespace {
/// The four quadrant villages with one replaced by `wkt` (empty: no geometry).
void write_villages_with(const std::string& path, const Grid& grid, const std::string& wkt) {
    const double x = grid.geotransform[0], y = grid.geotransform[3];
    write_wkt_villages(path,
                       {{"3205012001", rect_wkt(x, y - 1000, x + 1000, y)},
                        {"3205012002", wkt},
                        {"3205022003", rect_wkt(x, y - 2000, x + 1000, y - 1000)},
                        {"3205022004", rect_wkt(x + 1000, y - 2000, x + 2000, y - 1000)}},
                       grid.crs_wkt);
}
} // namespace

TEST_F(BadInput, SelfIntersectingVillageNamesTheFeature) {
    // A bow tie over the second quadrant: the ring crosses itself.
    const std::string bowtie = "POLYGON ((401000 9230000, 402000 9229000, 402000 9230000, "
                               "401000 9229000, 401000 9230000))";
    write_villages_with(dir / "villages.gpkg", grid, bowtie);
    expect_failure(kExitInput, {"villages.gpkg", "feature 2 (code 3205012002)", "invalid geometry",
                                "inputs.repair_geometry"});
    sections["inputs"]["repair_geometry"] = "true";
    EXPECT_EQ(run().exit_code, 0);
}

TEST_F(BadInput, VillageWithANaNVertex) {
    // WKT cannot say NaN, but WKB (and so a GeoPackage) can; GEOS would "repair" it silently.
    const double x = grid.geotransform[0], y = grid.geotransform[3];
    write_villages_with(dir / "villages.gpkg", grid, rect_wkt(x + 1000, y - 1000, x + 2000, y));
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "villages.gpkg").c_str(), GDAL_OF_UPDATE));
        OGRLayer* layer = ds->GetLayer(0);
        std::unique_ptr<OGRFeature> f(layer->GetFeature(2));
        f->GetGeometryRef()->toPolygon()->getExteriorRing()->setPoint(1, std::nan(""), y);
        ASSERT_EQ(layer->SetFeature(f.get()), OGRERR_NONE);
    }
    expect_failure(kExitInput,
                   {"villages.gpkg", "feature 2 (code 3205012002)", "NaN or infinite coordinate"});
    sections["inputs"]["repair_geometry"] = "true";
    expect_failure(kExitInput, {"villages.gpkg", "feature 2", "NaN or infinite coordinate"});
}

TEST_F(BadInput, VillageWithoutGeometry) {
    write_villages_with(dir / "villages.gpkg", grid, "");
    expect_failure(kExitInput, {"villages.gpkg", "feature 2", "empty geometry"});
}

TEST_F(BadInput, VillageThatIsNotAPolygon) {
    write_villages_with(dir / "villages.gpkg", grid, "POINT (401500 9229500)");
    expect_failure(kExitInput, {"villages.gpkg", "feature 2", "geometry is POINT"});
}

TEST_F(BadInput, InfinitePopulationNamesThePixel) {
    Layer<float> pop(20, 20, 5.0f);
    pop(3, 7) = std::numeric_limits<float>::infinity();
    write_raster(dir / "population.tif", grid, pop);
    expect_failure(kExitInput, {"population.tif", "pixel (row 3, col 7) is infinite"});
}

TEST_F(BadInput, AllNodataPopulation) {
    write_raster(dir / "population.tif", grid, Layer<float>(20, 20, std::nanf("")));
    expect_failure(kExitInput, {"population.tif", "every pixel is nodata"});
}

TEST_F(BadInput, PopulationThatDoesNotOverlapTheVillages) {
    Grid far = grid;
    far.geotransform[3] -= 300000;
    write_raster(dir / "population.tif", far, Layer<float>(20, 20, 5.0f));
    write_raster(dir / "sanitation.tif", far, Layer<float>(20, 20, 0.4f));
    expect_failure(kExitInput, {"villages.gpkg", "no village overlaps the population grid"});
}

TEST_F(BadInput, TruncatedGeoTiff) {
    write_raster(dir / "population.tif", grid, Layer<float>(20, 20, 5.0f));
    const std::string bytes = read_text(dir / "population.tif");
    write_text(dir / "population.tif", bytes.substr(0, bytes.size() / 2));
    expect_failure(kExitInput, {"population.tif"});
}

TEST_F(BadInput, HeaderOnlyRecords) {
    records = records.substr(0, records.find('\n') + 1);
    expect_failure(kExitInput, {"records.csv", "no record could be joined"});
}

TEST_F(BadInput, DecimalCommaCountsInASemicolonFileAreRejected) {
    records = "kode_desa;children_measured;children_stunted;live_births;maternal_deaths\n"
              "3205012001;100;20;40;0\n"
              "3205012002;80,0;30;35;1\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(dir / "out/rejects.csv").find("count '80,0' in column"), std::string::npos);
}

TEST_F(BadInput, Latin1BytesInUnusedColumnsDoNotMatter) {
    records = "kode_desa,nama,children_measured,children_stunted,live_births,maternal_deaths\n"
              "3205012001,Cibe\xe9reum,100,20,40,0\n"
              "3205012002,Sukama\xf1u,80,30,35,1\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(dir / "out/run.json").find("\"records_joined\": 2"), std::string::npos);
}
