// Gaussian sums tile by tile (sched/tiled_smooth.hpp): the same bytes for every tile size, and
// the whole-grid sums up to the kernel mass beyond the halo (4 sigma: 6.3e-5 of the total;
// tolerance 2e-4 of the layer maximum). The exact kernel (below 4 px) is local, so its tiles
// give the whole-grid bytes.

#include "core/grid.hpp"
#include "sched/smooth.hpp"
#include "sched/tiled_smooth.hpp"
#include "sched/tiles.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace riskmap;

namespace {
Layer<float> random_layer(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0, 1);
    Layer<float> l(w, h);
    for (auto& v : l.values())
        v = u(rng) < 0.3f ? 0.0f : 10 * u(rng);
    return l;
}

Grid grid_of(int w, int h, bool geographic) {
    Grid g;
    g.width = w;
    g.height = h;
    g.geographic = geographic;
    g.geotransform = geographic ? std::array<double, 6>{106.0, 1.0 / 1200, 0, -5.0, 0, -1.0 / 1200}
                                : std::array<double, 6>{400000, 30, 0, 9230000, 0, -30};
    return g;
}

/// Runs the tiled sums over every tile of the layout, as the pipeline does.
Layer<float> tiled(const Layer<float>& in, const kernels::GaussianRows& p, int tile_size) {
    const sched::TiledGaussian gauss(p, in.width());
    const sched::TileLayout layout(in.width(), in.height(), tile_size);
    Layer<float> out(in.width(), in.height());
    for (std::size_t i = 0; i < layout.count(); ++i) {
        const Rect& core = layout.tile(i);
        const Rect w = sched::grow_clipped(core, gauss.halo(), in.width(), in.height());
        const LayerView<const float> window{in.data() + std::ptrdiff_t(w.y0) * in.width() + w.x0,
                                            w.width, w.height, in.width()};
        const Layer<float> part = gauss.sum(window, w, core, true);
        for (int r = 0; r < core.height; ++r)
            std::memcpy(&out(core.y0 + r, core.x0), &part(r, 0), sizeof(float) * core.width);
    }
    return out;
}

double worst_share(const Layer<float>& a, const Layer<float>& b) {
    double worst = 0, peak = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
        peak = std::max(peak, double(std::abs(b[i])));
    }
    return worst / peak;
}

void expect_same_bytes(const Layer<float>& a, const Layer<float>& b, const std::string& what) {
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(float) * a.size()), 0) << what;
}
} // namespace

TEST(TiledGaussian, RecursiveKernelIsTheSameForEveryTileSize) {
    for (const bool geographic : {false, true}) {
        const Grid g = grid_of(1300, 1100, geographic);
        const auto p = sched::gaussian_rows_for(g, geographic ? 1500.0 : 600.0);
        ASSERT_TRUE(sched::prefers_fast_gaussian(p));
        const auto in = random_layer(g.width, g.height, 7);
        const auto one = tiled(in, p, 512);
        for (int tile : {1024, 1536})
            expect_same_bytes(tiled(in, p, tile), one, "tile " + std::to_string(tile));
        EXPECT_LT(worst_share(one, sched::gaussian_sum_fast(in, p)), 2e-4)
            << "geographic " << geographic;
    }
}

TEST(TiledGaussian, ExactKernelTilesGiveTheWholeGridBytes) {
    const Grid g = grid_of(1100, 700, false);
    const auto p = sched::gaussian_rows_for(g, 90.0); // 3 px: the exact kernel
    ASSERT_FALSE(sched::prefers_fast_gaussian(p));
    const auto in = random_layer(g.width, g.height, 11);
    const auto whole = sched::gaussian_sum_exact(in, p);
    for (int tile : {512, 1024})
        expect_same_bytes(tiled(in, p, tile), whole, "tile " + std::to_string(tile));
}

TEST(TiledGaussian, TilesAreWholeBlocksCoveringTheGrid) {
    const sched::TileLayout layout(1300, 700, 600);
    EXPECT_EQ(layout.tile_size(), 1024);
    ASSERT_EQ(layout.count(), 2u);
    EXPECT_EQ(layout.tile(1).x0, 1024);
    EXPECT_EQ(layout.tile(1).width, 276);
    EXPECT_EQ(layout.tile(1).height, 700);
}
