#pragma once
/// \file
/// Statistics, risk index and ranking of areas (villages or kecamatan) from their counts.

#include "core/table.hpp"
#include "kernels/risk_score.hpp"
#include "pipelines/job_state.hpp"

namespace riskmap {

/// Fills scores, risk_index, priority_score, rank, priority_class and order from the counts,
/// population and sanitation already in `areas` (DESIGN.md section 3).
void score_areas(AreaScores& areas, const JobConfig& cfg);

/// Village areas from the joined counts and, with rasters, zonal population and sanitation.
AreaScores village_areas(const JobState& state);

/// The areas one level up (kecamatan of villages: the first 6 code digits, and so on): counts
/// summed first, never rates averaged. `unit` must have a parent_unit.
AreaScores parent_areas(const AreaScores& areas, AreaUnit unit, std::size_t indicator_count);

/// The table of DESIGN.md section 4, rows in priority order.
Table area_table(const AreaScores& areas, const JobConfig& cfg);

/// The indicators' and sanitation's weights in the risk index and the priority score.
kernels::ScoreWeights score_weights(const JobConfig& cfg);

} // namespace riskmap
