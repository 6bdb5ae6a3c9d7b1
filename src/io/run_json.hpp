#pragma once
/// \file
/// What evaluation tools read back from a run's run.json: its resolved settings and the
/// integrated hyperparameter grid every village and kecamatan posterior is a mixture over.

#include <array>
#include <map>
#include <string>
#include <vector>

namespace riskmap::io {

struct RunRecord {
    std::map<std::string, std::string> config; ///< "indicator.maternal.target" -> "0.00183"
    /// "maternal/villages" -> (m, kappa, weight, spatial strength) points; absent with
    /// uncertainty.method = plugin.
    std::map<std::string, std::vector<std::array<double, 4>>> grids;
};

/// Throws InputError when the file is missing or not a run.json.
RunRecord read_run_json(const std::string& path);

} // namespace riskmap::io
