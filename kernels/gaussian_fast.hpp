#pragma once
/// \file
/// Bandwidth-independent Gaussian sums: a recursive (IIR) filter whose cost per pixel does not
/// grow with sigma, with the same contract as the exact passes of gaussian.hpp (peak-normalised
/// weights, per-row sigma, zero outside the grid, same bytes for any split of the work).
///
/// Algorithm: Deriche (1993), "Recursively implementing the Gaussian and its derivatives",
/// INRIA RR-1893, 4th order. The sampled Gaussian exp(-n^2 / (2 s^2)) is fitted, for n >= 0, by
///   h(n) = sum_{j=0,1} (a_j cos(w_j n / s) + b_j sin(w_j n / s)) exp(-l_j n / s)    (eq. 32)
/// and the filter is the sum of a causal part (n >= 0) and an anti-causal part (n < 0). Each
/// term is Re[(a_j - i b_j) p_j^n] with the pole p_j = exp((-l_j + i w_j) / s), so each part is
/// a pair of complex first-order recursions z[n] = p_j z[n -/+ 1] + input (parallel form, one
/// section per complex-conjugate pole pair: Getreuer 2013, "A Survey of Gaussian Convolution
/// Algorithms", IPOL, section 5). Because the parallel form starts both recursions from rest,
/// zero padding at the grid edges is exact: no boundary initialisation (Triggs & Sdika 2006)
/// is needed.
///
/// DESIGN, precision: the recursions run in single precision (16 float lanes per AVX-512
/// register, 8 per AVX2: twice the lanes of double and half the state traffic). Getreuer
/// (2013, section 5.3) warns that recursions with poles near 1 (large sigma) lose accuracy in
/// float. Two choices keep it at the double version's error:
/// (1) Complex first-order sections (the "coupled" or normal form) instead of real
///     second-order ones (direct form, y = x + 2 Re(p) y[n-1] - |p|^2 y[n-2]). For poles near
///     z = 1 at a small angle, the direct form's coefficients are near 2 and -1 and both its
///     pole placement and its rounding noise are far more sensitive than the coupled form's
///     (Oppenheim & Schafer, "Discrete-Time Signal Processing", chapter 6, coupled form).
///     Measured here: with float direct-form sections the rate of a constant-risk field
///     drifted by 2.3e-5 at sigma 40 (test bound 1e-5); with the normal form 7.5e-7. It costs
///     a few more products per section and step, hidden by the doubled lanes.
/// (2) The poles are rounded to float *before* the DC gain is matched, so the gain is that of
///     the filter actually run (each section's gain is w / (1 - p), so an unmatched rounding
///     of a pole near 1 shows up as a gain error growing with sigma).
/// Measured with float sections (tests/kernels/test_gaussian_fast.cpp): error vs the exact
/// kernel 3.45e-4 of the layer maximum at sigma 1-40 px (double: 3.5e-4), 1.7e-4 at 67 px and
/// 1.4e-4 at 200 px (GaussianFast.LargeSigmaStaysAccurate); constant-rate drift <= 9.5e-7.
///
/// DESIGN, speed (measured on the project's 2-core AMD EPYC VM with AVX-512; benchmarks/
/// RESULTS.md): the vertical pass runs on column strips of 16 or 32 columns, one lane per
/// column and rows in order (contiguous loads), with the recursion state in registers; strips
/// are narrow enough that a strip's input and output stay in L2 between the causal and the
/// anti-causal sweep, so each pixel comes from memory once per pass, and the sweeps prefetch
/// rows ahead (a strip row is too short for the hardware prefetchers). The horizontal pass
/// takes 16 rows at a time, one lane per row: 16 x 16 blocks are transposed in registers on
/// the way in (causal sweep, sums kept in a per-thread scratch of width x 16 floats) and again
/// on the way in and out of the anti-causal sweep, which writes the rows. The vectors are GCC
/// vector extensions (element-wise, no intrinsics): every lane runs the same scalar expression
/// in the same order, so the SSE2, AVX2 and AVX-512 versions give the same bytes.

/// Normalisation: the filter's DC gain is scaled to the exact total weight of the truncated
/// discrete taps, sum_{|k| <= ceil(truncate s)} exp(-k^2 / (2 s^2)), so a constant field gives
/// the same sums as gaussian_taps().
///
/// Measured error against gaussian_reference() (tests/kernels/test_gaussian_fast.cpp, random
/// fields with 30 % zeros, projected and geographic grids, sigma 1, 3, 10, 40, 67, 200 px): the
/// fitted shape differs from exp(-x^2/2) by at most 5.2e-4 of the peak (Deriche's
/// coefficients), and
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

/// Two complex first-order sections (one per complex-conjugate pole pair) for one sigma:
/// section j keeps a complex state z; causal z[n] = p_j z[n-1] + x[n], anti-causal
/// z[n] = p_j (z[n+1] + x[n+1]); each adds Re(w_j z[n]) to the output. Poles are float values.
struct RecursiveGaussian {
    double pole_re[2] = {0, 0};   ///< Re p_j
    double pole_im[2] = {0, 0};   ///< Im p_j
    double weight_re[2] = {1, 0}; ///< Re w_j
    double weight_im[2] = {0, 0}; ///< Im w_j
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

/// Columns per work unit a scheduler should hand gaussian_fast_vertical(): narrower ranges
/// give strided access with less than a cache line per row.
inline constexpr int kFastColumnChunk = 64;

/// Rows per work unit a scheduler should hand gaussian_fast_horizontal() (rows per sweep).
inline constexpr int kFastRowChunk = 16;

/// Vertical pass over whole columns [col_begin, col_end): a recursion runs along each column,
/// so the work unit is a column range (every output row needs the whole column).
/// Result per pixel does not depend on the column split. Returns whether any input pixel of
/// the columns is negative, so the caller can decide gaussian_fast_horizontal()'s clamp without
/// another pass over the layer.
bool gaussian_fast_vertical(LayerView<const float> in, LayerView<float> out,
                            const FastGaussianPlan& plan, int col_begin, int col_end);

/// Horizontal pass for rows [row_begin, row_end) (16 rows at a time, one per vector lane).
/// Result per pixel does not depend on the row split. `in` and `out` may be the same layer
/// (each row is read in full before it is written). Negative sums are stored as 0 when
/// `non_negative` (see sched::gaussian_sum_fast).
void gaussian_fast_horizontal(LayerView<const float> in, LayerView<float> out,
                              const FastGaussianPlan& plan, int row_begin, int row_end,
                              bool non_negative = false);

} // namespace riskmap::kernels
