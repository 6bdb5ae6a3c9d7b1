// Calibrated uncertainty end to end (issue 12): pooling over periods, the integrated prior in
// the tables, degenerate data, P(increase), the plug-in method and run.json's self-check.

#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/run_json.hpp"
#include "kernels/empirical_bayes.hpp"
#include "pipelines/calibration.hpp"
#include "support/small_job.hpp"
#include "synth/synth.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {
/// villages.csv as rows of cells by column name, keyed by code.
std::map<std::string, std::map<std::string, std::string>> table(const std::string& path) {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (auto& row : csv_rows(path))
        out[row.at("code")] = std::move(row);
    return out;
}

double number(const std::string& text) {
    return text.empty() ? std::nan("") : std::stod(text);
}

/// Five quarters of the four small villages; quarter q has q maternal deaths in 3205012002.
std::string five_quarters() {
    std::string r = "kode_desa,periode,children_measured,children_stunted,live_births,"
                    "maternal_deaths\n";
    const char* periods[] = {"2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"};
    for (int q = 0; q < 5; ++q) {
        const std::string p = periods[q];
        r += "3205012001," + p + ",100,20,40,0\n";
        r += "3205012002," + p + ",80,30,35," + std::to_string(q) + "\n";
        r += "3205022003," + p + ",120,10,50,0\n";
        r += "3205022004," + p + ",90,25,30,0\n";
    }
    return r;
}
} // namespace

using Uncertainty = SmallJob;

TEST_F(Uncertainty, MaternalCountsPoolARollingYearByDefault) {
    records = five_quarters();
    sections["inputs"]["record_period"] = "periode";
    sections["inputs"]["period"] = "2025Q3";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto rows = table(dir / "out/villages.csv");
    // Deaths 1 + 2 + 3 + 4 over 2024Q4..2025Q3 and 4 x 35 births; stunting one quarter.
    EXPECT_EQ(rows.at("3205012002").at("maternal_num"), "10");
    EXPECT_EQ(rows.at("3205012002").at("maternal_den"), "140");
    EXPECT_EQ(rows.at("3205012002").at("stunting_den"), "80");
    const auto run_json = io::read_run_json(dir / "out/run.json");
    EXPECT_EQ(run_json.config.at("inputs.pool_periods"), "auto");
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("\"pooled_periods\": [\"2024Q4\", \"2025Q1\", \"2025Q2\", \"2025Q3\"]"),
              std::string::npos);
    EXPECT_NE(json.find("\"records_earlier\": 16"), std::string::npos) << json;
    // The map says what it holds.
    io::init_gdal();
    GDALDatasetUniquePtr map(
        GDALDataset::Open((dir / "out/maternal_mean.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(map);
    EXPECT_STREQ(map->GetMetadataItem("pool_periods"), "4");
    EXPECT_NE(std::string(map->GetMetadataItem("counts_from")).find("2024Q4"), std::string::npos);
}

TEST_F(Uncertainty, AShortPoolIsReported) {
    records = five_quarters();
    sections["inputs"]["record_period"] = "periode";
    sections["inputs"]["period"] = "2024Q4";
    sections["inputs"]["pool_periods"] = "3";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("pooled over 2 of 3 periods; the records hold no rows for 2024Q2"),
              std::string::npos)
        << json;
}

TEST_F(Uncertainty, BadPoolSettingIsAConfigError) {
    sections["inputs"]["pool_periods"] = "0";
    expect_failure(kExitUsage, {"job.ini", "inputs.pool_periods", "from 1 to 40", "'0'"});
}

TEST_F(Uncertainty, NoDeathsAnywhereGiveIntervalsOfWidthAndProbabilitiesInsideZeroOne) {
    // No maternal death at all: the plug-in prior was a point mass at 0 (every interval
    // [0, 0], every exceedance 0); the integrated prior keeps the uncertainty.
    records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "3205012001,100,20,40,0\n3205012002,80,30,35,0\n"
              "3205022003,120,10,50,0\n3205022004,90,25,30,0\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const auto& [code, row] : table(dir / "out/villages.csv")) {
        const double lo = number(row.at("maternal_lo")), hi = number(row.at("maternal_hi"));
        const double p = number(row.at("maternal_exceed"));
        EXPECT_GT(lo, 0) << code;
        EXPECT_GT(hi, 2 * lo) << code;
        EXPECT_GT(p, 0) << code;
        EXPECT_LT(p, 1) << code;
    }
    const auto exceed = io::read_band(dir / "out/maternal_exceed.tif", grid);
    for (float v : exceed.values())
        if (!std::isnan(v)) {
            EXPECT_GT(v, 0);
            EXPECT_LT(v, 1);
        }
    EXPECT_NE(read_text(dir / "out/run.json").find("no maternal_deaths at all"), std::string::npos);
}

TEST_F(Uncertainty, PluginMethodKeepsTheSpdepPosterior) {
    const auto r = run({"--uncertainty.method", "plugin"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const auto& [code, row] : table(dir / "out/villages.csv")) {
        if (code == "code")
            continue;
        EXPECT_EQ(row.at("stunting_mean"), row.at("stunting_eb")) << code;
        EXPECT_EQ(row.at("maternal_mean"), row.at("maternal_eb")) << code;
    }
    // Every village's maternal estimate is the district rate: the plug-in point mass.
    const auto rows = table(dir / "out/villages.csv");
    EXPECT_EQ(rows.at("3205012001").at("maternal_lo"), rows.at("3205012001").at("maternal_hi"));
}

TEST_F(Uncertainty, IncreaseFromTheQuarterThatLeftThePool) {
    records = five_quarters();
    // Stunting in 3205012001 doubles from 2025Q2 (20 of 100) to 2025Q3 (60 of 100).
    records.replace(records.rfind("3205012001,2025Q3,100,20"), 24, "3205012001,2025Q3,100,60");
    sections["inputs"]["record_period"] = "periode";
    sections["inputs"]["period"] = "2025Q3";
    ASSERT_EQ(run().exit_code, 0);
    const auto rows = table(dir / "out/villages.csv");
    EXPECT_GT(number(rows.at("3205012001").at("stunting_p_increase")), 0.999);
    EXPECT_NEAR(number(rows.at("3205022003").at("stunting_p_increase")), 0.5, 1e-9);
    // Maternal: 4 deaths in 2025Q3 against 0 in 2024Q3, the quarter that left the year.
    EXPECT_GT(number(rows.at("3205012002").at("maternal_p_increase")), 0.95);
}

TEST(UncertaintyDistrict, SelfCheckAndWarningsInRunJson) {
    TempDir dir;
    synth::SynthOptions opt;
    opt.out_dir = dir / "data";
    synth::generate(opt);
    auto args = synth_run_args("district.ini", dir / "data", dir / "out");
    args.push_back("--quiet");
    const auto r = run_riskmap(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("village differences are mostly the prior"), std::string::npos);
    EXPECT_NE(json.find("\"coverage_95\": 0.9"), std::string::npos) << json.substr(0, 3000);
    // No maternal map or table is constant, or exactly 0 or 1, where the data are scarce.
    const auto rows = table(dir / "out/villages.csv");
    std::vector<double> means;
    for (const auto& [code, row] : rows) {
        const double p = number(row.at("maternal_exceed"));
        EXPECT_GT(p, 0) << code;
        EXPECT_LT(p, 1) << code;
        means.push_back(number(row.at("maternal_mean")));
    }
    EXPECT_LT(*std::min_element(means.begin(), means.end()),
              *std::max_element(means.begin(), means.end()));
    const Grid grid = io::read_grid(dir / "out/maternal_exceed.tif");
    const auto exceed = io::read_band(dir / "out/maternal_exceed.tif", grid);
    float lo = 1, hi = 0;
    for (float v : exceed.values())
        if (!std::isnan(v))
            lo = std::min(lo, v), hi = std::max(hi, v);
    EXPECT_GT(lo, 0);
    EXPECT_LT(hi, 1);
    EXPECT_LT(lo, hi);
    // The calibration tool scores P(rate > first target) against the truth above that target.
    std::map<std::string, double> above;
    for (const auto& row : csv_rows(dir / "data/truth_villages.csv")) {
        above["stunting"] += number(row.at("true_stunting")) > 0.14;
        above["maternal"] += number(row.at("true_maternal")) > 0.00183;
    }
    int checked = 0;
    for (const auto& t : calibration::evaluate(dir / "data", dir / "out"))
        if (t.level == "villages") {
            EXPECT_DOUBLE_EQ(t.observed, above.at(t.indicator)) << t.indicator;
            EXPECT_GT(t.weight, 0) << t.indicator;
            ++checked;
        }
    EXPECT_EQ(checked, 2);
}
