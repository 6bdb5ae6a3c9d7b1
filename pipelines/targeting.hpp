#pragma once
/// \file
/// Targeting lists a planner can defend (DESIGN.md section 3, "Expected and excess cases,
/// priority"): one list per programme ranked by expected excess cases above its target, an
/// overall list with explicit priority weights per case, and the certainty of every rank —
/// P(in the top K) and a 95 % rank interval — from seeded posterior draws.

#include "pipelines/job_state.hpp"

namespace riskmap {

/// Expected and excess cases, the extra thresholds' exceedance and the prevalence classes of
/// every indicator (after the posteriors of area_scores).
void expected_cases(AreaScores& areas, const JobConfig& cfg);

/// The lists of `areas.lists`, their ranks and certainty; fills priority_score, rank, order
/// and priority_class from the overall list.
void rank_lists(AreaScores& areas, const JobConfig& cfg);

/// "20" for a stunting threshold of 0.20 (display units, as a column name suffix).
std::string threshold_label(double proportion, const IndicatorSpec& spec);

} // namespace riskmap
