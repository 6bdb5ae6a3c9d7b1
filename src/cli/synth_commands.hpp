#pragma once
/// \file
/// `riskmap synth` (synthetic inputs with a known truth) and `riskmap accuracy` (estimates
/// scored against that truth), the commands of src/synth.

#include <string>
#include <vector>

namespace riskmap::cli {

/// Runs the command on its arguments (after the command word); returns the exit code.
/// Throws UsageError for bad options.
int synth_command(const std::vector<std::string>& args);
int accuracy_command(const std::vector<std::string>& args);

} // namespace riskmap::cli
