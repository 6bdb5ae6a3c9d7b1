// Periods as exports write them (issue 14): monthly rows in several spellings summed to their
// quarter, a missing month reported, and rows that would count twice refused.

#include "core/error.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

namespace {
struct Counts {
    std::string code;
    std::array<int, 4> values; ///< measured, stunted, live births, maternal deaths
};

const std::vector<Counts> kQuarter{{"3205012001", {100, 20, 40, 0}},
                                   {"3205012002", {80, 30, 35, 1}},
                                   {"3205022003", {120, 10, 50, 0}},
                                   {"3205022004", {90, 25, 30, 0}}};

const char* const kHeader =
    "kode_desa,periode,children_measured,children_stunted,live_births,maternal_deaths\n";

std::string row(const std::string& code, const std::string& period, const std::array<int, 4>& v) {
    return code + "," + period + "," + std::to_string(v[0]) + "," + std::to_string(v[1]) + "," +
           std::to_string(v[2]) + "," + std::to_string(v[3]) + "\n";
}

/// The quarter's counts as three monthly rows (n - 2⌊n/3⌋, ⌊n/3⌋, ⌊n/3⌋), each month spelt
/// as a different export would.
std::string monthly_rows(bool with_september = true) {
    const std::array<const char*, 3> months{"Juli 2025", "2025-08", "30/09/2025"};
    std::string out;
    for (const Counts& c : kQuarter)
        for (int m = 0; m < (with_september ? 3 : 2); ++m) {
            std::array<int, 4> part{};
            for (int k = 0; k < 4; ++k)
                part[std::size_t(k)] =
                    m == 0 ? c.values[std::size_t(k)] - 2 * (c.values[std::size_t(k)] / 3)
                           : c.values[std::size_t(k)] / 3;
            out += row(c.code, months[std::size_t(m)], part);
        }
    return out;
}
} // namespace

class MonthlyRecords : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        sections["inputs"]["record_period"] = "periode";
        sections["inputs"]["period"] = "2025Q3";
    }
};

TEST_F(MonthlyRecords, MonthlyRowsGiveTheQuarterlyTable) {
    records = kHeader;
    for (const Counts& c : kQuarter)
        records += row(c.code, "2025Q3", c.values);
    auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string quarterly = read_text(dir / "out/villages.csv");
    records = std::string(kHeader) + monthly_rows();
    r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), quarterly);
    EXPECT_EQ(read_text(dir / "out/rejects.csv"), "line,code,reason\n");
    EXPECT_EQ(read_text(dir / "out/run.json").find("lack a month"), std::string::npos);
}

TEST_F(MonthlyRecords, AMissingMonthIsReported) {
    records = std::string(kHeader) + monthly_rows(false);
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("2025Q3 is summed from monthly rows, but 4 village(s) lack a month of "
                        "it (e.g. 32.05.01.2001 has Jul, Aug only)"),
              std::string::npos)
        << json;
}

TEST_F(MonthlyRecords, AQuarterlyRowBesideMonthlyRowsIsRefused) {
    records = std::string(kHeader) + monthly_rows() + row("3205012001", "2025Q3", {1, 0, 1, 0});
    expect_failure(kExitInput, {"records.csv", "32.05.01.2001 has both a quarterly row and "
                                               "monthly rows for 2025Q3 (lines 2 3 4 14)"});
}

TEST_F(MonthlyRecords, TheSameMonthTwiceIsADuplicate) {
    records = std::string(kHeader) + monthly_rows() + row("3205012001", "Jul 2025", {1, 0, 1, 0});
    expect_failure(kExitInput,
                   {"records.csv", "duplicate records", "32.05.01.2001 (Jul) at lines 2 14"});
}

TEST_F(MonthlyRecords, MonthsOfOtherQuartersAreLeftOut) {
    records =
        std::string(kHeader) + monthly_rows() + row("3205012001", "Oktober 2025", {50, 50, 9, 9});
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(dir / "out/run.json").find("\"records_other_period\": 1"),
              std::string::npos);
}

TEST_F(MonthlyRecords, PeriodsAllRunsEveryQuarterInOrderIntoOneCube) {
    records = std::string(kHeader) + monthly_rows();
    for (const Counts& c : kQuarter)
        records += row(c.code, "2025Q2", c.values);
    for (const Counts& c : kQuarter)
        records += row(c.code, "01/01/2025", c.values); // a date of 2025Q1
    const auto r = run({"--periods", "all"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const char* quarter : {"2025Q1", "2025Q2", "2025Q3"}) {
        const std::string json = read_text(dir / ("out/" + std::string(quarter) + "/run.json"));
        EXPECT_NE(json.find("\"inputs.period\": \"" + std::string(quarter) + "\""),
                  std::string::npos)
            << quarter;
    }
    // One cube beside the quarters' folders; each later quarter compared with the one before.
    EXPECT_TRUE(std::filesystem::exists(dir / "out/riskmap.nc"));
    EXPECT_FALSE(std::filesystem::exists(dir / "out/2025Q1/stunting_rate_change.tif"));
    EXPECT_TRUE(std::filesystem::exists(dir / "out/2025Q3/stunting_rate_change.tif"));
    EXPECT_NE(read_text(dir / "out/2025Q3/villages.csv").find("stunting_eb_prev"),
              std::string::npos);
}

TEST_F(MonthlyRecords, PeriodsListMustBeQuarters) {
    records = std::string(kHeader) + monthly_rows();
    expect_failure(kExitUsage, {"--periods: 'Juli' is not a quarter"},
                   {"--periods", "2025Q3,Juli"});
}
