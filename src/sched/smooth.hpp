#pragma once
/// \file
/// Kernel sums over a whole layer, parallel over rows.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "kernels/gaussian.hpp"

namespace riskmap::sched {

/// Per-row kernel widths in pixels for a bandwidth in metres on this grid.
kernels::GaussianRows gaussian_rows_for(const Grid& grid, double bandwidth_m);

/// Peak-normalised Gaussian sums of `in` (vertical then horizontal pass).
Layer<float> gaussian_sum(const Layer<float>& in, const kernels::GaussianRows& params);

} // namespace riskmap::sched
