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

/// Every option of the job (its own and each stage's), in the order of the INI file's sections
/// ([inputs], [smoothing], ..., [output]), within a section the job's first, then the stages'
/// in pipeline order: the order of --help, --dump-config and run.json.
std::vector<Option> quarterly_options();

/// The JobConfig of `settings`: the indicators bound, then every option in that order (an
/// option's check may read the options bound before it), and `resolved` filled, the
/// indicators' keys last.
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
