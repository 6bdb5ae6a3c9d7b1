#pragma once
/// \file
/// `riskmap info PATH`: a short human summary of an output folder, one map or a table.

#include <string>

namespace riskmap::io {

/// Summary of a riskmap output folder (run.json, maps, tables), a raster, or a vector source.
/// Throws InputError when PATH is none of these.
std::string describe(const std::string& path);

} // namespace riskmap::io
