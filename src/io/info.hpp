#pragma once
/// \file
/// `riskmap info PATH`: a short human summary of an output folder, one map or a table.

#include <string>

namespace riskmap::io {

/// Summary of a riskmap output folder (run.json, maps, cube, tables), a quarterly cube
/// (riskmap.nc) or a raster.
/// Throws InputError when PATH is none of these.
std::string describe(const std::string& path);

} // namespace riskmap::io
