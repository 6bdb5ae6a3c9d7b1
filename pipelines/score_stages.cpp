#include "pipelines/score_stages.hpp"

#include "core/numbers.hpp"
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

void ScoreAreas::run(JobState& state) {
    collect_neighbours(state);
    state.village_scores = village_areas(state);
    score_areas(state.village_scores, state.config);
    state.kecamatan_scores = kecamatan_areas(state.village_scores, state.config.indicators.size());
    score_areas(state.kecamatan_scores, state.config);
}

} // namespace riskmap
