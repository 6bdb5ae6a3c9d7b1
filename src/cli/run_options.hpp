#pragma once
/// \file
/// `riskmap run` options: INI file keys and command-line flags are the same `section.key`
/// names (Boost.Program_options); the command line wins over the file.

#include "pipelines/job_config.hpp"

#include <string>
#include <vector>

namespace riskmap::cli {

struct RunRequest {
    JobConfig config;
    bool help = false;
    bool stages = false; ///< --stages: help_text lists the job's stages
    bool dump_config = false;
    /// --periods: the quarters to run one after the other ("all": every quarter of the records;
    /// empty: just inputs.period).
    std::string periods;
    std::string help_text;
};

/// Parses `riskmap run` arguments (without the command word). Throws UsageError naming the
/// file, line, option and value for anything unknown or invalid.
RunRequest parse_run_options(const std::vector<std::string>& args);

/// The resolved settings as an INI file (for --dump-config).
std::string dump_config(const JobConfig& config);

} // namespace riskmap::cli
