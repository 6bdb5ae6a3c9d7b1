// The stages' declared contracts: the quarterly pipeline's order satisfies them, a pipeline
// in the wrong order fails before any stage runs, and every option is declared once.

#include "pipelines/quarterly_job.hpp"
#include "pipelines/read_villages.hpp"
#include "pipelines/score_areas.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

using namespace riskmap;

namespace {
/// A stage that records that it ran.
class Recorder final : public Stage {
public:
    Recorder(Parts reads, Parts produces, int& runs)
        : reads_(reads), produces_(produces), runs_(runs) {}
    std::string_view name() const override { return "test.recorder"; }
    std::string_view description() const override { return "counts its runs"; }
    Parts reads() const override { return reads_; }
    Parts produces() const override { return produces_; }
    void run(JobState&) override { ++runs_; }

private:
    Parts reads_, produces_;
    int& runs_;
};

/// A stage that reads the villages' table, declaring only `reads`, and makes the records.
class VillageCounter final : public Stage {
public:
    explicit VillageCounter(Parts reads) : reads_(reads) {}
    std::string_view name() const override { return "test.counter"; }
    std::string_view description() const override { return "counts the villages"; }
    Parts reads() const override { return reads_; }
    Parts produces() const override { return {Part::Records}; }
    void run(JobState& state) override {
        state.records().tally.rows = state.villages().table.size();
    }

private:
    Parts reads_;
};
} // namespace

TEST(StageContracts, TheQuarterlyPipelinesAreInOrder) {
    EXPECT_NO_THROW(check_contracts(quarterly_pipeline(true)));
    EXPECT_NO_THROW(check_contracts(quarterly_pipeline(false)));
}

TEST(StageContracts, EachPartHasOneProducerAndEveryStageProducesOne) {
    const Pipeline p = quarterly_pipeline(true);
    std::set<std::string_view> names;
    for (int i = 0; i < kParts; ++i) {
        const auto part = static_cast<Part>(i);
        int producers = 0;
        for (const auto& stage : p)
            producers += stage->produces().has(part);
        EXPECT_EQ(producers, 1) << part_name(part);
    }
    for (const auto& stage : p) {
        EXPECT_TRUE(names.insert(stage->name()).second) << stage->name();
        bool any = false;
        for (int i = 0; i < kParts; ++i)
            any = any || stage->produces().has(static_cast<Part>(i));
        EXPECT_TRUE(any) << stage->name();
    }
}

TEST(StageContracts, AStageBeforeWhatItReadsFailsBeforeAnythingRuns) {
    int runs = 0;
    Pipeline p;
    p.push_back(std::make_unique<Recorder>(Parts{}, Parts{Part::InputDigests}, runs));
    p.push_back(std::make_unique<ScoreAreas>()); // reads villages, records, ...
    p.push_back(std::make_unique<ReadVillages>());
    try {
        check_contracts(p);
        FAIL() << "no error";
    } catch (const std::logic_error& e) {
        EXPECT_STREQ(e.what(),
                     "stage 'score.areas' reads the villages, which no earlier stage produces");
    }
    JobConfig config;
    JobState state(config);
    EXPECT_THROW(run_pipeline(p, state), std::logic_error);
    EXPECT_EQ(runs, 0);
}

TEST(StageContracts, AStageTouchingAPartItDoesNotDeclareStops) {
    JobConfig config;
    JobState state(config);
    state.villages().table.add({"3205012001", "one", 1});
    int runs = 0;
    Pipeline honest;
    honest.push_back(std::make_unique<Recorder>(Parts{}, Parts{Part::Villages}, runs));
    honest.push_back(std::make_unique<VillageCounter>(Parts{Part::Villages}));
    EXPECT_NO_THROW(run_pipeline(honest, state));
    EXPECT_EQ(state.records().tally.rows, 1u);
    state.records().tally.rows = 7;
    Pipeline hidden;
    hidden.push_back(std::make_unique<VillageCounter>(Parts{}));
    try {
        run_pipeline(hidden, state);
        FAIL() << "no error";
    } catch (const std::exception& e) {
        EXPECT_STREQ(e.what(), "test.counter: stage 'test.counter' uses the villages, which its "
                               "contract neither reads nor produces");
    }
    // The hidden stage stopped before it wrote; between stages every part is open again
    // (run.json and the report read them all).
    EXPECT_EQ(state.records().tally.rows, 7u);
    EXPECT_NO_THROW(state.villages());
}

TEST(StageContracts, EveryOptionIsDeclaredOnceWithHelp) {
    std::set<std::string> keys;
    for (const Option& o : quarterly_options()) {
        EXPECT_TRUE(keys.insert(o.key).second) << o.key << " declared twice";
        EXPECT_GT(std::string(o.help).size(), 10u) << o.key;
    }
    for (const auto& o : indicator_options("stunting"))
        EXPECT_TRUE(keys.insert(o.key).second) << o.key;
    EXPECT_TRUE(keys.count("inputs.villages") && keys.count("run.threads") &&
                keys.count("output.min_count") && keys.count("indicator.stunting.target"));
}

TEST(StageContracts, TheListNamesEachStageWithItsPartsAndKeys) {
    const std::string text = describe_pipeline(quarterly_pipeline(true));
    EXPECT_NE(text.find("maps.pixels\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    reads: input digests, records, grid, zones, scores\n"),
              std::string::npos);
    EXPECT_NE(text.find("neighbours.snap_m neighbours.snap"), std::string::npos);
}
