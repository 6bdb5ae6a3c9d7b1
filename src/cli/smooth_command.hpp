#pragma once
/// \file
/// `riskmap smooth IN OUT --bandwidth-m H`: Gaussian kernel smoothing of any single-band raster,
/// nodata honoured by normalised convolution (DESIGN.md section 3, "Kernel rate smoothing").

#include <string>
#include <vector>

namespace riskmap::cli {

/// Runs the command on its arguments (after "smooth"); returns the exit code. Throws UsageError
/// for bad options and InputError for unreadable or unusable rasters.
int smooth_command(const std::vector<std::string>& args);

} // namespace riskmap::cli
