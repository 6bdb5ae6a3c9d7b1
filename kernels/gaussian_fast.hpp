#pragma once
/// \file
/// Bandwidth-independent Gaussian sums: a recursive (IIR) filter whose cost per pixel does not
/// grow with sigma, with the same contract as the exact passes of gaussian.hpp (peak-normalised
/// weights, per-row sigma, zero outside the grid, same bytes for any split of the work).
///
/// Algorithm: Deriche (1993), "Recursively implementing the Gaussian and its derivatives",
/// INRIA RR-1893, 4th order. The sampled Gaussian exp(-n^2 / (2 s^2)) is fitted, for n >= 0, by
///   h(n) = sum_{j=0,1} (a_j cos(w_j n / s) + b_j sin(w_j n / s)) exp(-l_j n / s)    (eq. 32)
/// and the filter is the sum of a causal part (n >= 0) and an anti-causal part (n < 0), each a
/// pair of second-order recursive sections (parallel form; one section per complex-conjugate
/// pole pair, as in Getreuer 2013, "A Survey of Gaussian Convolution Algorithms", IPOL,
/// section 5). Because the parallel form starts both recursions from rest, zero padding at the
/// grid edges is exact: no boundary initialisation (Triggs & Sdika 2006) is needed. The sections
/// run in double precision: with poles near 1 (large sigma) single-precision recursions lose
/// accuracy (Getreuer 2013, section 5.3).
///
/// Normalisation: the filter's DC gain is scaled to the exact total weight of the truncated
/// discrete taps, sum_{|k| <= ceil(truncate s)} exp(-k^2 / (2 s^2)), so a constant field gives
/// the same sums as gaussian_taps().
///
/// Measured error against gaussian_reference() (tests/kernels/test_gaussian_fast.cpp, random
/// fields with 30 % zeros, projected and geographic grids, sigma 1, 3, 10, 40 px): the fitted
/// shape differs from exp(-x^2/2) by at most 5.2e-4 of the peak (Deriche's coefficients), and
///   |fast - exact| <= 3.5e-4 * max|exact| measured (tests assert 1e-3) for sigma >= 1 px;
/// a constant field's sum is exact up to float rounding (the DC gain is matched), and the rate
/// of a constant-risk field stays constant to 1e-5 next to holes and edges.
/// fast_gaussian_accurate() says where the scheduler may use it.
///
/// Row-varying sigma: the horizontal pass uses each row's own sigma_x exactly. A recursion
/// along a column cannot change sigma from row to row, so the vertical pass groups consecutive
/// rows whose sigma_y agree within kSigmaBucketTolerance (relative) into buckets; each bucket
/// runs the column recursion with one sigma (the geometric middle of the bucket) over the full
/// column and writes only its own rows, scaled to each row's exact total weight. Projected grids
/// have one bucket; a geographic grid across all of Indonesia (11 S to 6 N) has one too
/// (meridian pixel height varies by 4e-4 there).

#include "core/layer.hpp"
#include "kernels/gaussian.hpp"

#include <vector>

namespace riskmap::kernels {

/// Vertical buckets hold rows whose sigma_y differ by at most this factor minus one.
inline constexpr double kSigmaBucketTolerance = 1e-3;

/// Two second-order recursive sections (causal and anti-causal) for one sigma.
struct RecursiveGaussian {
    double causal_x0[2] = {1, 0}; ///< weight of x[n]
    double causal_x1[2] = {0, 0}; ///< weight of x[n - 1]
    double anti_x1[2] = {0, 0};   ///< weight of x[n + 1]
    double anti_x2[2] = {0, 0};   ///< weight of x[n + 2]
    double feedback1[2] = {0, 0}; ///< weight of y[n -/+ 1]
    double feedback2[2] = {0, 0}; ///< weight of y[n -/+ 2]
};

/// Coefficients for sigma_px (identity for sigma_px <= 0) with DC gain `gain`.
RecursiveGaussian recursive_gaussian(double sigma_px, double gain);

/// Exact sum of the truncated peak-normalised taps (gaussian_taps) for sigma_px.
double gaussian_total_weight(double sigma_px, double truncate);

/// Rows [row_begin, row_end) sharing one vertical sigma.
struct SigmaBucket {
    int row_begin = 0;
    int row_end = 0;
    RecursiveGaussian filter; ///< unit DC gain
};

/// Everything the fast passes need, computed once per layer (no work in the hot loops).
struct FastGaussianPlan {
    int height = 0;
    std::vector<RecursiveGaussian> rows_x; ///< per row, gain = exact total weight
    std::vector<SigmaBucket> buckets_y;    ///< consecutive rows, in order
    std::vector<double> weight_y;          ///< per row exact total weight of the vertical taps
};

/// Builds the plan for a layer whose rows are described by params.
FastGaussianPlan plan_fast_gaussian(const GaussianRows& params);

/// True when every row's sigma is within the documented error bound (sigma >= 1 px or 0) and
/// the vertical pass needs at most max_buckets column sweeps.
bool fast_gaussian_accurate(const GaussianRows& params, int max_buckets = 8);

/// Vertical pass over whole columns [col_begin, col_end): a recursion runs along each column,
/// so the work unit is a column range (every output row needs the whole column).
/// Result per pixel does not depend on the column split.
void gaussian_fast_vertical(LayerView<const float> in, LayerView<float> out,
                            const FastGaussianPlan& plan, int col_begin, int col_end);

/// Horizontal pass for rows [row_begin, row_end) (8 rows at a time, one per vector lane).
/// Result per pixel does not depend on the row split.
void gaussian_fast_horizontal(LayerView<const float> in, LayerView<float> out,
                              const FastGaussianPlan& plan, int row_begin, int row_end);

} // namespace riskmap::kernels
