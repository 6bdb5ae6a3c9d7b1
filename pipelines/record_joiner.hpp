#pragma once
/// \file
/// The row-by-row join of a records table to the villages (by code, crosswalk, name or
/// puskesmas), into each indicator's pooled, entering and leaving counts; bad rows go to the
/// rejects with their line and reason.

#include "io/csv.hpp"
#include "pipelines/job_state.hpp"

namespace riskmap {

/// Joins every row of `rows` into state.records().counts, entering, leaving, pools, tally and
/// rejects.
void join_record_rows(JobState& state, io::RowReader& rows);

} // namespace riskmap
