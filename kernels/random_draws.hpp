#pragma once
/// \file
/// Seeded random draws that are the same on every machine and in any thread order: each
/// stream is keyed (e.g. by seed, replicate and area), and every sampler is written out here
/// rather than taken from <random>'s distributions, whose output differs between standard
/// libraries. Used by the run's self-check and by posterior draws for rank certainty.

#include <cstdint>

namespace riskmap::kernels {

/// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators").
constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// Key of a stream from up to three integers (seed, replicate, area ...).
constexpr std::uint64_t stream_key(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
    return splitmix64(a ^ splitmix64(b ^ splitmix64(c + 0x5851F42D4C957F2DULL)));
}

class Draws {
public:
    explicit Draws(std::uint64_t key) : key_(key) {}
    /// Uniform on (0, 1): never exactly 0 or 1.
    double uniform();
    double normal();
    /// Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1.
    double gamma(double shape);
    /// Beta(a, b) as G_a / (G_a + G_b).
    double beta(double a, double b);
    /// Poisson(mean): inversion for small means, split into parts of at most 30.
    std::int64_t poisson(double mean);
    /// Binomial(n, p): inversion by the recurrence of the probabilities for n p < 30,
    /// otherwise a sum of Bernoulli draws in chunks; exact in distribution.
    std::int64_t binomial(std::int64_t n, double p);

private:
    std::uint64_t next() { return splitmix64(key_ + 0x9E3779B97F4A7C15ULL * ++counter_); }
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
};

} // namespace riskmap::kernels
