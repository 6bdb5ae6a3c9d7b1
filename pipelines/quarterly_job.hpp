#pragma once
/// \file
/// The quarterly job: villages + records (+ population, sanitation) to maps and ranked tables.

#include "pipelines/job_config.hpp"
#include "pipelines/stage.hpp"

namespace riskmap {

/// The stages in order, like a PDAL pipeline of readers, filters and writers.
Pipeline quarterly_pipeline();

struct JobSummary {
    std::size_t villages = 0;
    std::size_t joined = 0;
    std::size_t rejected = 0;
    std::vector<std::string> warnings;
};

/// Runs the whole job; throws UsageError/InputError/Error.
JobSummary run_quarterly_job(const JobConfig& config, const ProgressFn& progress = {});

} // namespace riskmap
