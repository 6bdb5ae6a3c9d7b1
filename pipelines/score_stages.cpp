#include "pipelines/score_stages.hpp"

#include "core/numbers.hpp"
#include "io/neighbours_io.hpp"
#include "kernels/priority.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/parallel_rows.hpp"

#include <cmath>
#include <limits>

namespace riskmap {

void QueenNeighbours::run(JobState& state) {
    const auto vertices = io::boundary_vertices(state.villages);
    state.neighbours = kernels::queen_neighbours(vertices, state.villages.table.size(),
                                                 state.config.neighbour_snap);
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

void ScoreAreas::run(JobState& state) {
    state.village_scores = village_areas(state);
    score_areas(state.village_scores, state.config);
    state.kecamatan_scores = kecamatan_areas(state.village_scores, state.config.indicators.size());
    score_areas(state.kecamatan_scores, state.config);
}

} // namespace riskmap
