// The quarterly job on small hand-made inputs: input variants a user meets.

#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "support/small_job.hpp"

#include <gdal_priv.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

using SmallJobRuns = SmallJob;

TEST_F(SmallJobRuns, SemicolonRecordsWithQuotesAndMixedCodeStyles) {
    records = "\xEF\xBB\xBF"
              "kode_desa;children_measured;children_stunted;live_births;"
              "maternal_deaths\r\n"
              "\"32.05.01.2001\";100;20;40;0\r\n"
              "32 05 01 2002;80;30;35;1\r\n"
              "32-05-02-2003;120;10;50;0\r\n"
              "3205022004;90;25;30;0\r\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(dir / "out/run.json").find("\"records_joined\": 4"), std::string::npos);
}

TEST_F(SmallJobRuns, ConfigurableColumnNames) {
    records = "desa,diukur,stunted,lahir,kematian\n"
              "3205012001,100,20,40,0\n3205012002,80,30,35,1\n";
    sections["inputs"]["record_code"] = "desa";
    sections["indicator.stunting"] = {{"numerator", "stunted"}, {"denominator", "diukur"}};
    sections["indicator.maternal"] = {{"numerator", "kematian"}, {"denominator", "lahir"}};
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string csv = read_text(dir / "out/villages.csv");
    // INI sections come out alphabetically: maternal first, then stunting 30 of 80.
    EXPECT_NE(csv.find("3205012002,,1,35,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",30,80,0.375,"), std::string::npos) << csv;
}

TEST_F(SmallJobRuns, GeographicGridKeepsItsCrs) {
    grid = geographic_grid(20, 20, 0.001); // about 110 m
    write_inputs();
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    io::init_gdal();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((dir / "out/stunting_rate.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    EXPECT_TRUE(ds->GetSpatialRef()->IsGeographic());
    const auto rate =
        io::read_band(dir / "out/stunting_rate.tif", io::read_grid(dir / "out/stunting_rate.tif"));
    // Total 85 stunted of 390 measured; every smoothed rate lies between the village rates.
    for (std::size_t i = 1; i < rate.size(); ++i) {
        ASSERT_FALSE(std::isnan(rate[i])) << i;
        EXPECT_GE(rate[i], 10.0f / 120 - 1e-6f);
        EXPECT_LE(rate[i], 30.0f / 80 + 1e-6f);
    }
}

TEST_F(SmallJobRuns, OutputReportWritesTheQuartersReport) {
    sections["output"]["report"] = "true";
    const auto r = run({"--inputs.period", "2025Q3"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string html = read_text(dir / "out/report_2025Q3.html");
    EXPECT_NE(html.find("quarterly risk report 2025Q3"), std::string::npos);
    EXPECT_NE(html.find("<td>3205012001</td>"), std::string::npos); // the lists have rows
    EXPECT_TRUE(std::filesystem::exists(dir / "out/report_2025Q3.pdf"));
}

TEST_F(SmallJobRuns, WithoutRastersOnlyTablesAreWritten) {
    sections["inputs"].erase("population");
    sections["inputs"].erase("sanitation");
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(list_dir(dir / "out"),
              (std::vector<std::string>{"kecamatan.csv", "rejects.csv", "run.json", "villages.csv",
                                        "villages.gal", "villages.gpkg", "villages.qml"}));
}

TEST_F(SmallJobRuns, KecamatanSumCountsBeforeRates) {
    ASSERT_EQ(run().exit_code, 0);
    const std::string csv = read_text(dir / "out/kecamatan.csv");
    // 320501: stunted 20 + 30 of 100 + 80 measured, printed so it reads back exactly.
    EXPECT_NE(csv.find("320501,,50,180,0.2777777777777778,"), std::string::npos) << csv;
}

TEST_F(SmallJobRuns, AdaptiveBandwidthWritesTheBandwidthUsed) {
    sections["smoothing"] = {{"adaptive", "true"}, {"ladder_m", "200,400,800"}};
    sections["indicator.stunting"] = {{"min_denominator", "40"}};
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto bw = io::read_band(dir / "out/stunting_bandwidth_m.tif", grid);
    for (std::size_t i = 1; i < bw.size(); ++i)
        ASSERT_TRUE(bw[i] == 200 || bw[i] == 400 || bw[i] == 800) << i << ": " << bw[i];
}

TEST_F(SmallJobRuns, LadderMustAscend) {
    sections["smoothing"] = {{"adaptive", "true"}, {"ladder_m", "800,400"}};
    expect_failure(kExitUsage, {"job.ini", "'smoothing.ladder_m'", "ascending", "'800,400'"});
}

TEST_F(SmallJobRuns, CredibleBoundsBracketTheRate) {
    ASSERT_EQ(run().exit_code, 0);
    for (const std::string ind : {"stunting", "maternal"}) {
        const auto lo = io::read_band(dir / ("out/" + ind + "_lo.tif"), grid);
        const auto hi = io::read_band(dir / ("out/" + ind + "_hi.tif"), grid);
        for (std::size_t i = 1; i < lo.size(); ++i) {
            // Maternal deaths here show no extra variation: the prior is a point mass and the
            // interval collapses onto it (lo == hi), the defined degenerate answer.
            if (ind == "stunting")
                ASSERT_LT(lo[i], hi[i]) << ind << " " << i;
            else
                ASSERT_LE(lo[i], hi[i]) << ind << " " << i;
            ASSERT_GE(lo[i], 0.0f);
        }
    }
}

TEST_F(SmallJobRuns, QuadrantsAreAllQueenNeighboursInTheGal) {
    ASSERT_EQ(run().exit_code, 0);
    const std::string gal = read_text(dir / "out/villages.gal");
    // The four quadrants meet at the centre point: each touches the other three.
    EXPECT_EQ(gal.substr(0, gal.find('\n')), "0 4 villages code");
    EXPECT_NE(gal.find("3205012001 3\n3205012002 3205022003 3205022004\n"), std::string::npos)
        << gal;
    EXPECT_NE(gal.find("3205022004 3\n3205012001 3205012002 3205022003\n"), std::string::npos)
        << gal;
}

TEST_F(SmallJobRuns, RunJsonHoldsTheInputChecksums) {
    ASSERT_EQ(run().exit_code, 0);
    const auto sum = run_command("sha256sum '" + dir / "records.csv" + "'");
    ASSERT_EQ(sum.exit_code, 0);
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("records.csv\": \"sha256:" + sum.output.substr(0, 64) + "\""),
              std::string::npos)
        << json;
}

TEST_F(SmallJobRuns, EveryMapHasAStyleAndAQuicklook) {
    ASSERT_EQ(run().exit_code, 0);
    std::size_t maps = 0;
    for (const auto& name : list_dir(dir / "out")) {
        if (name.size() < 4 || name.substr(name.size() - 4) != ".tif")
            continue;
        ++maps;
        const std::string stem = dir / ("out/" + name.substr(0, name.size() - 4));
        EXPECT_EQ(read_text(stem + ".qml").rfind("<!DOCTYPE qgis", 0), 0u) << name;
        EXPECT_EQ(read_text(stem + ".png").substr(0, 4), "\x89PNG") << name;
    }
    EXPECT_GE(maps, 12u);
}

TEST_F(SmallJobRuns, StageBarOnlyOnATerminal) {
    write_text(dir / "records.csv", records);
    write_text(dir / "job.ini", ini(sections));
    const std::string cmd =
        std::string("'") + RISKMAP_BINARY + "' run --config '" + dir / "job.ini" + "'";
    // script(1) gives the run a pseudo-terminal, as a planner's shell would.
    const auto tty = run_command("script -qec \"" + cmd + "\" /dev/null");
    ASSERT_EQ(tty.exit_code, 0) << tty.output;
    EXPECT_NE(tty.output.find("write.outputs"), std::string::npos) << tty.output;
    const auto piped = run_command(cmd);
    ASSERT_EQ(piped.exit_code, 0) << piped.output;
    EXPECT_EQ(piped.output.find("write.outputs"), std::string::npos) << piped.output;
    const auto quiet = run_command("script -qec \"" + cmd + " --quiet\" /dev/null");
    EXPECT_EQ(quiet.output.find("write.outputs"), std::string::npos) << quiet.output;
}

TEST_F(SmallJobRuns, InfoSummarisesTheOutputFolder) {
    ASSERT_EQ(run().exit_code, 0);
    const auto info = run_riskmap({"info", dir / "out"});
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("villages 4, records read 4, joined 4, rejected 0"),
              std::string::npos)
        << info.output;
    EXPECT_NE(info.output.find("stunting_rate.tif: 20 x 20, EPSG:32749, Float32"),
              std::string::npos)
        << info.output;
    EXPECT_NE(info.output.find("1. "), std::string::npos) << info.output;
    EXPECT_EQ(run_riskmap({"info", dir / "nothing-here"}).exit_code, kExitInput);
}
