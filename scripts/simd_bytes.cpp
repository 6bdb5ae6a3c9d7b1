// Driver of scripts/check_simd_bytes.sh: runs the recursive Gaussian's sweeps on a fixed
// random layer with row-varying sigmas (12 vertical buckets, negative values included) and
// prints an FNV-1a hash of the vertical and of the final sums, bit for bit.

#include "kernels/gaussian_fast.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

using namespace riskmap;

namespace {
unsigned long long fnv1a(const Layer<float>& layer) {
    std::uint64_t hash = 1469598103934665603ull;
    for (float v : layer.values()) {
        std::uint32_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        for (int i = 0; i < 4; ++i)
            hash = (hash ^ ((bits >> (8 * i)) & 255u)) * 1099511628211ull;
    }
    return hash;
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
    std::printf("vertical %016llx sums %016llx\n", fnv1a(mid), fnv1a(out));
}
