#pragma once
/// \file
/// Dasymetric disaggregation (DESIGN.md section 3): a village's counts go to its pixels in
/// proportion to population; a village with no population spreads uniformly over its pixels; a
/// village smaller than a pixel (no pixel centre inside it) goes to the pixel holding its
/// representative point. Invariant: per village, the pixel values sum to the village count
/// (to double rounding: each pixel's share is computed on its own, so a window of the grid
/// gets the same values as the whole grid).

#include "core/layer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace riskmap::kernels {

/// Village id of a pixel, or kNoVillage.
constexpr std::int32_t kNoVillage = -1;

/// What disaggregation needs to know of each village's footprint on the grid.
struct VillageFootprint {
    std::vector<double> population;   ///< sum of valid population over the village's pixels
    std::vector<std::int64_t> pixels; ///< number of pixels whose centre is in the village
};

/// Where the layers passed to disaggregate() sit in the grid (a tile's window).
struct WindowOrigin {
    int x0 = 0, y0 = 0;
    int grid_width = 0; ///< 0: the layers are the whole grid
};

/// One pass over the grid; population values that are NaN or negative count as zero.
VillageFootprint village_footprint(LayerView<const std::int32_t> village_of_pixel,
                                   LayerView<const float> population, std::size_t village_count);

/// Adds each village's count to `out` (which the caller zeroes), over the pixels of a window
/// of the grid at `origin`; the footprint is the whole grid's. `point_pixel[v]` is the
/// row-major grid pixel of the village's representative point (-1 outside the grid) and is
/// used only when the village covers no pixel centre. Returns the total that could not be
/// placed because such a village's point lies outside the grid.
double disaggregate(LayerView<const std::int32_t> village_of_pixel,
                    LayerView<const float> population, const VillageFootprint& footprint,
                    std::span<const double> counts, std::span<const std::int64_t> point_pixel,
                    LayerView<double> out, WindowOrigin origin = {});

/// Per-village sums of value * weight and of weight over pixels where value is finite.
struct ZonalSums {
    std::vector<double> weighted_value;
    std::vector<double> weight;
};
ZonalSums zonal_weighted_sums(LayerView<const std::int32_t> village_of_pixel,
                              LayerView<const float> value, LayerView<const float> weight,
                              std::size_t village_count);

} // namespace riskmap::kernels
