#pragma once
/// \file
/// The public set (output.public): the area tables again, safe to publish. Every count below
/// output.min_count is withheld, with complementary suppression under each published parent
/// total (kernels/disclosure.hpp), and every statistic is computed again from the published
/// counts alone, as if the withheld ones had never been reported. Nothing public then depends
/// on a withheld count except through a published total, so no back-calculation from a
/// posterior mean, a rank or a neighbour's smoothed rate can bring one back. Maps and the cube
/// are smoothed from every count and stay internal.

#include "core/table.hpp"
#include "pipelines/job_state.hpp"

namespace riskmap {

/// Fills state.public_villages (and public_parents where the areas have a parent level) from
/// the scored areas.
void make_public_set(JobState& state);

/// The public table of one level: area_table's columns with the withheld counts and crude
/// rates blank, a `<indicator>_withheld` column (1: below the minimum, 2: complementary;
/// blank without a record) and no change columns (last quarter's counts are not protected
/// here).
Table public_area_table(const PublicAreas& areas, const JobConfig& cfg);

} // namespace riskmap
