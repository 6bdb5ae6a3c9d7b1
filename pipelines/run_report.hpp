#pragma once
/// \file
/// run.json: what was run, on what, with what result — for provenance and for tools.

#include "pipelines/job_state.hpp"

#include <string>
#include <vector>

namespace riskmap {

/// The JSON text of run.json; `outputs` are the file names written.
std::string run_report_json(const JobState& state, const std::vector<std::string>& outputs);

/// JSON string literal with escapes.
std::string json_string(const std::string& text);

} // namespace riskmap
