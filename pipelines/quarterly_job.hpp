#pragma once
/// \file
/// The quarterly job: villages + records (+ population, sanitation) to maps and ranked tables.

#include "pipelines/job_config.hpp"
#include "pipelines/options.hpp"
#include "pipelines/stage.hpp"

#include <string>
#include <vector>

namespace riskmap {

/// The stages in order, like a PDAL pipeline of readers, filters and writers. `writer`: the
/// process that writes the outputs (every process but MPI ranks above 0, which finish their
/// share of the pixel maps instead).
Pipeline quarterly_pipeline(bool writer);

/// Every option of the job: the job's own, then each stage's in pipeline order.
std::vector<Option> quarterly_options();

/// The JobConfig of `settings`: every option bound (the job's, the indicators', then each
/// stage's in pipeline order) and `resolved` filled, in the order of the INI file's sections
/// ([inputs], [smoothing], ..., [output], then the indicators).
JobConfig bind_quarterly_job(const Settings& settings, const std::vector<std::string>& indicators);

struct JobSummary {
    std::size_t villages = 0;
    std::size_t joined = 0;
    std::size_t rejected = 0;
    std::vector<std::string> warnings;
};

/// Runs the whole job; throws UsageError/InputError/Error.
JobSummary run_quarterly_job(const JobConfig& config, const ProgressFn& progress = {});

} // namespace riskmap
