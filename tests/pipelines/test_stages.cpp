// Stages run in-process on a synthetic district, checked between stages.

#include "core/error.hpp"
#include "kernels/disaggregate.hpp"
#include "pipelines/join_records.hpp"
#include "pipelines/read_rasters.hpp"
#include "pipelines/read_villages.hpp"
#include "pipelines/village_zones.hpp"
#include "support/fixtures.hpp"
#include "synth/synth.hpp"

#include <gtest/gtest.h>

#include <numeric>

using namespace riskmap;
using namespace riskmap::test;

namespace {
JobConfig tiny_config(const TempDir& dir) {
    synth::SynthOptions opt;
    opt.preset = "tiny";
    opt.out_dir = dir / "data";
    synth::generate(opt);
    JobConfig cfg;
    cfg.villages = dir / "data/villages.gpkg";
    cfg.records = dir / "data/records.csv";
    cfg.population = dir / "data/population.tif";
    cfg.sanitation = dir / "data/sanitation.tif";
    IndicatorSpec stunting;
    stunting.name = "stunting";
    stunting.numerator = "children_stunted";
    stunting.denominator = "children_measured";
    stunting.model = RateModel::Binomial;
    IndicatorSpec maternal = stunting;
    maternal.name = "maternal";
    maternal.numerator = "maternal_deaths";
    maternal.denominator = "live_births";
    maternal.model = RateModel::Poisson;
    cfg.indicators = {stunting, maternal};
    return cfg;
}

double sum(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}
} // namespace

JobState zoned(const JobConfig& cfg) {
    JobState state(cfg);
    ReadVillages().run(state);
    JoinRecords().run(state);
    ReadRasters().run(state);
    VillageZones().run(state);
    return state;
}

riskmap::Rect whole(const Grid& g) {
    return {0, 0, g.width, g.height};
}

TEST(Stages, DisaggregationConservesEveryCountIncludingSubPixelVillages) {
    TempDir dir;
    const JobConfig cfg = tiny_config(dir);
    JobState state = zoned(cfg);
    std::size_t sub_pixel = 0;
    for (std::size_t v = 0; v < state.villages().table.size(); ++v)
        sub_pixel += state.zones().footprint.pixels[v] == 0;
    EXPECT_GE(sub_pixel, 1u) << "the tiny preset has a village smaller than a pixel";
    const auto ids = state.zones().burner->burn(whole(state.grid().grid));
    const auto pop = state.grid().population->read(whole(state.grid().grid));
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        for (const auto* counts :
             {&state.records().counts[k].numerator, &state.records().counts[k].denominator}) {
            Layer<double> pixels(state.grid().grid.width, state.grid().grid.height, 0.0);
            EXPECT_EQ(kernels::disaggregate(ids.view(), pop.view(), state.zones().footprint,
                                            *counts, state.zones().burner->point_pixel(),
                                            pixels.view()),
                      0);
            const double on_map =
                std::accumulate(pixels.values().begin(), pixels.values().end(), 0.0);
            EXPECT_NEAR(on_map, sum(*counts), 1e-9 * std::max(1.0, sum(*counts)))
                << cfg.indicators[k].name;
        }
    }
}

TEST(Stages, RasterizationFollowsThePixelCentreRule) {
    TempDir dir;
    const JobConfig cfg = tiny_config(dir);
    JobState state = zoned(cfg);
    const auto ids = state.zones().burner->burn(whole(state.grid().grid));
    std::int64_t covered = 0;
    for (auto v : ids.values())
        covered += v >= 0;
    EXPECT_EQ(covered, std::accumulate(state.zones().footprint.pixels.begin(),
                                       state.zones().footprint.pixels.end(), std::int64_t{0}));
    EXPECT_GT(covered, static_cast<std::int64_t>(state.grid().grid.pixel_count() / 2));
}

TEST(Stages, AWindowBurnsTheSameVillagesAsTheWholeGrid) {
    TempDir dir;
    const JobConfig cfg = tiny_config(dir);
    JobState state = zoned(cfg);
    const auto all = state.zones().burner->burn(whole(state.grid().grid));
    const riskmap::Rect window{17, 9, 61, 53};
    const auto part = state.zones().burner->burn(window);
    for (int r = 0; r < window.height; ++r)
        for (int c = 0; c < window.width; ++c)
            ASSERT_EQ(part(r, c), all(window.y0 + r, window.x0 + c)) << r << "," << c;
}

TEST(Synth, SeveralQuartersOfRecordsEndAtThePeriod) {
    TempDir dir;
    synth::SynthOptions opt;
    opt.preset = "tiny";
    opt.out_dir = dir / "data";
    opt.period = "2026Q1";
    opt.quarters = 3;
    synth::generate(opt);
    const std::string csv = read_text(dir / "data/records.csv");
    for (const char* p : {",2025Q3,", ",2025Q4,", ",2026Q1,"})
        EXPECT_NE(csv.find(p), std::string::npos) << p;
    opt.quarters = 0;
    EXPECT_THROW(synth::generate(opt), UsageError);
}
