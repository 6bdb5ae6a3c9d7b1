#pragma once
/// \file
/// Kernel sums over a whole layer, parallel over rows.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "kernels/gaussian.hpp"

namespace riskmap::sched {

/// Per-row kernel widths in pixels for a bandwidth in metres on this grid.
kernels::GaussianRows gaussian_rows_for(const Grid& grid, double bandwidth_m);

/// Peak-normalised Gaussian sums of `in` (vertical then horizontal pass). Uses the recursive
/// kernel (kernels/gaussian_fast.hpp, cost independent of the bandwidth) where it is within its
/// documented error bound and faster (sigma >= 4 px), the exact truncated kernel otherwise (small
/// sigma, or sigma_y varying
/// so much along the grid that the vertical pass would need many sweeps).
Layer<float> gaussian_sum(const Layer<float>& in, const kernels::GaussianRows& params);

/// Always the exact truncated kernel (kernels/gaussian.hpp): for tests and benchmarks.
Layer<float> gaussian_sum_exact(const Layer<float>& in, const kernels::GaussianRows& params);

/// Always the recursive kernel, whatever sigma: for tests and benchmarks. Non-negative inputs
/// give non-negative sums (the fit's tiny undershoot is clamped at 0).
Layer<float> gaussian_sum_fast(const Layer<float>& in, const kernels::GaussianRows& params);

} // namespace riskmap::sched
