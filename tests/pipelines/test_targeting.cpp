// Targeting lists a planner can defend (issue 13): excess cases, one list per programme and an
// explicit overall list, rank certainty, thresholds and classes, pixel priority by density.

#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "support/small_job.hpp"
#include "synth/synth.hpp"

#include <gdal_utils.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {
using Rows = std::vector<std::map<std::string, std::string>>;

Rows rows_of(const std::string& path) {
    return csv_rows(path);
}

double num(const std::map<std::string, std::string>& row, const std::string& column) {
    const auto it = row.find(column);
    return it == row.end() || it->second.empty() ? std::nan("") : std::stod(it->second);
}

const std::map<std::string, std::string>& row_of(const Rows& rows, const std::string& code) {
    for (const auto& r : rows)
        if (r.at("code") == code)
            return r;
    throw std::runtime_error("no row " + code);
}
} // namespace

using Targeting = SmallJob;

TEST_F(Targeting, ASmallVeryHighRiskVillageOutranksALargeOneAtTheTarget) {
    // Tables only, so the population at risk is the children measured: 60 of 100 stunted in
    // 3205012001, 700 of 5000 (the 14 % target) in 3205012002.
    sections["inputs"].erase("population");
    sections["inputs"].erase("sanitation");
    records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "3205012001,100,60,40,0\n3205012002,5000,700,35,0\n"
              "3205022003,300,50,50,0\n3205022004,400,60,30,0\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Rows rows = rows_of(dir / "out/villages.csv");
    const auto& small = row_of(rows, "3205012001");
    const auto& large = row_of(rows, "3205012002");
    EXPECT_EQ(small.at("stunting_rank"), "1");
    EXPECT_GT(num(small, "stunting_excess"), 2 * num(large, "stunting_excess"));
    // Yet the large village has more stunted children now.
    EXPECT_GT(num(large, "stunting_expected"), num(small, "stunting_expected"));
}

TEST_F(Targeting, TheRankingIsReproducibleFromTheTablesOwnColumns) {
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const char* table : {"villages.csv", "kecamatan.csv"}) {
        const Rows rows = rows_of(dir / ("out/" + std::string(table)));
        double last = INFINITY;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& row = rows[i];
            // score = 1 per excess stunted child + 200 per excess maternal death (the defaults).
            const double score = num(row, "stunting_excess") + 200 * num(row, "maternal_excess");
            EXPECT_NEAR(num(row, "priority_score"), score, 1e-9 * score + 1e-12) << table;
            EXPECT_EQ(num(row, "priority_rank"), double(i + 1)) << table; // rows in rank order
            EXPECT_LE(num(row, "priority_score"), last);
            last = num(row, "priority_score");
            EXPECT_LE(num(row, "priority_rank_lo"), num(row, "priority_rank"));
            EXPECT_GE(num(row, "priority_rank_hi"), num(row, "priority_rank"));
            EXPECT_GE(num(row, "priority_p_top"), 0);
            EXPECT_LE(num(row, "priority_p_top"), 1);
        }
    }
    // The key in plain words.
    const auto info = run_riskmap({"info", dir / "out"});
    EXPECT_NE(info.output.find("= 1 x "), std::string::npos) << info.output;
    EXPECT_NE(info.output.find(" excess children stunted + 200 x "), std::string::npos)
        << info.output;
}

TEST_F(Targeting, ThresholdsAndPrevalenceClasses) {
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Rows rows = rows_of(dir / "out/villages.csv");
    for (const auto& row : rows) {
        // P(> 14 %) >= P(> 20 %) >= P(> 30 %), and the WHO class of the posterior mean.
        EXPECT_GE(num(row, "stunting_exceed"), num(row, "stunting_p_above_20"));
        EXPECT_GE(num(row, "stunting_p_above_20"), num(row, "stunting_p_above_30"));
        const double mean = num(row, "stunting_mean");
        const double expected = mean < 0.025  ? 1
                                : mean < 0.10 ? 2
                                : mean < 0.20 ? 3
                                : mean < 0.30 ? 4
                                              : 5;
        EXPECT_EQ(num(row, "stunting_class"), expected);
    }
}

TEST_F(Targeting, ClassNamesMustMatchTheBreaks) {
    sections["indicator.stunting"]["class_names"] = "low, high";
    expect_failure(kExitUsage, {"job.ini", "class_names", "must name 5 classes", "not 2"});
}

TEST_F(Targeting, UnpopulatedLandIsNodataInRiskAndPriorityMaps) {
    Layer<float> pop(20, 20, 5.0f);
    pop(0, 0) = std::nanf("");
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c)
            if (r + c > 3)
                pop(r, c) = 0; // most of the first village: forest
    write_raster(dir / "population.tif", grid, pop);
    const auto run_result = run();
    ASSERT_EQ(run_result.exit_code, 0) << run_result.output;
    const auto risk = io::read_band(dir / "out/risk_index.tif", grid);
    const auto classes = io::read_band(dir / "out/priority_class.tif", grid);
    for (int r = 0; r < 20; ++r)
        for (int c = 0; c < 20; ++c) {
            const bool empty = !(pop(r, c) > 0);
            EXPECT_EQ(std::isnan(risk(r, c)), empty) << r << " " << c;
            EXPECT_EQ(std::isnan(classes(r, c)), empty) << r << " " << c; // Byte nodata 0
        }
}

TEST(TargetingDistrict, PriorityClassSharesDoNotDependOnThePixelSize) {
    TempDir dir;
    synth::SynthOptions opt;
    opt.out_dir = dir / "data";
    synth::generate(opt);
    // The same district at 90 m: population summed over 3 x 3 pixels (GDAL's warper).
    io::init_gdal();
    GDALDatasetH src = GDALOpen((dir / "data/population.tif").c_str(), GA_ReadOnly);
    char** args = nullptr;
    for (const char* a : {"-tr", "90", "90", "-r", "sum", "-of", "GTiff"})
        args = CSLAddString(args, a);
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(args, nullptr);
    int failed = 0;
    GDALClose(GDALWarp((dir / "population90.tif").c_str(), nullptr, 1, &src, options, &failed));
    GDALWarpAppOptionsFree(options);
    CSLDestroy(args);
    GDALClose(src);
    ASSERT_EQ(failed, 0);
    std::map<std::string, std::vector<double>> shares;
    for (const std::string pop : {"population.tif", "population90.tif"}) {
        const std::string pop_path =
            pop == "population.tif" ? dir / "data/population.tif" : dir / "population90.tif";
        const auto r = run_riskmap(
            {"run", "--config", std::string(RISKMAP_SOURCE_DIR) + "/configs/district.ini",
             "--inputs.villages", dir / "data/villages.gpkg", "--inputs.records",
             dir / "data/records.csv", "--inputs.population", pop_path, "--inputs.sanitation",
             dir / "data/sanitation.tif", "--output.dir", dir / ("out-" + pop), "--quiet"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const std::string map = dir / ("out-" + pop) + "/priority_class.tif";
        const auto classes = io::read_band(map, io::read_grid(map));
        std::vector<double> count(6, 0);
        for (float v : classes.values())
            count[std::isnan(v) ? 0 : static_cast<std::size_t>(v)] += 1;
        const double mapped = count[1] + count[2] + count[3] + count[4] + count[5];
        for (int k = 1; k <= 5; ++k)
            shares[pop].push_back(count[k] / mapped);
    }
    for (int k = 0; k < 5; ++k)
        EXPECT_NEAR(shares["population.tif"][k], shares["population90.tif"][k], 0.02)
            << "class " << k + 1;
}
