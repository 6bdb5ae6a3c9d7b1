#include "pipelines/score_stages.hpp"

#include "core/numbers.hpp"
#include "core/period.hpp"
#include "io/neighbours_io.hpp"
#include "kernels/priority.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/parallel_rows.hpp"

#include <chrono>
#include <cmath>
#include <future>
#include <limits>

namespace riskmap {

void QueenNeighbours::run(JobState& state) {
    // Contiguity needs only the village polygons. It runs on a thread of its own while the
    // raster stages read, warp and burn, which leave a core idle much of the time; score.areas
    // waits for it. Nothing else touches the polygons meanwhile but to read them.
    state.queen = std::async(std::launch::async, [&villages = state.villages,
                                                  snap = state.config.neighbour_snap] {
        const auto start = std::chrono::steady_clock::now();
        auto lists =
            kernels::queen_neighbours(io::boundary_vertices(villages), villages.table.size(), snap);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        return std::pair(std::move(lists), took.count());
    });
}

namespace {
/// The neighbours computed beside the raster stages, their time ("neighbours.queen.work" in
/// run.json) and the islands warning.
void collect_neighbours(JobState& state) {
    if (!state.queen.valid())
        return;
    auto [lists, seconds] = state.queen.get();
    state.neighbours = std::move(lists);
    state.timings.emplace_back("neighbours.queen.work", seconds);
    std::string examples;
    for (std::size_t i = 0; i < state.neighbours.size(); ++i) {
        if (!state.neighbours[i].empty())
            continue;
        if (++state.islands <= 5)
            examples += (examples.empty() ? "" : ", ") + state.villages.table[i].code;
    }
    if (state.islands > 0)
        state.warnings.push_back(
            std::to_string(state.islands) + " village(s) have no queen neighbour (" + examples +
            (state.islands > 5 ? ", ..." : "") + "); their local EB is their own rate");
}
} // namespace

namespace {
std::string percent(double share) {
    return std::to_string(static_cast<int>(std::lround(100 * share))) + " %";
}

/// Plain words when an indicator's data carry little information (DESIGN.md section 3): a
/// planner must not read a map of the prior as a map of the villages.
void warn_little_information(JobState& state) {
    const JobConfig& cfg = state.config;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        const IndicatorScores& s = state.village_scores.scores[k];
        if (!cfg.uncertainty.integrated)
            continue;
        const auto& pool = state.pools[k].periods;
        const std::string when =
            pool.size() > 1 ? " over " + quarter_range(cfg.period, static_cast<int>(pool.size()))
                            : (cfg.period.empty() ? "" : " in " + cfg.period);
        const std::string counted = format_double(s.hyper.events, 6) + " " + spec.numerator +
                                    " in " + format_double(s.hyper.areas, 6) + " villages" + when;
        const double signal = s.exchangeable.signal_share();
        if (s.hyper.events == 0)
            state.warnings.push_back(spec.name + ": no " + spec.numerator + " at all (" + counted +
                                     "): every village estimate is the prior");
        else if (signal < 0.5)
            state.warnings.push_back(
                spec.name + ": " + counted + ": village differences are mostly the prior (about " +
                percent(signal) +
                " of the variation between crude village rates is signal); intervals are wide "
                "and rankings by " +
                spec.name + " uncertain");
        const auto& check = s.self_check;
        if (check.areas > 0 && check.inside95 / check.areas < 0.9)
            state.warnings.push_back(spec.name +
                                     ": the self-check expects the 95 % intervals to "
                                     "hold only " +
                                     percent(check.inside95 / check.areas) +
                                     " of village rates with data this thin");
    }
}
} // namespace

void ScoreAreas::run(JobState& state) {
    collect_neighbours(state);
    state.village_scores = village_areas(state);
    score_areas(state.village_scores, state.config);
    state.kecamatan_scores = kecamatan_areas(state.village_scores, state.config.indicators.size());
    score_areas(state.kecamatan_scores, state.config);
    warn_little_information(state);
}

} // namespace riskmap
