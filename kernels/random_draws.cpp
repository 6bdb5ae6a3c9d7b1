#include "kernels/random_draws.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::kernels {

double Draws::uniform() {
    return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

double Draws::normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

double Draws::gamma(double shape) {
    if (!(shape > 0))
        return 0;
    if (shape < 1) // G(a) = G(a + 1) U^(1/a)
        return gamma(shape + 1) * std::pow(uniform(), 1 / shape);
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
        double x, v;
        do {
            x = normal();
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = uniform();
        if (u < 1 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v)))
            return d * v;
    }
}

double Draws::beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x + y > 0 ? x / (x + y) : 0.5;
}

std::int64_t Draws::poisson(double mean) {
    std::int64_t total = 0;
    // Chunks of at most 30 (exp(-mean) underflows for large means); a while loop, as the
    // analyzer warns of floating-point for-loop counters.
    double left = mean;
    while (left > 0) {
        const double part = std::min(left, 30.0);
        left -= 30;
        const double u = uniform();
        double p = std::exp(-part), cdf = p;
        std::int64_t k = 0;
        while (u > cdf && p > 0) {
            ++k;
            p *= part / static_cast<double>(k);
            cdf += p;
        }
        total += k;
    }
    return total;
}

std::int64_t Draws::binomial(std::int64_t n, double p) {
    if (n <= 0 || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    const bool flip = p > 0.5;
    const double q = flip ? 1 - p : p;
    std::int64_t k = 0;
    if (static_cast<double>(n) * q < 30) {
        // Inversion: P(k + 1) = P(k) (n - k) / (k + 1) q / (1 - q).
        const double u = uniform(), ratio = q / (1 - q);
        double prob = std::pow(1 - q, static_cast<double>(n)), cdf = prob;
        while (u > cdf && k < n && prob > 0) {
            prob *= static_cast<double>(n - k) / static_cast<double>(k + 1) * ratio;
            ++k;
            cdf += prob;
        }
    } else {
        for (std::int64_t i = 0; i < n; ++i)
            k += uniform() < q ? 1 : 0;
    }
    return flip ? n - k : k;
}

} // namespace riskmap::kernels
