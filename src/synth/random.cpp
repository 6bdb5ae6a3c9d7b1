#include "synth/internal.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace riskmap::synth::detail {

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;

// SplitMix64 (Steele, Lea & Flood 2014): a good 64-bit mixer for counter-based noise.
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

double unit_of(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

double box_muller(double u1, double u2) {
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

// Inversion by sequential search: exact and fast for the small means used here; larger
// means are split so exp(-mean) never underflows.
std::int64_t poisson_small(Rng& rng, double mean) {
    const double u = rng.uniform();
    double p = std::exp(-mean);
    double cdf = p;
    std::int64_t k = 0;
    while (u > cdf && k < 100000) {
        ++k;
        p *= mean / static_cast<double>(k);
        cdf += p;
        if (p == 0)
            break;
    }
    return k;
}
} // namespace

double Rng::uniform() {
    return unit_of(engine_());
}

int Rng::index(int n) {
    return std::min(n - 1, static_cast<int>(uniform() * static_cast<double>(n)));
}

double Rng::normal() {
    const double u1 = uniform();
    return box_muller(u1, uniform());
}

std::int64_t Rng::poisson(double mean) {
    std::int64_t total = 0;
    double left = mean; // chunks of at most 50: exp(-mean) underflows for large means
    while (left > 0) {
        total += poisson_small(*this, std::min(left, 50.0));
        left -= 50;
    }
    return total;
}

std::int64_t Rng::binomial(std::int64_t n, double p) {
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < n; ++i)
        k += uniform() < p ? 1 : 0;
    return k;
}

double hashed_normal(std::uint64_t key, std::uint64_t index) {
    const std::uint64_t a = splitmix(key ^ splitmix(2 * index));
    const std::uint64_t b = splitmix(key ^ splitmix(2 * index + 1));
    return box_muller(unit_of(a), unit_of(b));
}

double Bump::at(double px, double py) const {
    const double dx = px - x, dy = py - y;
    return amp * std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
}

double Wave::at(double px, double py) const {
    return amp * std::sin(kx * px + ky * py + phase);
}

double SmoothField::at(double x, double y) const {
    double v = 0;
    for (const auto& b : bumps)
        v += b.at(x, y);
    for (const auto& w : waves)
        v += w.at(x, y);
    return v;
}

SmoothField random_field(Rng& rng, const Extent& extent, int bumps, int waves, double scale) {
    SmoothField f;
    double total = 0;
    for (int i = 0; i < bumps; ++i) {
        Bump b;
        b.x = rng.uniform(extent.xmin - scale, extent.xmax + scale);
        b.y = rng.uniform(extent.ymin - scale, extent.ymax + scale);
        b.sigma = scale * rng.uniform(0.6, 1.4);
        b.amp = rng.uniform(0.4, 1.0) * (rng.uniform() < 0.5 ? -1 : 1);
        total += std::abs(b.amp);
        f.bumps.push_back(b);
    }
    for (int i = 0; i < waves; ++i) {
        const double angle = rng.uniform(0, std::numbers::pi);
        const double k = 1 / (scale * rng.uniform(1.25, 2.5));
        const Wave w{k * std::cos(angle), k * std::sin(angle), rng.uniform(0, kTwoPi),
                     rng.uniform(0.4, 1.0)};
        total += w.amp;
        f.waves.push_back(w);
    }
    // Scaled so |field| <= 1 everywhere, whatever the number of terms.
    for (auto& b : f.bumps)
        b.amp /= total;
    for (auto& w : f.waves)
        w.amp /= total;
    return f;
}

} // namespace riskmap::synth::detail
