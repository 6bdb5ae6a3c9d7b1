// Driver of scripts/check_simd_bytes.sh: runs the recursive Gaussian's sweeps on a fixed
// random layer with row-varying sigmas (12 vertical buckets, negative values included) and
// the binomial pixel posteriors of a row of random counts, and prints FNV-1a hashes of the
// vertical and final sums and of the posteriors, bit for bit.

#include "kernels/empirical_bayes.hpp"
#include "kernels/gaussian_fast.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

using namespace riskmap;

namespace {
unsigned long long fnv1a(const void* data, std::size_t bytes) {
    std::uint64_t hash = 1469598103934665603ull;
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i)
        hash = (hash ^ p[i]) * 1099511628211ull;
    return hash;
}

unsigned long long fnv1a(const Layer<float>& layer) {
    return fnv1a(layer.data(), layer.size() * sizeof(float));
}

/// Binomial posteriors of 4099 pixels, counts from 0.5 to 1e5 (four per vector, one left).
unsigned long long posterior_hash() {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(0, 1);
    kernels::Prior prior;
    prior.model = RateModel::Binomial;
    prior.mean = 0.2;
    prior.variance = 0.004;
    prior.alpha = 7.8;
    prior.beta = 31.2;
    std::vector<double> y(4099), n(4099);
    for (std::size_t i = 0; i < y.size(); ++i) {
        n[i] = 0.5 * std::pow(2e5, u(rng));
        y[i] = n[i] * u(rng) * u(rng);
    }
    std::vector<kernels::Posterior> out(y.size());
    kernels::pixel_posteriors(prior, y, n, 0.14, out);
    return fnv1a(out.data(), out.size() * sizeof(kernels::Posterior));
}
} // namespace

int main() {
    const int w = 517, h = 389; // neither a multiple of 16 nor of 32: padded strips and blocks
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1, 10);
    Layer<float> in(w, h), mid(w, h), out(w, h);
    for (auto& v : in.values())
        v = u(rng);
    kernels::GaussianRows p;
    for (int r = 0; r < h; ++r) {
        p.sigma_x_px.push_back(20.0 + 0.05 * r);
        p.sigma_y_px.push_back(67.0 * (1 + 3e-5 * r));
    }
    const auto plan = kernels::plan_fast_gaussian(p);
    kernels::gaussian_fast_vertical(in.view(), mid.view(), plan, 0, w);
    kernels::gaussian_fast_horizontal(mid.view(), out.view(), plan, 0, h, true);
    std::printf("vertical %016llx sums %016llx posteriors %016llx\n", fnv1a(mid), fnv1a(out),
                posterior_hash());
}
