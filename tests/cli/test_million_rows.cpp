// A records file of a million rows: 10,000 villages reporting over 100 quarters (a province
// over 25 years), with rejects mixed into the quarter being mapped. The run must finish in
// bounded time, report every rejected line with its number, keep its counts consistent and
// keep its messages short (about 2 s here, 7 s under AddressSanitizer).

#include "core/error.hpp"
#include "support/fault_support.hpp" // now_seconds
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>

using namespace riskmap;
using namespace riskmap::test;

namespace {

constexpr int kSide = 100; // villages are pixels of a kSide x kSide grid
constexpr int kQuarters = 100;
constexpr int kMappedQuarter = 98; // 2025Q3

std::string period(int q) {
    return std::to_string(2001 + q / 4) + "Q" + std::to_string(q % 4 + 1);
}

/// A 10-digit code: 200 villages in each of the kecamatan 320510 ... 320559.
std::string village_code(int v) {
    return "3205" + std::to_string(10 + v / 200) + std::to_string(1000 + v % 200);
}

/// A row of the mapped quarter that is rejected, and why; "" for a good row.
std::string planted_problem(int v) {
    if (v % 97 == 5)
        return "unknown code";
    if (v % 89 == 7)
        return "decimal count";
    if (v % 83 == 11)
        return "numerator above denominator";
    return "";
}

struct Expected {
    std::set<std::pair<std::size_t, std::string>> rejects; ///< (line, code as written)
    std::size_t joined = 0;
};

/// Rows village by village, quarter by quarter; line 1 is the header.
std::string records_text(int villages, Expected& expected) {
    std::string text = "kode_desa,periode,children_measured,children_stunted,live_births,"
                       "maternal_deaths\n";
    text.reserve(static_cast<std::size_t>(villages) * kQuarters * 40);
    std::size_t line = 1;
    for (int v = 0; v < villages; ++v)
        for (int q = 0; q < kQuarters; ++q) {
            ++line;
            const std::string problem = q == kMappedQuarter ? planted_problem(v) : "";
            std::string code = village_code(v);
            std::string measured = std::to_string(80 + (v + q) % 40);
            std::string stunted = std::to_string((v * 7 + q) % 30);
            if (problem == "unknown code")
                code = "3299" + code.substr(4);
            else if (problem == "decimal count")
                measured += ",5";
            else if (problem == "numerator above denominator")
                stunted = "500";
            if (problem.empty())
                expected.joined += q == kMappedQuarter;
            else
                expected.rejects.insert({line, code});
            // A decimal comma needs quotes in a comma-separated file.
            const std::string measured_cell =
                measured.find(',') == std::string::npos ? measured : "\"" + measured + "\"";
            text += code + "," + period(q) + "," + measured_cell + "," + stunted + "," +
                    std::to_string(30 + v % 20) + "," + std::to_string(v % 3 == 0) + "\n";
        }
    return text;
}

/// The (line, code) pairs of rejects.csv.
std::set<std::pair<std::size_t, std::string>> rejects_in(const std::string& csv) {
    std::set<std::pair<std::size_t, std::string>> out;
    std::size_t pos = csv.find('\n') + 1;
    while (pos < csv.size()) {
        const auto comma = csv.find(',', pos);
        const auto code_end = csv.find(',', comma + 1);
        out.insert({std::stoul(csv.substr(pos, comma - pos)),
                    csv.substr(comma + 1, code_end - comma - 1)});
        pos = csv.find('\n', code_end) + 1;
    }
    return out;
}

std::size_t json_count(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\": ");
    if (at == std::string::npos)
        return static_cast<std::size_t>(-1);
    return std::stoul(json.substr(at + key.size() + 4));
}

} // namespace

TEST(MillionRows, EveryRejectIsReportedWithItsLineAndTheCountsAddUp) {
    const int villages = kSide * kSide;
    TempDir dir;
    const Grid grid = utm_grid(kSide, kSide, 100.0);
    std::vector<Rect> rects;
    for (int v = 0; v < villages; ++v) {
        const double x = grid.geotransform[0] + 100.0 * (v % kSide);
        const double y = grid.geotransform[3] - 100.0 * (v / kSide);
        rects.push_back({village_code(v), x, y - 100.0, x + 100.0, y});
    }
    write_rect_villages(dir / "villages.gpkg", rects, grid.crs_wkt);
    write_raster(dir / "population.tif", grid, Layer<float>(kSide, kSide, 5.0f));
    Expected expected;
    write_text(dir / "records.csv", records_text(villages, expected));
    write_text(dir / "job.ini", ini({{"inputs",
                                      {{"villages", "villages.gpkg"},
                                       {"records", "records.csv"},
                                       {"record_period", "periode"},
                                       {"period", period(kMappedQuarter)},
                                       {"population", "population.tif"}}},
                                     {"smoothing", {{"bandwidth_m", "300"}}},
                                     {"output", {{"dir", "out"}}}}));

    const double start = now_seconds();
    const auto r = run_riskmap({"run", "--config", dir / "job.ini"});
    const double seconds = now_seconds() - start;
    const std::size_t rows = static_cast<std::size_t>(villages) * kQuarters;
    ASSERT_EQ(r.exit_code, 0) << r.output.substr(0, 4000);
    // Ten times the time under AddressSanitizer: anything quadratic in the rows is far beyond.
    EXPECT_LT(seconds, 60.0);
    const std::string json = read_text(dir / "out/run.json");
    const auto join = json.find("\"join.records\": ");
    std::cout << "MillionRows: " << rows << " rows, " << expected.rejects.size()
              << " rejects; riskmap run " << seconds << " s, of which reading and joining "
              << json.substr(join + 16, json.find_first_of(",}", join) - join - 16) << " s\n";

    EXPECT_EQ(rejects_in(read_text(dir / "out/rejects.csv")), expected.rejects);
    EXPECT_EQ(json_count(json, "records_read"), rows);
    EXPECT_EQ(json_count(json, "records_joined"), expected.joined);
    EXPECT_EQ(json_count(json, "records_rejected"), expected.rejects.size());
    // Maternal deaths pool a rolling year (2024Q4..2025Q3) and are compared with the quarter
    // that left it (2024Q3); stunting with 2025Q2: rows of four earlier quarters are used.
    EXPECT_EQ(json_count(json, "records_earlier"), 4u * villages);
    EXPECT_EQ(json_count(json, "records_other_period"), rows - 5u * villages);
    EXPECT_EQ(json_count(json, "records_joined") + json_count(json, "records_earlier") +
                  json_count(json, "records_rejected") + json_count(json, "records_other_period"),
              rows);
    // The terminal gets the first rejects and a count, not every line.
    EXPECT_NE(r.output.find("... and " + std::to_string(expected.rejects.size() - 10) + " more"),
              std::string::npos)
        << r.output.substr(0, 4000);
    EXPECT_LT(r.output.size(), 8000u);
}
