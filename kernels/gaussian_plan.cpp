#include "kernels/gaussian_fast.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>

namespace riskmap::kernels {

namespace {
// Deriche (1993), INRIA RR-1893, table 1 ("Gaussian", 4th order): h(x) approximates
// exp(-x^2 / 2) to 5.2e-4 of the peak for all x >= 0 (checked on a 1e-3 grid over [0, 12]).
struct DericheTerm {
    double cos_weight, sin_weight, decay, frequency;
};
constexpr std::array<DericheTerm, 2> kDeriche{
    {{1.680, 3.735, 1.783, 0.6318}, {-0.6803, -0.2598, 1.723, 1.997}}};

// Sum of the impulse response, causal (n >= 0) plus anti-causal (n >= 1) parts:
// sum_j Re[w_j / (1 - p_j)] + Re[w_j p_j / (1 - p_j)] = sum_j Re[w_j (1 + p_j) / (1 - p_j)].
double dc_gain(const RecursiveGaussian& f) {
    double gain = 0;
    for (int j = 0; j < 2; ++j) {
        const std::complex<double> p(f.pole_re[j], f.pole_im[j]), w(f.weight_re[j], f.weight_im[j]);
        gain += (w * (1.0 + p) / (1.0 - p)).real();
    }
    return gain;
}
} // namespace

RecursiveGaussian recursive_gaussian(double sigma_px, double gain) {
    RecursiveGaussian f;
    if (!(sigma_px > 0)) {
        f.weight_re[0] = gain;
        return f;
    }
    for (int j = 0; j < 2; ++j) {
        // Each term a cos(wn/s) + b sin(wn/s) times exp(-ln/s) is Re[(a - ib) p^n] with the
        // pole p = exp((-l + iw) / s) (Getreuer 2013, eq. 5.6). The sweeps run in float: the
        // pole is rounded first, so the DC gain below is that of the filter actually run.
        const auto& t = kDeriche[j];
        const std::complex<double> p =
            std::exp(std::complex<double>(-t.decay, t.frequency) / sigma_px);
        f.pole_re[j] = static_cast<float>(p.real());
        f.pole_im[j] = static_cast<float>(p.imag());
        f.weight_re[j] = t.cos_weight;
        f.weight_im[j] = -t.sin_weight;
    }
    const double scale = gain / dc_gain(f);
    for (int j = 0; j < 2; ++j) {
        f.weight_re[j] *= scale;
        f.weight_im[j] *= scale;
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

} // namespace riskmap::kernels
