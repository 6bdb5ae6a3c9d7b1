#pragma once
/// \file
/// PNG quicklook of a map with title, legend and scale bar (cairo), so a planner can look
/// without a GIS.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "io/map_style.hpp"

#include <string>

namespace riskmap::io {

/// Renders `values` (NaN = no data) with the style's ramp or palette, at most 800 pixels
/// wide, and writes a PNG.
void write_quicklook(const std::string& path, const Grid& grid, const Layer<float>& values,
                     const MapStyle& style);

/// The colour of a value: interpolated between stops, or the nearest class for categories.
std::array<std::uint8_t, 3> color_of(const MapStyle& style, double value);

} // namespace riskmap::io
