#include "kernels/gaussian_fast.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>

namespace riskmap::kernels {

namespace {
// Deriche (1993), INRIA RR-1893, table 1 ("Gaussian", 4th order): h(x) approximates
// exp(-x^2 / 2) to 5.2e-4 of the peak for all x >= 0 (checked on a 1e-3 grid over [0, 12]).
struct DericheTerm {
    double cos_weight, sin_weight, decay, frequency;
};
constexpr std::array<DericheTerm, 2> kDeriche{
    {{1.680, 3.735, 1.783, 0.6318}, {-0.6803, -0.2598, 1.723, 1.997}}};

// Rows interleaved per horizontal sweep: one per lane of two AVX double vectors.
constexpr int kLanes = 8;
// Columns per vertical sweep: 6 double state arrays of this size stay in L1.
constexpr int kTile = 256;

// The sweeps are vectorised across columns (vertical) or rows (horizontal); the binary is
// built for baseline x86-64 (SSE2), so the hot loops are also compiled for AVX2 and AVX-512
// and picked at load time (GCC function multi-versioning). Floating-point contraction is off
// for this file (kernels/CMakeLists.txt), so every version computes the same bytes.
// Not under ThreadSanitizer: its runtime is not up yet when the loader runs the versions'
// resolvers (ifuncs), and the test binary crashes before main.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define RISKMAP_WIDE_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RISKMAP_WIDE_SIMD
#endif

double dc_gain(const RecursiveGaussian& f) {
    double gain = 0;
    for (int j = 0; j < 2; ++j)
        gain += (f.causal_x0[j] + f.causal_x1[j] + f.anti_x1[j] + f.anti_x2[j]) /
                (1 - f.feedback1[j] - f.feedback2[j]);
    return gain;
}
} // namespace

RecursiveGaussian recursive_gaussian(double sigma_px, double gain) {
    RecursiveGaussian f;
    if (!(sigma_px > 0)) {
        f.causal_x0[0] = gain;
        return f;
    }
    for (int j = 0; j < 2; ++j) {
        // Each term a cos(wn/s) + b sin(wn/s) times exp(-ln/s) is Re[(a - ib) p^n] with the
        // pole p = exp((-l + iw) / s); summing r p^n + conj(r p^n), r = (a - ib) / 2, as a
        // geometric series gives the second-order sections (Getreuer 2013, eq. 5.6-5.8).
        const auto& t = kDeriche[j];
        const std::complex<double> p =
            std::exp(std::complex<double>(-t.decay, t.frequency) / sigma_px);
        const std::complex<double> r(t.cos_weight / 2, -t.sin_weight / 2);
        f.causal_x0[j] = t.cos_weight;
        f.causal_x1[j] = -2 * (r * std::conj(p)).real();
        f.anti_x1[j] = 2 * (r * p).real();
        f.anti_x2[j] = -std::norm(p) * t.cos_weight;
        f.feedback1[j] = 2 * p.real();
        f.feedback2[j] = -std::norm(p);
    }
    const double scale = gain / dc_gain(f);
    for (int j = 0; j < 2; ++j) {
        f.causal_x0[j] *= scale;
        f.causal_x1[j] *= scale;
        f.anti_x1[j] *= scale;
        f.anti_x2[j] *= scale;
    }
    return f;
}

double gaussian_total_weight(double sigma_px, double truncate) {
    if (!(sigma_px > 0))
        return 1.0;
    const int radius = static_cast<int>(std::ceil(truncate * sigma_px));
    // exp(-k^2 / 2s^2) by recurrence: the ratio of consecutive terms is exp(-(2k+1) / 2s^2),
    // and that ratio itself shrinks by exp(-1/s^2) per step; two products per tap, no exp().
    const double q = std::exp(-1.0 / (sigma_px * sigma_px));
    double term = 1.0, ratio = std::exp(-0.5 / (sigma_px * sigma_px)), tail = 0;
    for (int k = 1; k <= radius; ++k) {
        term *= ratio;
        ratio *= q;
        tail += term;
    }
    return 1.0 + 2.0 * tail;
}

FastGaussianPlan plan_fast_gaussian(const GaussianRows& params) {
    FastGaussianPlan plan;
    plan.height = static_cast<int>(params.sigma_y_px.size());
    plan.rows_x.resize(plan.height);
    plan.weight_y.resize(plan.height);
    for (int r = 0; r < plan.height; ++r) {
        const double sx = params.sigma_x_px[r];
        plan.rows_x[r] = r > 0 && sx == params.sigma_x_px[r - 1]
                             ? plan.rows_x[r - 1]
                             : recursive_gaussian(sx, gaussian_total_weight(sx, params.truncate));
        const double sy = params.sigma_y_px[r];
        plan.weight_y[r] = r > 0 && sy == params.sigma_y_px[r - 1]
                               ? plan.weight_y[r - 1]
                               : gaussian_total_weight(sy, params.truncate);
    }
    for (int r = 0; r < plan.height;) {
        double lo = params.sigma_y_px[r], hi = lo;
        int end = r + 1;
        for (; end < plan.height; ++end) {
            const double s = params.sigma_y_px[end];
            const double new_lo = std::min(lo, s), new_hi = std::max(hi, s);
            if (new_hi != new_lo && !(new_hi <= new_lo * (1 + kSigmaBucketTolerance)))
                break;
            lo = new_lo;
            hi = new_hi;
        }
        plan.buckets_y.push_back({r, end, recursive_gaussian(std::sqrt(lo * hi), 1.0)});
        r = end;
    }
    return plan;
}

bool fast_gaussian_accurate(const GaussianRows& params, int max_buckets) {
    const auto usable = [](double s) { return s == 0 || s >= 1.0; };
    if (!std::all_of(params.sigma_x_px.begin(), params.sigma_x_px.end(), usable) ||
        !std::all_of(params.sigma_y_px.begin(), params.sigma_y_px.end(), usable))
        return false;
    int buckets = 0;
    for (std::size_t r = 0; r < params.sigma_y_px.size(); ++buckets) {
        double lo = params.sigma_y_px[r], hi = lo;
        for (++r; r < params.sigma_y_px.size(); ++r) {
            lo = std::min(lo, params.sigma_y_px[r]);
            hi = std::max(hi, params.sigma_y_px[r]);
            if (hi != lo && !(hi <= lo * (1 + kSigmaBucketTolerance)))
                break;
        }
    }
    return buckets <= max_buckets;
}

namespace {
// One bucket's column recursion over columns [c0, c0 + n), n <= kTile. The causal sweep runs
// from row 0 (state at rest = zeros above the grid) to the bucket's last row and stores its
// rows; the anti-causal sweep runs from the bottom and adds. Loops over c are independent
// columns: contiguous loads, vectorised.
RISKMAP_WIDE_SIMD void vertical_tile(LayerView<const float> in, LayerView<float> out,
                                     const SigmaBucket& bucket, const std::vector<double>& weight_y,
                                     int c0, int n) {
    const RecursiveGaussian& f = bucket.filter;
    alignas(64) std::array<double, kTile> a0{}, b0{}, a1{}, b1{};
    alignas(64) static constexpr std::array<float, kTile> kZeros{};
    for (int r = 0; r < bucket.row_end; ++r) {
        const float* x = in.row(r) + c0;
        const float* xp = r > 0 ? in.row(r - 1) + c0 : kZeros.data();
        float* y = out.row(r) + c0;
        const bool store = r >= bucket.row_begin;
        for (int c = 0; c < n; ++c) {
            const double y0 = f.causal_x0[0] * x[c] + f.causal_x1[0] * xp[c] +
                              f.feedback1[0] * a0[c] + f.feedback2[0] * b0[c];
            const double y1 = f.causal_x0[1] * x[c] + f.causal_x1[1] * xp[c] +
                              f.feedback1[1] * a1[c] + f.feedback2[1] * b1[c];
            b0[c] = a0[c];
            a0[c] = y0;
            b1[c] = a1[c];
            a1[c] = y1;
            if (store)
                y[c] = static_cast<float>(y0 + y1);
        }
    }
    a0.fill(0), b0.fill(0), a1.fill(0), b1.fill(0);
    for (int r = in.height - 1; r >= bucket.row_begin; --r) {
        const float* x1 = r + 1 < in.height ? in.row(r + 1) + c0 : kZeros.data();
        const float* x2 = r + 2 < in.height ? in.row(r + 2) + c0 : kZeros.data();
        float* y = out.row(r) + c0;
        const bool store = r < bucket.row_end;
        const double w = weight_y[r];
        for (int c = 0; c < n; ++c) {
            const double y0 = f.anti_x1[0] * x1[c] + f.anti_x2[0] * x2[c] + f.feedback1[0] * a0[c] +
                              f.feedback2[0] * b0[c];
            const double y1 = f.anti_x1[1] * x1[c] + f.anti_x2[1] * x2[c] + f.feedback1[1] * a1[c] +
                              f.feedback2[1] * b1[c];
            b0[c] = a0[c];
            a0[c] = y0;
            b1[c] = a1[c];
            a1[c] = y1;
            if (store)
                y[c] = static_cast<float>((y[c] + (y0 + y1)) * w);
        }
    }
}

/// Per-lane coefficients of kLanes rows, so one loop over lanes filters kLanes rows at once.
struct LaneFilters {
    alignas(64) double x0[2][kLanes], x1[2][kLanes], ax1[2][kLanes], ax2[2][kLanes];
    alignas(64) double f1[2][kLanes], f2[2][kLanes];

    LaneFilters(const FastGaussianPlan& plan, int row, int rows) {
        for (int l = 0; l < kLanes; ++l) {
            // Unused lanes get all-zero coefficients and produce zeros that are never stored.
            const RecursiveGaussian f = l < rows ? plan.rows_x[row + l] : zero();
            for (int j = 0; j < 2; ++j) {
                x0[j][l] = f.causal_x0[j], x1[j][l] = f.causal_x1[j];
                ax1[j][l] = f.anti_x1[j], ax2[j][l] = f.anti_x2[j];
                f1[j][l] = f.feedback1[j], f2[j][l] = f.feedback2[j];
            }
        }
    }
    static RecursiveGaussian zero() {
        RecursiveGaussian f;
        f.causal_x0[0] = 0;
        return f;
    }
};

// kLanes rows interleaved in `x` (column-major, kLanes per column, two zero columns after the
// last) are filtered into `acc`: causal sweep left to right, anti-causal right to left.
RISKMAP_WIDE_SIMD void horizontal_lanes(const LaneFilters& k, const float* x, double* acc,
                                        int width) {
    alignas(64) double a0[kLanes]{}, b0[kLanes]{}, a1[kLanes]{}, b1[kLanes]{}, xp[kLanes]{};
    for (int c = 0; c < width; ++c) {
        const float* xc = x + static_cast<std::ptrdiff_t>(c) * kLanes;
        double* out = acc + static_cast<std::ptrdiff_t>(c) * kLanes;
        for (int l = 0; l < kLanes; ++l) {
            const double y0 =
                k.x0[0][l] * xc[l] + k.x1[0][l] * xp[l] + k.f1[0][l] * a0[l] + k.f2[0][l] * b0[l];
            const double y1 =
                k.x0[1][l] * xc[l] + k.x1[1][l] * xp[l] + k.f1[1][l] * a1[l] + k.f2[1][l] * b1[l];
            b0[l] = a0[l], a0[l] = y0, b1[l] = a1[l], a1[l] = y1, xp[l] = xc[l];
            out[l] = y0 + y1;
        }
    }
    std::fill(a0, a0 + kLanes, 0.0), std::fill(b0, b0 + kLanes, 0.0);
    std::fill(a1, a1 + kLanes, 0.0), std::fill(b1, b1 + kLanes, 0.0);
    for (int c = width - 1; c >= 0; --c) {
        const float* x1 = x + static_cast<std::ptrdiff_t>(c + 1) * kLanes;
        const float* x2 = x1 + kLanes;
        double* out = acc + static_cast<std::ptrdiff_t>(c) * kLanes;
        for (int l = 0; l < kLanes; ++l) {
            const double y0 =
                k.ax1[0][l] * x1[l] + k.ax2[0][l] * x2[l] + k.f1[0][l] * a0[l] + k.f2[0][l] * b0[l];
            const double y1 =
                k.ax1[1][l] * x1[l] + k.ax2[1][l] * x2[l] + k.f1[1][l] * a1[l] + k.f2[1][l] * b1[l];
            b0[l] = a0[l], a0[l] = y0, b1[l] = a1[l], a1[l] = y1;
            out[l] += y0 + y1;
        }
    }
}
} // namespace

void gaussian_fast_vertical(LayerView<const float> in, LayerView<float> out,
                            const FastGaussianPlan& plan, int col_begin, int col_end) {
    for (const SigmaBucket& bucket : plan.buckets_y)
        for (int c = col_begin; c < col_end; c += kTile)
            vertical_tile(in, out, bucket, plan.weight_y, c, std::min(kTile, col_end - c));
}

void gaussian_fast_horizontal(LayerView<const float> in, LayerView<float> out,
                              const FastGaussianPlan& plan, int row_begin, int row_end) {
    const int width = in.width;
    // Scratch sized once per call; the sweeps below never allocate.
    std::vector<float> x((static_cast<std::size_t>(width) + 2) * kLanes, 0.0f);
    std::vector<double> acc(static_cast<std::size_t>(width) * kLanes);
    for (int r0 = row_begin; r0 < row_end; r0 += kLanes) {
        const int rows = std::min(kLanes, row_end - r0);
        for (int l = 0; l < kLanes; ++l) {
            const float* src = l < rows ? in.row(r0 + l) : nullptr;
            for (int c = 0; c < width; ++c)
                x[static_cast<std::size_t>(c) * kLanes + l] = src ? src[c] : 0.0f;
        }
        horizontal_lanes(LaneFilters(plan, r0, rows), x.data(), acc.data(), width);
        for (int l = 0; l < rows; ++l) {
            float* dst = out.row(r0 + l);
            for (int c = 0; c < width; ++c)
                dst[c] = static_cast<float>(acc[static_cast<std::size_t>(c) * kLanes + l]);
        }
    }
}

} // namespace riskmap::kernels
