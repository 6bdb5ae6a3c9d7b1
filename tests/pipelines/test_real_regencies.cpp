// Real places (issue 14): `riskmap synth --villages` over the real village polygons of the five
// regencies in samples/boundaries (MIT, cahyadsn/wilayah_boundaries), then the quarterly job
// on each, as the README's main command does for Purbalingga.

#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {
struct Regency {
    const char* file;
    std::size_t villages;
};

std::size_t data_lines(const std::string& csv) {
    return static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
}

std::string boundaries(const std::string& file) {
    return std::string(RISKMAP_SOURCE_DIR) + "/samples/boundaries/" + file;
}

CommandResult synth_over(const std::string& file, const std::string& out,
                         const std::string& seed = "42") {
    return run_riskmap({"synth", "--villages", boundaries(file), "--villages-layer", "desa",
                        "--village-code", "kode10", "--village-name", "nama", "--quarters", "5",
                        "--seed", seed, "--out", out});
}

CommandResult run_over(const std::string& data, const std::string& out,
                       const std::vector<std::string>& extra = {}) {
    auto args = synth_run_args("purbalingga.ini", data, out);
    args.push_back("--quiet");
    args.insert(args.end(), extra.begin(), extra.end());
    return run_riskmap(args);
}
} // namespace

TEST(RealRegencies, EachMapsEndToEndWithItsRealVillages) {
    const Regency regencies[] = {{"boundaries_3214.gpkg", 192},
                                 {"boundaries_3303.gpkg", 239},
                                 {"boundaries_3504.gpkg", 271},
                                 {"boundaries_3510.gpkg", 217},
                                 {"boundaries_6310.gpkg", 149}};
    TempDir dir;
    for (const Regency& r : regencies) {
        const std::string data = dir / (std::string(r.file) + ".data");
        const std::string out = dir / (std::string(r.file) + ".out");
        auto s = synth_over(r.file, data);
        ASSERT_EQ(s.exit_code, 0) << r.file << ": " << s.output;
        EXPECT_EQ(data_lines(read_text(data + "/truth_villages.csv")), r.villages) << r.file;
        s = run_over(data, out);
        ASSERT_EQ(s.exit_code, 0) << r.file << ": " << s.output;
        EXPECT_EQ(data_lines(read_text(out + "/villages.csv")), r.villages) << r.file;
        EXPECT_EQ(read_text(out + "/rejects.csv"), "line,code,reason\n") << r.file;
        const std::string json = read_text(out + "/run.json");
        // snap_m = 1 links every pair the simplification pulled apart.
        EXPECT_NE(json.find("\"near_pairs_not_linked\": 0,"), std::string::npos) << r.file;
        EXPECT_EQ(json.find("\"neighbour_pairs_snapped\": 0,"), std::string::npos) << r.file;
    }
}

TEST(RealRegencies, NearTouchingNeighboursAreReportedWithoutASnap) {
    TempDir dir;
    ASSERT_EQ(synth_over("boundaries_3303.gpkg", dir / "data").exit_code, 0);
    const auto r = run_over(dir / "data", dir / "out", {"--neighbours.snap_m", "0"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string json = read_text(dir / "out/run.json");
    // Purbalingga: 20 pairs (40 of the 1,352 directed links) touch or come within a metre
    // without a shared vertex (samples/boundaries/README.md).
    EXPECT_NE(json.find("\"neighbour_pairs_snapped\": 0, \"near_pairs_not_linked\": 20"),
              std::string::npos)
        << json.substr(0, 2000);
    EXPECT_NE(json.find("less than a metre apart without sharing a vertex"), std::string::npos);
}

TEST(RealRegencies, TheSameSeedGivesTheSameBytes) {
    TempDir dir;
    ASSERT_EQ(synth_over("boundaries_6310.gpkg", dir / "a", "7").exit_code, 0);
    ASSERT_EQ(synth_over("boundaries_6310.gpkg", dir / "b", "7").exit_code, 0);
    for (const char* f : {"records.csv", "truth_villages.csv", "population.tif", "villages.gpkg"})
        EXPECT_EQ(read_text(dir / ("a/" + std::string(f))),
                  read_text(dir / ("b/" + std::string(f))))
            << f;
}

TEST(RealRegencies, AnInvalidRealRingIsNamedOrRepairedWhenAsked) {
    TempDir dir;
    write_text(dir / "records.csv", "kode_desa,children_measured,children_stunted,live_births,"
                                    "maternal_deaths\n3303012001,100,20,40,0\n");
    std::vector<std::string> args{"run",
                                  "--quiet",
                                  "--inputs.villages",
                                  boundaries("boundaries_3303.gpkg"),
                                  "--inputs.villages_layer",
                                  "desa",
                                  "--inputs.village_code",
                                  "kode10",
                                  "--inputs.records",
                                  dir / "records.csv",
                                  "--output.dir",
                                  dir / "out"};
    auto r = run_riskmap(args);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("feature 48 (code 3303042002): invalid geometry"), std::string::npos)
        << r.output;
    args.insert(args.end(), {"--inputs.repair_geometry", "true"});
    r = run_riskmap(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(data_lines(read_text(dir / "out/villages.csv")), 239u);
}
