/// \file
/// pixel_posterior(): posterior() to float-map precision, fast enough for every land pixel.
///
/// Poisson: the Gamma quantiles depend on the shape alone, so log q_p(a) is read from a table
/// over log a built once from the full-precision inverse. Binomial: a Cornish-Fisher start on
/// the logit scale, then usually one step of the inverse's Taylor series, each step one forward
/// I_x(a, b) by a continued fraction sharing log B(a, b) and the density's powers; Boost's own
/// functions wherever those are not tested or do not converge. Every value is a pure function
/// of the arguments. Measured (BM_PixelPosterior in benchmarks/bench_kernels.cpp, CPU time,
/// 2 shared cores, Debian 12, GCC 12, Boost 1.74) against Boost with 32-bit policy: Poisson
/// 549 -> 116 ns per pixel, binomial 1775 -> 487 ns; with a diffuse prior (alpha 0.015)
/// 819 -> 146 ns and 1727 -> 621 ns.

#include "kernels/empirical_bayes.hpp"
#include "kernels/gamma_tail.hpp"
#include "kernels/pixel_posterior_detail.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

namespace riskmap::kernels {

namespace {
using pixel_detail::Fast;
using pixel_detail::gamma_interval;
using pixel_detail::kLevels;

// Cumulants 1..4 of log G for G ~ Gamma(a): digamma and polygamma 1..3. Shifted up to a >= 8
// and then the asymptotic series (Abramowitz & Stegun 6.3.18, 6.4.11); only a starting point
// needs them, so a few 1e-9 of error are harmless.
std::array<double, 4> log_gamma_cumulants(double a) {
    std::array<double, 4> k{0, 0, 0, 0};
    while (a < 8) {
        const double inv = 1 / a, inv2 = inv * inv;
        k[0] -= inv;
        k[1] += inv2;
        k[2] -= 2 * inv2 * inv;
        k[3] += 6 * inv2 * inv2;
        a += 1;
    }
    const double i1 = 1 / a, i2 = i1 * i1;
    k[0] += std::log(a) - i1 / 2 - i2 * (1.0 / 12 - i2 * (1.0 / 120 - i2 / 252));
    k[1] += i1 + i2 / 2 + i2 * i1 * (1.0 / 6 - i2 * (1.0 / 30 - i2 / 42));
    k[2] += -i2 - i2 * i1 - i2 * i2 * (1.0 / 2 - i2 * (1.0 / 6 - i2 / 6));
    k[3] += 2 * i2 * i1 + 3 * i2 * i2 + i2 * i2 * i1 * (2 - i2 * (1 - 4 * i2 / 3));
    return k;
}

// Standard normal quantiles of the two levels.
constexpr std::array<double, 2> kNormalZ{-1.959963984540054, 1.959963984540054};

struct LogitCumulants {
    double mean, sd, skew, kurt; // of logit X for X ~ Beta(a, b) = log G_a - log G_b
};

LogitCumulants logit_cumulants(double a, double b) {
    const auto ka = log_gamma_cumulants(a), kb = log_gamma_cumulants(b);
    const double var = ka[1] + kb[1];
    return {ka[0] - kb[0], std::sqrt(var), (ka[2] - kb[2]) / (var * std::sqrt(var)),
            (ka[3] + kb[3]) / (var * var)};
}

// Cornish-Fisher expansion to the fourth cumulant, mapped back from the logit scale.
double beta_start(const LogitCumulants& c, double z) {
    const double z2 = z * z;
    const double w = z + (z2 - 1) * c.skew / 6 + (z2 - 3) * z * c.kurt / 24 -
                     (2 * z2 - 5) * z * c.skew * c.skew / 36;
    return 1 / (1 + std::exp(-(c.mean + c.sd * w)));
}

// The continued fraction of Abramowitz & Stegun 26.5.8, 1 / (1 + d1 / (1 + d2 / ...)), with
// I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) times it; it converges fast below the mean (about 16
// pairs of terms at the map's quantiles). Each d_n = p_n / q_n is applied without dividing:
// the equivalent fraction scaled by q_1 ... q_n has the three-term recurrence
// A_n = q_n A_{n-1} + p_n q_{n-1} A_{n-2} (same for B_n, A_n / B_n unchanged), and
// convergence is tested by cross-multiplying successive convergents. Four fractions (lanes:
// the same point of four neighbouring pixels, whose shapes and so whose term counts are
// alike, or a lone pixel's three points) run in lockstep in one vector, AVX2 where the CPU
// has it and two SSE2 halves otherwise: a map row's binomial posterior costs 332 instead of
// 498 ns per pixel (BM_PixelPosteriorsRow). Every lane does the same IEEE operations (this file is
// built without contraction into FMA), and a lane stops changing once it has converged, so its
// value does not depend on the CPU or on the pixels beside it. NaN for a lane that 64 pairs do not
// bring to 1e-10.
using Vec = double __attribute__((vector_size(32)));
using Mask = long long __attribute__((vector_size(32)));
constexpr std::size_t kLanes = 4;
using Lanes = std::array<double, kLanes>;

// scripts/check_simd_bytes.sh builds each version alone (RISKMAP_SIMD_TARGET) and compares.
// Not under ThreadSanitizer (as gaussian_fast.cpp): its runtime is not up yet when the loader
// runs the versions' resolver (an ifunc), and the binary would crash before main.
#if defined(RISKMAP_SIMD_TARGET)
#define RISKMAP_FRACTION_SIMD __attribute__((target(RISKMAP_SIMD_TARGET)))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                           \
    !defined(__SANITIZE_THREAD__)
#define RISKMAP_FRACTION_SIMD __attribute__((target_clones("avx2", "default")))
#else
#define RISKMAP_FRACTION_SIMD
#endif

RISKMAP_FRACTION_SIMD void beta_fractions(const Lanes& a_in, const Lanes& b_in, const Lanes& x_in,
                                          Lanes& out) {
    const Vec a{a_in[0], a_in[1], a_in[2], a_in[3]}, b{b_in[0], b_in[1], b_in[2], b_in[3]},
        x{x_in[0], x_in[1], x_in[2], x_in[3]};
    const Vec zero{0, 0, 0, 0}, one{1, 1, 1, 1};
    // Convergents so far (A, B) and the ones before (A', B'), after the leading term 1 / 1.
    Vec num_prev = zero, num = one, den_prev = one, den = one;
    Vec last_num = one, last_den = one, q_prev = one;
    Vec done_num = zero + std::numeric_limits<double>::quiet_NaN(), done_den = one;
    Mask done{0, 0, 0, 0};
    for (int m = 0; m < 64; ++m) {
        const double md = m;
        for (int odd = m > 0 ? 0 : 1; odd < 2; ++odd) {
            // d_2m: p = m (b - m) x; d_2m+1: p = -(a + m)(a + b + m) x.
            const Vec p = odd ? -(a + md) * (a + b + md) * x : md * (b - md) * x;
            const Vec q =
                odd ? (a + 2 * md) * (a + (2 * md + 1)) : (a + (2 * md - 1)) * (a + 2 * md);
            const Vec pq = p * q_prev;
            const Vec next_num = q * num + pq * num_prev, next_den = q * den + pq * den_prev;
            num_prev = num, num = next_num, den_prev = den, den = next_den;
            q_prev = q;
        }
        // Rescale lanes about to overflow; the ratios are all that matter (x 1 is exact).
        const Vec scale = ((den < -1e60) | (den > 1e60)) ? zero + 1e-60 : one;
        num_prev *= scale, num *= scale, den_prev *= scale, den *= scale;
        // |A/B - A'/B'| < 1e-10 |A/B|, the scale of (A, B) cancelling on both sides.
        const Vec now = num * last_den, change = now - last_num * den;
        const Mask converged = (change < 0 ? -change : change) < 1e-10 * (now < 0 ? -now : now);
        const Mask first_time = converged & ~done;
        done_num = first_time ? num : done_num;
        done_den = first_time ? den : done_den;
        done |= converged;
        if (done[0] && done[1] && done[2] && done[3])
            break;
        last_num = num, last_den = den;
    }
    const Vec value = done_num / done_den;
    for (std::size_t i = 0; i < kLanes; ++i)
        out[i] = value[i];
}

// I_x(a, b) per lane given front = x^a (1 - x)^b / B(a, b), by the fraction on the side of the
// mean where it converges; Boost's ibeta where it does not. A lane with x = 0 is unused (its
// fraction ends at the first term).
Lanes beta_cdfs(const Lanes& a, const Lanes& b, const Lanes& x, const Lanes& front) {
    Lanes side_a{}, side_b{}, side_x{}, fraction{}, out{};
    std::array<bool, kLanes> lower{};
    for (std::size_t i = 0; i < kLanes; ++i) {
        lower[i] = x[i] <= (a[i] + 1) / (a[i] + b[i] + 2);
        side_a[i] = lower[i] ? a[i] : b[i];
        side_b[i] = lower[i] ? b[i] : a[i];
        side_x[i] = lower[i] ? x[i] : 1 - x[i];
    }
    beta_fractions(side_a, side_b, side_x, fraction);
    for (std::size_t i = 0; i < kLanes; ++i) {
        if (!std::isfinite(fraction[i]))
            out[i] = boost::math::ibeta(a[i], b[i], x[i], Fast());
        else
            out[i] = lower[i] ? front[i] * fraction[i] / a[i] : 1 - front[i] * fraction[i] / b[i];
    }
    return out;
}

double beta_cdf(double a, double b, double x, double front) {
    return beta_cdfs({a, 1, 1, 1}, {b, 1, 1, 1}, {x, 0, 0, 0}, {front, 0, 0, 0})[0];
}

// Above 1e6, log B(a, b) from lgamma loses digits; Boost handles those shapes.
bool fast_beta_shapes(double a, double b) {
    return std::max(a, b) <= 1e6;
}

// The density of Beta(a, b) at x in (0, 1); 0 or not finite where it under- or overflows.
double beta_density(double a, double b, double x, double log_beta) {
    return std::exp((a - 1) * std::log(x) + (b - 1) * std::log1p(-x) - log_beta);
}

bool usable_density(double f) {
    return f > 0 && std::isfinite(f);
}

// Density and distribution function at a quantile's start, when already computed.
struct Probe {
    double f, cdf;
};

// Steps on ibeta(a, b, x) = p from the start x: the inverse's Taylor series to third order in
// u = (p - F) / f (one order beyond Halley), so one forward ibeta per step (the first may be
// given). The remaining error is about u^4 times the density's relative curvature cubed:
// (r^3 u / scale) relative with r = u / (local scale of the density); we stop once that is
// below 1e-9 (the tests measure the result). Other shapes, and 3 steps that do not get there,
// go to Boost's inverse.
double beta_quantile(double a, double b, double p, double x, double log_beta,
                     std::optional<Probe> first) {
    constexpr double kTolerance = 1e-9;
    for (int iteration = 0; iteration < 3 && fast_beta_shapes(a, b) && x > 0 && x < 1;
         ++iteration) {
        Probe at{};
        if (iteration == 0 && first) {
            at = *first;
        } else {
            at.f = beta_density(a, b, x, log_beta);
            if (!usable_density(at.f))
                break;
            at.cdf = beta_cdf(a, b, x, at.f * x * (1 - x));
        }
        const double u = (p - at.cdf) / at.f;
        // In units of the step (v = u f'/f, u^2 f''/f) so that tiny x cannot overflow.
        const double v = u * ((a - 1) / x - (b - 1) / (1 - x));
        const double w = u / x, w1 = u / (1 - x);
        const double u2c2 = v * v - (a - 1) * w * w - (b - 1) * w1 * w1;
        const double scale = std::min(x, 1 - x);
        const double r = std::max(std::abs(v), std::abs(u) / scale);
        if (!(r <= 0.5))
            break;
        x += u * (1 - v / 2 + v * v / 2 - u2c2 / 6);
        if (r * r * r * std::abs(u) < kTolerance * scale)
            return x;
    }
    return boost::math::ibeta_inv(a, b, p, Fast());
}

// Starts for the two levels. Below shape 0.1 (a diffuse prior and no events, or all events)
// the logit scale is too skewed; there the near tail is x^a / (a B(a, b)) (1 + O(b x)), whose
// inverse is accurate where that tail is far below 1e-100 or so. 0 and 1 are exact in double.
std::array<double, 2> beta_starts(double a, double b, double log_beta) {
    const LogitCumulants c = logit_cumulants(a, b);
    std::array<double, 2> x{beta_start(c, kNormalZ[0]), beta_start(c, kNormalZ[1])};
    if (a < 0.1)
        x[0] = std::exp((std::log(kLevels[0]) + std::log(a) + log_beta) / a);
    if (b < 0.1)
        x[1] = 1 - std::exp((std::log1p(-kLevels[1]) + std::log(b) + log_beta) / b);
    return x;
}

// log B(a, b). With a tiny shape, lgamma(b) - lgamma(a + b) cancels to about -a log b and the
// tail quantile's error is this error over a: Boost's Gamma(b) / Gamma(b + a) keeps it exact.
// (Boost's lgamma, not std::lgamma: glibc's writes the global signgam, a data race.)
double log_beta_function(double a, double b) {
    using boost::math::lgamma;
    const double small = std::min(a, b), large = std::max(a, b);
    if (small < 1)
        return lgamma(small, Fast()) +
               std::log(boost::math::tgamma_delta_ratio(large, small, Fast()));
    return lgamma(a, Fast()) + lgamma(b, Fast()) - lgamma(a + b, Fast());
}

// One pixel's Beta(a, b) posterior between the steps that run four pixels at once: the points
// where I_x(a, b) is wanted (lane 0 the target, 1 and 2 the quantile starts; x = 0 where
// there is none) with their fronts and densities.
struct BetaPixel {
    double a = 1, b = 1, log_beta = 0;
    std::array<double, 2> start{};
    std::array<double, 3> at{}, front{}, density{};
    bool fast = false;
};

BetaPixel prepare_beta(double a, double b, double target) {
    BetaPixel p;
    p.a = a, p.b = b;
    p.log_beta = log_beta_function(a, b);
    p.start = beta_starts(a, b, p.log_beta);
    p.fast = fast_beta_shapes(a, b);
    if (!p.fast)
        return p;
    if (target > 0 && target < 1) {
        p.at[0] = target;
        p.front[0] = std::exp(a * std::log(target) + b * std::log1p(-target) - p.log_beta);
    }
    for (std::size_t k = 0; k < 2; ++k) {
        const double x = p.start[k];
        if (!(x > 0 && x < 1))
            continue;
        const double f = beta_density(a, b, x, p.log_beta);
        if (usable_density(f))
            p.at[k + 1] = x, p.front[k + 1] = f * x * (1 - x), p.density[k + 1] = f;
    }
    return p;
}

void finish_beta(const BetaPixel& p, const std::array<double, 3>& cdf, double target,
                 Posterior& out) {
    const double a = p.a, b = p.b;
    if (!p.fast) {
        out.exceed = target <= 0   ? 1.0
                     : target >= 1 ? 0.0
                                   : boost::math::ibetac(a, b, target, Fast());
        out.excess = excess_over(RateModel::Binomial, a, b, target);
        out.lower =
            a < 0.1 && p.start[0] == 0 ? 0.0 : boost::math::ibeta_inv(a, b, kLevels[0], Fast());
        out.upper =
            b < 0.1 && p.start[1] == 1 ? 1.0 : boost::math::ibeta_inv(a, b, kLevels[1], Fast());
        return;
    }
    out.exceed = target <= 0 ? 1.0 : target >= 1 ? 0.0 : 1 - cdf[0];
    // I^c_t(a + 1, b) = I^c_t(a, b) + t^a (1 - t)^b / (a B(a, b)) (Abramowitz & Stegun
    // 26.5.16): the excess from the exceedance and the front already at hand.
    out.excess = target <= 0   ? a / (a + b) - target
                 : target >= 1 ? 0.0
                               : (a / (a + b) - target) * out.exceed + p.front[0] / (a + b);
    std::array<std::optional<Probe>, 2> first;
    for (std::size_t k = 0; k < 2; ++k)
        if (p.at[k + 1] > 0)
            first[k] = Probe{p.density[k + 1], cdf[k + 1]};
    out.lower = a < 0.1 && p.start[0] == 0
                    ? 0.0
                    : beta_quantile(a, b, kLevels[0], p.start[0], p.log_beta, first[0]);
    out.upper = b < 0.1 && p.start[1] == 1
                    ? 1.0
                    : beta_quantile(a, b, kLevels[1], p.start[1], p.log_beta, first[1]);
}

// The posterior Beta(a, b) of a pixel's effective counts.
std::pair<double, double> beta_shapes(const Prior& prior, double y, double n) {
    return {prior.alpha + y, prior.beta + std::max(0.0, n - y)};
}

// Up to four pixels: prepared one by one, then their distribution functions four at a time,
// the target's of every pixel together, then each start's (alike points converge alike); a
// lone pixel runs its three at once.
void beta_posteriors(const double* a, const double* b, std::size_t count, double target,
                     Posterior* out) {
    std::array<BetaPixel, kLanes> pixels;
    std::array<std::pair<std::size_t, std::size_t>, 3 * kLanes> queries; // pixel, point
    std::size_t wanted = 0;
    for (std::size_t j = 0; j < count; ++j)
        pixels[j] = prepare_beta(a[j], b[j], target);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t j = 0; j < count; ++j)
            if (pixels[j].at[k] > 0)
                queries[wanted++] = {j, k};
    std::array<std::array<double, 3>, kLanes> cdf{};
    for (std::size_t q0 = 0; q0 < wanted; q0 += kLanes) {
        Lanes shape_a{1, 1, 1, 1}, shape_b{1, 1, 1, 1}, x{}, front{};
        const std::size_t lanes = std::min(kLanes, wanted - q0);
        for (std::size_t i = 0; i < lanes; ++i) {
            const auto [j, k] = queries[q0 + i];
            shape_a[i] = pixels[j].a, shape_b[i] = pixels[j].b;
            x[i] = pixels[j].at[k], front[i] = pixels[j].front[k];
        }
        const Lanes values = beta_cdfs(shape_a, shape_b, x, front);
        for (std::size_t i = 0; i < lanes; ++i)
            cdf[queries[q0 + i].first][queries[q0 + i].second] = values[i];
    }
    for (std::size_t j = 0; j < count; ++j)
        finish_beta(pixels[j], cdf[j], target, out[j]);
}
} // namespace

void pixel_posteriors(const Prior& prior, std::span<const double> y, std::span<const double> n,
                      double target, std::span<Posterior> out) {
    if (prior.point_mass() || prior.model != RateModel::Binomial) {
        for (std::size_t i = 0; i < y.size(); ++i)
            out[i] = pixel_posterior(prior, y[i], n[i], target);
        return;
    }
    std::array<double, kLanes> a{}, b{};
    for (std::size_t i = 0; i < y.size(); i += kLanes) {
        const std::size_t count = std::min(kLanes, y.size() - i);
        for (std::size_t j = 0; j < count; ++j) {
            out[i + j].mean = eb_estimate(prior, y[i + j], n[i + j]);
            std::tie(a[j], b[j]) = beta_shapes(prior, y[i + j], n[i + j]);
        }
        beta_posteriors(a.data(), b.data(), count, target, &out[i]);
    }
}

Posterior pixel_posterior(const Prior& prior, double y, double n, double target) {
    Posterior out;
    out.mean = eb_estimate(prior, y, n);
    if (prior.point_mass()) {
        out.exceed = prior.mean > target ? 1.0 : 0.0;
        out.lower = out.upper = prior.mean;
        out.excess = std::max(0.0, prior.mean - target);
        return out;
    }
    if (prior.model == RateModel::Poisson) {
        const double shape = prior.alpha + y, rate = prior.beta + n;
        out.exceed = target > 0 ? gamma_upper_tail(shape, rate * target, Fast()) : 1.0;
        // Q(a + 1, x) = Q(a, x) + x^a e^-x / Gamma(a + 1) (Abramowitz & Stegun 6.5.21).
        out.excess =
            target > 0 ? (shape / rate - target) * out.exceed +
                             target * boost::math::gamma_p_derivative(shape, rate * target, Fast())
                       : shape / rate - target;
        gamma_interval(shape, rate, out);
    } else {
        const auto [a, b] = beta_shapes(prior, y, n);
        beta_posteriors(&a, &b, 1, target, &out);
    }
    return out;
}

} // namespace riskmap::kernels
