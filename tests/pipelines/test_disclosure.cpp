// The public set (output.public, issue 16 item 5) on a case built to be easy to attack: four
// villages in two kecamatan, a minimum of 30 that withholds most counts.

#include "support/disclosure_attacks.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

namespace {
class PublicSet : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        sections["output"]["public"] = "true";
        sections["output"]["min_count"] = "30";
    }

    std::vector<std::string> attacks(const std::string& out, const std::string& prefix) {
        return disclosure_attacks({dir / (out + "/" + prefix + "villages.csv"),
                                   dir / (out + "/" + prefix + "kecamatan.csv")},
                                  {"stunting", "maternal"}, 30);
    }

    std::map<std::string, std::string> column(const std::string& path, const std::string& name) {
        std::map<std::string, std::string> out;
        for (const auto& row : csv_rows(path))
            out[row.at("code")] = row.at(name);
        return out;
    }
};
} // namespace

TEST_F(PublicSet, NoCountBelowTheMinimumComesBack) {
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(attacks("out", "public_"), std::vector<std::string>{});
    // The same attacks on the internal tables do find the small counts: the test can fail.
    EXPECT_GE(attacks("out", "").size(), 6u);
}

TEST_F(PublicSet, ASmallCellTakesTheSmallestOtherCellOfItsKecamatanWithIt) {
    ASSERT_EQ(run().exit_code, 0);
    // Stunted: 320501 has 20 (below 30) and 30: both withheld, else 50 - 30 gives 20.
    // 320502 has 10 and 25, both below 30; its total 35 is published.
    EXPECT_EQ(
        column(dir / "out/public_villages.csv", "stunting_withheld"),
        (std::map<std::string, std::string>{
            {"3205012001", "1"}, {"3205012002", "2"}, {"3205022003", "1"}, {"3205022004", "1"}}));
    EXPECT_EQ(column(dir / "out/public_kecamatan.csv", "stunting_num"),
              (std::map<std::string, std::string>{{"320501", "50"}, {"320502", "35"}}));
    // One maternal death in the district: nothing maternal is shown, at either level.
    for (const auto& [code, deaths] : column(dir / "out/public_kecamatan.csv", "maternal_num"))
        EXPECT_EQ(deaths, "") << code;
    // Denominators stay: the number of children measured is not the sensitive count.
    EXPECT_EQ(column(dir / "out/public_villages.csv", "stunting_den")["3205022003"], "120");
    EXPECT_TRUE(std::filesystem::exists(dir / "out/public_villages.gpkg"));
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("\"public\": {\"min_count\": 30, \"areas\": {\"stunting\": "
                        "{\"published\": 0, \"below_minimum\": 3, \"complementary\": 1"),
              std::string::npos)
        << json;
}

TEST_F(PublicSet, MovingCountsBetweenWithheldVillagesChangesNothingPublic) {
    // Any rearrangement of withheld counts that keeps the published totals must leave every
    // public byte as it was: then no attack on the public tables (back-calculation from a
    // posterior mean and the prior, ranks, neighbours' smoothed rates) can tell them apart.
    ASSERT_EQ(run({"--output.dir", dir / "a"}).exit_code, 0);
    records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "32.05.01.2001,100,20,40,0\n"
              "3205012002,80,30,35,1\n"
              "3205022003,120,25,50,0\n"
              "3205022004,90,10,30,0\n";
    ASSERT_EQ(run({"--output.dir", dir / "b"}).exit_code, 0);
    EXPECT_NE(read_text(dir / "a/villages.csv"), read_text(dir / "b/villages.csv"));
    for (const char* name : {"public_villages.csv", "public_kecamatan.csv"})
        EXPECT_EQ(read_text(dir / (std::string("a/") + name)),
                  read_text(dir / (std::string("b/") + name)))
            << name;
}

TEST_F(PublicSet, TheReportSaysWhatWasWithheld) {
    sections["output"]["report"] = "true";
    ASSERT_EQ(run({"--inputs.period", "2025Q3"}).exit_code, 0);
    const std::string html = read_text(dir / "out/report_2025Q3.html");
    EXPECT_NE(html.find("Public set (safe to publish): public_villages.csv"), std::string::npos);
    EXPECT_NE(html.find("3 village counts withheld below the minimum, 1 more to protect"),
              std::string::npos);
}

TEST_F(PublicSet, MinCountMustBeAWholeNumber) {
    sections["output"]["min_count"] = "2.5";
    expect_failure(kExitUsage, {"job.ini", "'output.min_count'", "whole number", "'2.5'"});
}
