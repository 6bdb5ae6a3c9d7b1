#pragma once
/// \file
/// Overview pyramids of a map tile, so that a COG's overviews come from the tiles as they are
/// computed instead of from a second and third read of the whole map (GDAL's COG driver
/// builds them by reading the finished raster back, then copies the raster again).
///
/// Level k (1, 2, ...) has ceil(w / 2^k) x ceil(h / 2^k) pixels, the sizes `gdaladdo` gives
/// for factor 2^k, and its pixel (i, j) summarises the full-resolution block of rows
/// [i 2^k, (i + 1) 2^k) and columns [j 2^k, (j + 1) 2^k), clipped to the tile. A tile whose
/// origin in the grid is a multiple of 2^k therefore gives exactly the grid's level-k pixels
/// over it, whatever the tile size: the pyramid of a map is the same for any tiling.
///
/// - Float maps: the mean of the block's non-NaN pixels (NaN when there is none), GDAL's
///   AVERAGE on blocks that divide evenly; sums are carried up the levels in double, so
///   level k is the exact block mean rounded once to float, not a mean of means.
/// - Class maps (Byte, 0 = nodata): the most frequent non-zero class of the block (GDAL's
///   MODE), the smallest class on a tie, 0 when the block has none.

#include "core/layer.hpp"

#include <cstdint>
#include <vector>

namespace riskmap::io {

/// Levels GDAL's COG driver makes with OVERVIEWS=AUTO: halve until the larger side is at
/// most `block` pixels.
int cog_overview_levels(int width, int height, int block);

/// Levels 1..levels of a float tile (element k - 1 is level k).
std::vector<Layer<float>> mean_pyramid(LayerView<const float> tile, int levels);

/// Levels 1..levels of a class tile (0 is nodata).
std::vector<Layer<std::uint8_t>> mode_pyramid(LayerView<const std::uint8_t> tile, int levels);

} // namespace riskmap::io
