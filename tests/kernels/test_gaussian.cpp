#include "core/grid.hpp"
#include "kernels/gaussian.hpp"
#include "sched/smooth.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace riskmap;

namespace {
Layer<float> random_layer(int w, int h, unsigned seed, double nodata_share) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0, 1);
    Layer<float> l(w, h);
    for (auto& v : l.values())
        v = u(rng) < nodata_share ? 0.0f : 10 * u(rng);
    return l;
}

/// Largest relative difference against the double-precision direct sum.
double max_relative_error(const Layer<float>& in, const kernels::GaussianRows& params) {
    Layer<double> ref(in.width(), in.height());
    kernels::gaussian_reference(in.view(), ref.view(), params);
    // The exact separable passes; the fast recursive kernel has its own tests.
    const Layer<float> fast = sched::gaussian_sum_exact(in, params);
    double worst = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
        worst = std::max(worst, std::abs(fast[i] - ref[i]) / std::max(1e-6, std::abs(ref[i])));
    return worst;
}
} // namespace

TEST(GaussianKernel, SigmaZeroIsIdentity) {
    kernels::GaussianRows p{{0, 0, 0}, {0, 0, 0}, 4.0};
    Layer<float> in(4, 3);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(i);
    const auto out = sched::gaussian_sum(in, p);
    for (std::size_t i = 0; i < in.size(); ++i)
        EXPECT_EQ(out[i], in[i]);
}

TEST(GaussianKernel, TapsArePeakNormalised) {
    const auto taps = kernels::gaussian_taps(2.0, 4.0);
    ASSERT_EQ(taps.size(), 17u);
    EXPECT_FLOAT_EQ(taps[8], 1.0f);
    EXPECT_FLOAT_EQ(taps[10], static_cast<float>(std::exp(-0.5)));
}

TEST(GaussianKernel, SeparablePassesMatchDirectSumOnProjectedGrid) {
    Grid g;
    g.width = 61;
    g.height = 47;
    g.geotransform = {400000, 30, 0, 9230000, 0, -30};
    const auto params = sched::gaussian_rows_for(g, 150.0); // 5 px
    // Tolerance: float accumulation of ~40 x 40 terms, relative 1e-5.
    EXPECT_LT(max_relative_error(random_layer(61, 47, 1, 0.3), params), 1e-5);
}

TEST(GaussianKernel, SeparablePassesMatchDirectSumOnGeographicGrid) {
    Grid g;
    g.width = 50;
    g.height = 60;
    g.geographic = true;
    const double px = 3.0 / 3600.0;
    g.geotransform = {106.0, px, 0, -6.0, 0, -px};
    const auto params = sched::gaussian_rows_for(g, 400.0);
    EXPECT_LT(max_relative_error(random_layer(50, 60, 2, 0.5), params), 1e-5);
}

TEST(GaussianKernel, GeographicKernelFollowsLatitudeRowByRow) {
    Grid g;
    g.width = 10;
    g.height = 2;
    g.geographic = true;
    g.geotransform = {100.0, 0.01, 0, 60.0, 0, -30.0}; // rows centred at 45 and 15 degrees
    const auto params = sched::gaussian_rows_for(g, 5000.0);
    // Pixel width ~ cos(latitude): the northern row has wider kernels in pixels.
    EXPECT_NEAR(params.sigma_x_px[0] / params.sigma_x_px[1],
                std::cos(15 * M_PI / 180) / std::cos(45 * M_PI / 180), 0.01);
}

TEST(GaussianKernel, ResultDoesNotDependOnRowSplit) {
    Grid g;
    g.width = 40;
    g.height = 33;
    g.geotransform = {0, 100, 0, 0, 0, -100};
    const auto params = sched::gaussian_rows_for(g, 300.0);
    const auto in = random_layer(40, 33, 3, 0.2);
    Layer<float> tmp(40, 33), whole(40, 33), pieces_tmp(40, 33), pieces(40, 33);
    kernels::gaussian_vertical(in.view(), tmp.view(), params, 0, 33);
    kernels::gaussian_horizontal(std::as_const(tmp).view(), whole.view(), params, 0, 33);
    for (int r = 0; r < 33; r += 5) {
        kernels::gaussian_vertical(in.view(), pieces_tmp.view(), params, r, std::min(33, r + 5));
    }
    for (int r = 32; r >= 0; --r)
        kernels::gaussian_horizontal(std::as_const(pieces_tmp).view(), pieces.view(), params, r,
                                     r + 1);
    for (std::size_t i = 0; i < in.size(); ++i)
        ASSERT_EQ(whole[i], pieces[i]) << i; // bit-identical
}

TEST(GaussianKernel, RateOfConstantRiskIsConstantUpToTheEdges) {
    // Normalised convolution: with y = 0.2 n everywhere there is data, the smoothed rate is
    // 0.2 everywhere, including at map edges and next to nodata holes.
    Grid g;
    g.width = 30;
    g.height = 30;
    g.geotransform = {0, 100, 0, 0, 0, -100};
    const auto n = random_layer(30, 30, 4, 0.4);
    Layer<float> y(30, 30);
    for (std::size_t i = 0; i < n.size(); ++i)
        y[i] = 0.2f * n[i];
    const auto params = sched::gaussian_rows_for(g, 250.0);
    const auto sy = sched::gaussian_sum(y, params);
    const auto sn = sched::gaussian_sum(n, params);
    for (std::size_t i = 0; i < n.size(); ++i)
        ASSERT_NEAR(sy[i] / sn[i], 0.2, 1e-5);
}
