#pragma once
/// \file
/// Normalised convolution (Knutsson and Westin 1993, "Normalized and differential
/// convolution", CVPR): smoothing a band with gaps, K*(v c) / K*c with certainty c = 1 where
/// the band has a value and 0 at a gap (NaN), so gaps and the grid's edge pull nothing toward
/// zero. What `riskmap smooth` computes, tile by tile.

#include "core/layer.hpp"

#include <functional>

namespace riskmap::kernels {

/// Kernel sums of a window over its core (e.g. sched::TiledGaussian::sum); `clamp` sets sums
/// below 0 (rounding of a non-negative band) to 0.
using KernelSum = std::function<Layer<float>(const Layer<float>& window, bool clamp)>;

/// The core's normalised convolution, NaN where the band itself is NaN. The core is
/// core_width x core_height pixels starting at (dy, dx) in `window`; `non_negative` says the
/// whole band is >= 0 (decided once for a grid, so tiles agree), and clamps its sums.
Layer<float> normalised_convolution(const Layer<float>& window, int dy, int dx, int core_width,
                                    int core_height, const KernelSum& sum, bool non_negative);

} // namespace riskmap::kernels
