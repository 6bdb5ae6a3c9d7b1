// `riskmap run` killed with SIGKILL at random points of a whole run, over a folder that holds
// an earlier quarter's outputs and cube. After every kill: each file under a final name is
// whole (the previous version or the new one), the outputs are the previous ones unless the
// kill came during or after the commit, the cube opens with the earlier quarter unchanged,
// and a rerun gives the bytes of an undisturbed run.
// Kill times are stratified over the measured run time: point i falls at a uniformly random
// moment of the i-th of N equal slices. The seed is fixed (1) so that a failure replays; it
// is printed, and RISKMAP_KILL_SEED sets another one (a soak over many seeds);
// RISKMAP_KILL_POINTS changes N (default 20, 8 under AddressSanitizer). A second test kills
// riskmap at each step of publishing its outputs.

#include "io/cube.hpp"
#include "support/fault_support.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <random>
#include <thread>

using namespace riskmap;
using namespace riskmap::test;

namespace {

bool is_cube_path(const std::string& name) {
    return name == "riskmap.nc" || name.starts_with("riskmap.quarters/");
}

bool same_version(const std::string& name, const std::string& a, const std::string& b) {
    return name.ends_with("run.json") ? without_timings(a) == without_timings(b) : a == b;
}

/// The files under final names outside the cube.
Snapshot outputs_of(const Snapshot& all) {
    Snapshot out;
    for (const auto& [name, bytes] : all)
        if (!is_hidden_path(name) && !is_cube_path(name))
            out[name] = bytes;
    return out;
}

/// A commit journal left by the killed run: it was renaming its files into place.
bool has_commit_journal(const Snapshot& all) {
    for (const auto& [name, bytes] : all)
        if (name.starts_with(".riskmap-staging-") && name.ends_with("/.commit"))
            return true;
    return false;
}

bool has_staging(const Snapshot& all) {
    for (const auto& [name, bytes] : all)
        if (name.starts_with(".riskmap-staging-"))
            return true;
    return false;
}

class KilledRun : public SmallJob {
protected:
    /// Streaming through work files, as a large grid does, so that its tiles are checkpointed
    /// and a kill can land between them (a grid this small is otherwise kept in memory).
    std::vector<std::string> q3_args() {
        return {"run",           "--config", dir / "job.ini",   "--quiet",
                "--work-memory", "0",        "--inputs.period", "2025Q3"};
    }

    /// Quarter 2025Q2, then an undisturbed 2025Q3 (timed) with other counts; keeps the
    /// folder's bytes after each.
    void prepare() {
        ASSERT_EQ(run({"--inputs.period", "2025Q2"}).exit_code, 0);
        before = snapshot(out);
        q2_rate = io::cube_read_layer(cube, "2025Q2", "stunting_rate", grid);
        records.replace(records.find("3205012002,80,30"), 16, "3205012002,80,60");
        write_text(dir / "records.csv", records);
        const double start = now_seconds();
        ASSERT_EQ(wait_exit(spawn_riskmap(q3_args(), dir / "q3.log")), 0)
            << read_text(dir / "q3.log");
        run_seconds = now_seconds() - start;
        after = snapshot(out);
    }

    /// Checks what a kill left and names it: "previous", "mid-commit" or "new" outputs, and
    /// whether the cube already has the new quarter.
    std::string check_killed_state() {
        const Snapshot now = snapshot(out);
        for (const auto& [name, bytes] : now) {
            if (is_hidden_path(name))
                continue; // staging folders and cube temporaries
            const auto old_it = before.find(name), new_it = after.find(name);
            const bool whole = (old_it != before.end() && old_it->second == bytes) ||
                               (new_it != after.end() && same_version(name, new_it->second, bytes));
            EXPECT_TRUE(whole) << name << " is neither its previous nor its new version";
        }
        const Snapshot outputs = outputs_of(now);
        std::string state = "MIXED";
        if (differences(outputs_of(before), outputs).empty())
            state = "previous outputs";
        else if (differences(outputs_of(after), outputs).empty())
            state = "new outputs";
        else if (has_commit_journal(now))
            state = "mid-commit (journal left)";
        EXPECT_NE(state, "MIXED") << "old and new outputs mixed without a commit journal";

        const auto q2 = "riskmap.quarters/riskmap_2025Q2.nc";
        EXPECT_EQ(now.count(q2), 1u);
        EXPECT_TRUE(now.count(q2) && now.at(q2) == before.at(q2)) << "the earlier quarter changed";
        const auto periods = io::cube_periods(cube);
        EXPECT_TRUE(periods == std::vector<std::string>{"2025Q2"} ||
                    periods == (std::vector<std::string>{"2025Q2", "2025Q3"}));
        const auto rate = io::cube_read_layer(cube, "2025Q2", "stunting_rate", grid);
        EXPECT_EQ(0, std::memcmp(rate.data(), q2_rate.data(), rate.size() * sizeof(float)));
        // New outputs are published only once their quarter is in the cube.
        if (state != "previous outputs") {
            EXPECT_EQ(periods.size(), 2u) << state;
        }
        if (state == "previous outputs" && has_staging(now))
            state += " (staging left)";
        return state + (periods.size() == 2 ? ", cube with 2025Q3" : ", cube without 2025Q3");
    }

    std::string out = dir / "out";
    std::string cube = out + "/riskmap.nc";
    Snapshot before, after;
    Layer<float> q2_rate;
    double run_seconds = 0;
};

} // namespace

TEST_F(KilledRun, AtRandomPointsLosesNothingAndARerunGivesTheSameBytes) {
    prepare();
    const int points = repetitions("RISKMAP_KILL_POINTS", 20, 8);
    const char* seed_text = std::getenv("RISKMAP_KILL_SEED");
    const unsigned seed =
        seed_text ? static_cast<unsigned>(std::strtoul(seed_text, nullptr, 10)) : 1U;
    std::cout << "KilledRun: seed " << seed << " (RISKMAP_KILL_SEED), " << points
              << " kill points over a run of " << run_seconds << " s\n";
    RecordProperty("kill_seed", std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> within(0.0, 1.0);
    std::map<std::string, int> outcomes;
    for (int i = 0; i < points; ++i) {
        const double delay = run_seconds * (i + within(rng)) / points;
        SCOPED_TRACE("seed " + std::to_string(seed) + ", kill " + std::to_string(i) + " after " +
                     std::to_string(delay) + " s");
        restore(out, before);
        const pid_t pid = spawn_riskmap(q3_args(), dir / "killed.log");
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        ::kill(pid, SIGKILL);
        const int status = wait_exit(pid);
        ASSERT_TRUE(status == -SIGKILL || status == 0) << status << read_text(dir / "killed.log");
        ++outcomes[(status == 0 ? "finished first: " : "killed: ") + check_killed_state()];
        // With the killed run's settings: run.json records run.work_memory.
        const auto rerun = run({"--work-memory", "0", "--inputs.period", "2025Q3"});
        ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
        EXPECT_EQ(differences(after, snapshot(out)), std::vector<std::string>{});
    }
    for (const auto& [outcome, count] : outcomes)
        std::cout << "KilledRun: " << count << " x " << outcome << "\n";
}

/// Tiles of the grid, from the run's report: each finished tile's checkpoint is renamed into
/// place (pipelines/checkpoints.hpp) before anything is published.
int tiles_of(const Snapshot& outputs) {
    const std::string& report = outputs.at("run.json");
    const auto at = report.find("\"tiles\": ");
    return at == std::string::npos ? 0 : std::atoi(report.c_str() + at + 9);
}

// The windows between the steps of publishing are microseconds long, so the random kills
// above seldom land in them. Here riskmap kills itself in place of its n-th rename(2) (an
// LD_PRELOAD shim): first one per checkpointed tile, then the new quarter file, the cube's
// master, the commit journal, then one rename per output file.
TEST_F(KilledRun, AtEachStepOfPublishingLosesNothing) {
    prepare();
    const int tiles = tiles_of(after);
    ASSERT_GT(tiles, 0);
    const int renames = tiles + 3 + static_cast<int>(outputs_of(after).size());
    const std::map<int, std::string> expected{
        {1, "previous outputs (staging left), cube without 2025Q3"},
        {tiles + 1, "previous outputs (staging left), cube without 2025Q3"},
        {tiles + 2, "previous outputs (staging left), cube without 2025Q3"},
        {tiles + 3, "previous outputs (staging left), cube with 2025Q3"},
        {tiles + 4, "previous outputs (staging left), cube with 2025Q3"},
        {tiles + 5, "mid-commit (journal left), cube with 2025Q3"},
        {(tiles + renames) / 2, "mid-commit (journal left), cube with 2025Q3"},
        {renames, "mid-commit (journal left), cube with 2025Q3"}};
    for (const auto& [n, state] : expected) {
        SCOPED_TRACE("killed in place of rename " + std::to_string(n) + " of " +
                     std::to_string(renames));
        restore(out, before);
        const pid_t pid = spawn_riskmap(q3_args(), dir / "killed.log", kill_at_rename_env(n));
        ASSERT_EQ(wait_exit(pid), -SIGKILL) << read_text(dir / "killed.log");
        EXPECT_EQ(check_killed_state(), state);
        // With the killed run's settings: run.json records run.work_memory.
        const auto rerun = run({"--work-memory", "0", "--inputs.period", "2025Q3"});
        ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
        EXPECT_EQ(differences(after, snapshot(out)), std::vector<std::string>{});
    }
    // One rename more than there are: the run is not killed and publishes everything.
    restore(out, before);
    const pid_t pid = spawn_riskmap(q3_args(), dir / "full.log", kill_at_rename_env(renames + 1));
    ASSERT_EQ(wait_exit(pid), 0) << read_text(dir / "full.log");
    EXPECT_EQ(differences(after, snapshot(out)), std::vector<std::string>{});
}
