// `mpirun -np N riskmap run` (issue 17): the outputs are the bytes of a one-process run for any
// rank count (a rank without tiles included, sea tiles of the national grid included, work
// rasters in memory or streamed); an error on one rank ends every rank with its exit code and
// message, printed once; a killed rank leaves checkpoints that a resume with another rank count
// reuses. Run with Open MPI's mpirun on this machine (--oversubscribe: more ranks than cores).

#include "core/error.hpp"
#include "support/fault_support.hpp"
#include "support/fixtures.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

using namespace riskmap;
using namespace riskmap::test;

namespace {

namespace fs = std::filesystem;

/// One app context of an mpirun command line: `np` ranks with extra environment variables.
struct Ranks {
    int np = 1;
    std::vector<std::string> env;
};

std::string quoted(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args)
        out += " '" + a + "'";
    return out;
}

/// AddressSanitizer's options for the ranks: LeakSanitizer off. Open MPI's runtime keeps
/// allocations until exit in plugins it has unloaded by then, so no suppression can name them;
/// riskmap's own code on these paths is leak-checked by the one-process tests of the suite.
std::string without_leak_check(const std::string& asan_options) {
    return asan_options + (asan_options.empty() ? "" : ":") + "detect_leaks=0";
}

/// mpirun with one or more app contexts (Open MPI's MPMD form, `A : B`), each running riskmap
/// with `args`. As root, Open MPI wants its two allow-run-as-root variables.
CommandResult mpirun(const std::vector<Ranks>& contexts, const std::vector<std::string>& args) {
    std::string cmd = ::geteuid() == 0
                          ? "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun"
                          : "mpirun";
    if (const char* asan = std::getenv("ASAN_OPTIONS"))
        cmd = "ASAN_OPTIONS='" + without_leak_check(asan) + "' " + cmd;
    cmd += " --oversubscribe";
    for (std::size_t i = 0; i < contexts.size(); ++i) {
        cmd += i ? " :" : "";
        cmd += " -np " + std::to_string(contexts[i].np);
        for (const auto& e : contexts[i].env)
            cmd += " -x '" + e + "'";
        cmd += std::string(" '") + RISKMAP_BINARY + "'" + quoted(args);
    }
    return run_command(cmd);
}

CommandResult mpirun(int np, const std::vector<std::string>& args) {
    return mpirun(std::vector<Ranks>{{np, {}}}, args);
}

/// The environment that makes a rank's n-th rename fail (or kill it): the fault library.
std::vector<std::string> fault_env(const std::string& variable, int n) {
    std::vector<std::string> env;
    for (const std::string& e : kill_at_rename_env(0))
        if (e.starts_with("ASAN_OPTIONS="))
            env.push_back("ASAN_OPTIONS=" + without_leak_check(e.substr(13)));
        else if (!e.starts_with("RISKMAP_KILL_AT_RENAME="))
            env.push_back(e);
    env.push_back(variable + "=" + std::to_string(n));
    return env;
}

/// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// Every file of `out` except run.json, and run.json without timings and resources, the
/// folder's own name and run.work_memory (a setting that changes no output byte).
Snapshot comparable(const std::string& out) {
    Snapshot files = snapshot(out);
    std::string& report = files.at("run.json");
    report = replaced(without_timings(report), out, "OUT");
    const std::string key = "\"run.work_memory\": \"";
    if (const auto at = report.find(key); at != std::string::npos)
        report.erase(at, report.find('"', at + key.size()) + 1 - at);
    return files;
}

/// Waits (up to a minute) until the processes whose staging folders are in `out` are gone:
/// mpirun can return while the ranks it stopped are still exiting.
void wait_for_killed_ranks(const std::string& out) {
    for (const auto& entry : fs::directory_iterator(out)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(".riskmap-staging-"))
            continue;
        const pid_t pid = std::atoi(name.c_str() + std::strlen(".riskmap-staging-"));
        for (int i = 0; i < 600 && ::kill(pid, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::string resources(const std::string& out) {
    const std::string report = read_text(out + "/run.json");
    const auto start = report.find("\"resources\"");
    return report.substr(start, report.find('}', start) - start);
}

/// A `riskmap synth` folder and the outputs of a one-process run on it, made once per preset.
class MpiRun : public ::testing::Test {
protected:
    static void TearDownTestSuite() {
        delete dir;
        dir = nullptr;
    }

    /// `synth` makes the inputs in data(), `run` runs on them (without --output.dir).
    static void make(const std::vector<std::string>& synth, const std::vector<std::string>& run) {
        ASSERT_EQ(run_riskmap(synth).exit_code, 0);
        run_args = run;
        const CommandResult plain = run_riskmap(args_to(*dir / "plain"));
        ASSERT_EQ(plain.exit_code, 0) << plain.output;
        reference = comparable(*dir / "plain");
    }

    /// The run's arguments with 512-pixel tiles (several tiles even on a small grid).
    static std::vector<std::string> args_to(const std::string& out,
                                            const std::vector<std::string>& more = {}) {
        std::vector<std::string> a = run_args;
        for (const char* s : {"--output.dir", out.c_str(), "--tile-size", "512", "--quiet"})
            a.push_back(s);
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }

    /// mpirun -np `np` into a fresh folder: success and the reference's bytes.
    static void expect_same_bytes(int np, const std::vector<std::string>& more = {}) {
        const std::string out = *dir / ("np" + std::to_string(np) + (more.empty() ? "" : "s"));
        const CommandResult r = mpirun(np, args_to(out, more));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(differences(reference, comparable(out)), std::vector<std::string>{})
            << np << " ranks";
        EXPECT_NE(resources(out).find("\"ranks\": " + std::to_string(np)), std::string::npos)
            << resources(out);
    }

    static std::string data() { return *dir / "data"; }
    /// synth_run_args without its --output.dir, which each run gives.
    static std::vector<std::string> config_on_data(const std::string& config) {
        std::vector<std::string> a = synth_run_args(config, data(), "");
        a.resize(a.size() - 2);
        return a;
    }

    static inline TempDir* dir = nullptr;
    static inline std::vector<std::string> run_args;
    static inline Snapshot reference;
};

/// The district preset: 1000 x 1000 pixels, 4 tiles of 512 (5 ranks leave one without).
class MpiDistrict : public MpiRun {
protected:
    static void SetUpTestSuite() {
        dir = new TempDir;
        make({"synth", "--preset", "district", "--out", data(), "--quarters", "4"},
             config_on_data("district.ini"));
    }
};

TEST_F(MpiDistrict, OneTwoThreeAndFiveRanksGiveTheBytesOfOneProcess) {
    for (const int np : {1, 2, 3, 5})
        expect_same_bytes(np);
}

TEST_F(MpiDistrict, StreamedWorkRastersGiveTheSameBytes) {
    expect_same_bytes(3, {"--work-memory", "0"});
}

/// With the previous quarter in the cube the writer also makes the change maps, from this
/// quarter's rates, means and effective denominators: the bands it takes from the checkpoints.
TEST_F(MpiDistrict, ChangeMapsAgainstThePreviousQuarterGiveTheBytesOfOneProcess) {
    const std::string plain = *dir / "change-plain", ranks = *dir / "change-np3";
    for (const std::string& out : {plain, ranks})
        ASSERT_EQ(run_riskmap(args_to(out, {"--inputs.period", "2025Q1"})).exit_code, 0);
    ASSERT_EQ(run_riskmap(args_to(plain)).exit_code, 0);
    const CommandResult r = mpirun(3, args_to(ranks));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Snapshot expected = comparable(plain);
    for (const char* name :
         {"priority_class_change.tif", "stunting_p_increase.tif", "maternal_rate_change.tif"})
        EXPECT_TRUE(expected.contains(name)) << name;
    EXPECT_EQ(differences(expected, comparable(ranks)), std::vector<std::string>{});
}

/// The village sums are split by tile over the ranks and added up as integers: bad input in
/// the last rank's tiles is found, and named, as one process names it.
TEST_F(MpiDistrict, ABadPixelInAnotherRanksTilesGivesTheMessageOfOneProcess) {
    const std::string data = *dir / "bad-population";
    fs::create_directories(data);
    const std::string population = data + "/population.tif";
    fs::copy_file(MpiRun::data() + "/population.tif", population);
    {
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(population.c_str(), GDAL_OF_UPDATE));
        ASSERT_TRUE(ds);
        // Tiles of 512: tile 0 is rank 0's, tile 1 rank 1's, tile 3 rank 2's. The first bad
        // pixel in row-major order is rank 1's, not the lowest rank's.
        for (const auto& [x, y] : {std::pair{3, 5}, std::pair{600, 0}, std::pair{997, 998}}) {
            float negative = -5;
            ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, x, y, 1, 1, &negative, 1, 1,
                                                     GDT_Float32, 0, 0),
                      CE_None);
        }
    }
    const auto with_bad_population = [&](const std::string& out) {
        std::vector<std::string> args = args_to(out);
        const auto key = std::find(args.begin(), args.end(), "--inputs.population");
        EXPECT_NE(key, args.end());
        if (key != args.end())
            key[1] = population;
        return args;
    };
    const CommandResult plain = run_riskmap(with_bad_population(*dir / "bad-plain"));
    const CommandResult ranks = mpirun(3, with_bad_population(*dir / "bad-np3"));
    EXPECT_EQ(plain.exit_code, kExitInput) << plain.output;
    EXPECT_EQ(ranks.exit_code, kExitInput) << ranks.output;
    const std::string message =
        "zonal.villages: '" + population + "': negative population at pixel (row 0, col 600)";
    EXPECT_NE(plain.output.find(message), std::string::npos) << plain.output;
    EXPECT_NE(ranks.output.find(message), std::string::npos) << ranks.output;
}

TEST_F(MpiDistrict, AnErrorOnOneRankEndsEveryRankWithItsCodeAndMessageOnce) {
    const std::string out = *dir / "failed";
    // Rank 1's first rename is its first checkpoint: a file system failing for it alone.
    const CommandResult r =
        mpirun({{1, {}}, {1, fault_env("RISKMAP_FAIL_AT_RENAME", 1)}, {1, {}}}, args_to(out));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("riskmap: error: rank 1 of 3: maps.pixels: cannot keep checkpoint"),
              std::string::npos)
        << r.output;
    std::size_t errors = 0;
    for (auto at = r.output.find("riskmap: error:"); at != std::string::npos;
         at = r.output.find("riskmap: error:", at + 1))
        ++errors;
    EXPECT_EQ(errors, 1u) << r.output;
    // A failed run keeps nothing: no outputs, no checkpoints, no staging folder.
    EXPECT_EQ(list_dir(out), std::vector<std::string>{}) << "left behind in " << out;
}

TEST_F(MpiDistrict, CommandsOtherThanRunRefuseSeveralRanks) {
    const CommandResult r =
        mpirun(2, {"synth", "--preset", "tiny", "--out", *dir / "synth-under-mpirun"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("only 'riskmap run' shares its work between MPI ranks"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(*dir / "synth-under-mpirun"));
}

/// The rows of a run.trace file: phase and tile of each.
std::multiset<std::pair<std::string, std::string>> trace_rows(const std::string& path) {
    std::multiset<std::pair<std::string, std::string>> rows;
    for (const auto& row : csv_rows(path)) {
        EXPECT_GE(std::stod(row.at("compute_s")), 0.0);
        EXPECT_GE(std::stoll(row.at("land_pixels")), 0);
        rows.insert({row.at("phase"), row.at("tile")});
    }
    return rows;
}

/// The rows of one phase, by tile (or map, for "finish").
std::multiset<std::string>
phase_rows(const std::multiset<std::pair<std::string, std::string>>& rows,
           const std::string& phase) {
    std::multiset<std::string> tiles;
    for (const auto& [p, tile] : rows)
        if (p == phase)
            tiles.insert(tile);
    return tiles;
}

TEST_F(MpiDistrict, TracesGiveEachTileComputedOnceAndEachMapFinishedOnce) {
    const std::string out = *dir / "traced";
    const std::string trace = *dir / "trace.csv";
    const CommandResult r = mpirun(2, args_to(out, {"--run.trace", trace}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto rank0 = trace_rows(*dir / "trace.rank0.csv");
    const auto rank1 = trace_rows(*dir / "trace.rank1.csv");
    const std::multiset<std::string> all_tiles{"0", "1", "2", "3"};
    auto computed = phase_rows(rank0, "compute");
    computed.merge(phase_rows(rank1, "compute"));
    EXPECT_EQ(computed, all_tiles);
    // Both assemble every tile: the writer for the classes, rank 1 for the maps it finishes.
    EXPECT_EQ(phase_rows(rank0, "assemble"), all_tiles);
    EXPECT_EQ(phase_rows(rank1, "assemble"), all_tiles);
    std::size_t maps = 0;
    for (const auto& name : list_dir(out))
        maps += name.size() > 4 && name.ends_with(".tif");
    auto finished = phase_rows(rank0, "finish");
    finished.merge(phase_rows(rank0, "finish-writer"));
    EXPECT_EQ(phase_rows(rank1, "finish-writer"), std::multiset<std::string>{});
    const auto by_rank1 = phase_rows(rank1, "finish");
    ASSERT_FALSE(by_rank1.empty());
    for (const auto& map : by_rank1)
        EXPECT_EQ(std::stoi(map) % 2, 0) << "rank 1 finishes maps 0, 2, 4, ...";
    finished.merge(std::multiset<std::string>(by_rank1));
    std::multiset<std::string> every_map;
    for (std::size_t m = 0; m < maps; ++m)
        every_map.insert(std::to_string(m));
    EXPECT_EQ(finished, every_map) << "each map finished once, on one rank";
}

TEST_F(MpiDistrict, ATraceNoRankCanWritePublishesNothing) {
    const std::string out = *dir / "untraced";
    const CommandResult r = mpirun(2, args_to(out, {"--run.trace", *dir / "no-such-folder/t.csv"}));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    // Both ranks fail at their trace, after finishing their maps; rank 0 is the lowest.
    EXPECT_NE(r.output.find("riskmap: error: rank 0 of 2: write.outputs: cannot write"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(list_dir(out), std::vector<std::string>{}) << "left behind in " << out;
}

TEST_F(MpiDistrict, ARankFailingAfterFinishingItsMapsPublishesNothing) {
    const std::string out = *dir / "rank1-failed";
    // Rank 1's trace cannot be renamed onto a folder: it fails once its maps are in the
    // writer's staging folder; rank 0's trace is written.
    const fs::path failing = *dir / "failing";
    fs::create_directories(failing / "t.rank1.csv");
    const CommandResult r = mpirun(2, args_to(out, {"--run.trace", (failing / "t.csv").string()}));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("riskmap: error: rank 1 of 2: write.maps: cannot write the trace"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(list_dir(out), std::vector<std::string>{}) << "left behind in " << out;
}

/// The national preset at scale 0.05: 2760 x 1020 pixels, 12 tiles, sea among them.
class MpiNational : public MpiRun {
protected:
    static void SetUpTestSuite() {
        dir = new TempDir;
        make({"synth", "--preset", "national", "--scale", "0.05", "--out", data()},
             {"run", "--config", data() + "/national.ini"});
    }
};

TEST_F(MpiNational, ThreeRanksGiveTheBytesOfOneProcess) {
    expect_same_bytes(3);
}

TEST_F(MpiNational, AKilledRankLeavesTilesThatAResumeWithOtherRanksReuses) {
    const std::string out = *dir / "killed";
    // Two ranks: rank 1 dies in its second checkpoint's rename, its first kept; mpirun then
    // stops rank 0.
    const auto kill_rank_1 = [&] {
        const CommandResult killed =
            mpirun({{1, {}}, {1, fault_env("RISKMAP_KILL_AT_RENAME", 2)}}, args_to(out));
        ASSERT_NE(killed.exit_code, 0) << killed.output;
        ASSERT_FALSE(fs::exists(out + "/run.json")) << "a killed run published outputs";
        wait_for_killed_ranks(out);
    };
    kill_rank_1();
    // Without --resume nothing of the killed run is reused (its tiles could be another
    // riskmap's): every tile is computed again.
    const CommandResult fresh = mpirun(2, args_to(out));
    ASSERT_EQ(fresh.exit_code, 0) << fresh.output;
    EXPECT_NE(resources(out).find("\"tiles_resumed\": 0,"), std::string::npos) << resources(out);
    EXPECT_EQ(differences(reference, comparable(out)), std::vector<std::string>{});
    fs::remove_all(out);
    kill_rank_1();
    const CommandResult resumed = mpirun(3, args_to(out, {"--resume"}));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_EQ(differences(reference, comparable(out)), std::vector<std::string>{});
    const std::string used = resources(out);
    EXPECT_EQ(used.find("\"tiles_resumed\": 0,"), std::string::npos) << used;
}

/// The province preset: 2830 x 2830 pixels, 36 tiles, streamed through work files.
class MpiProvince : public MpiRun {
protected:
    static void SetUpTestSuite() {
        dir = new TempDir;
        make({"synth", "--preset", "province", "--out", data()}, config_on_data("district.ini"));
    }
};

TEST_F(MpiProvince, ThreeRanksGiveTheBytesOfOneProcess) {
    expect_same_bytes(3, {"--work-memory", "0"});
}

} // namespace
