// The recursive Gaussian against the exact direct sum. Tolerance (kernels/gaussian_fast.hpp):
// |fast - exact| <= 1e-3 * max|exact| over the layer (measured: at most 3.5e-4). Rates of a
// constant field: both sums go through the same linear filter, so only float rounding is left
// (tolerance 1e-5 relative).

#include "core/grid.hpp"
#include "kernels/gaussian.hpp"
#include "kernels/gaussian_fast.hpp"
#include "sched/smooth.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>

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

Grid projected(int w, int h) {
    Grid g;
    g.width = w;
    g.height = h;
    g.geotransform = {400000, 30, 0, 9230000, 0, -30};
    return g;
}

/// 1/1200 degree (about 93 m) pixels from 11 S northwards, as far north as the grid reaches.
Grid geographic(int w, int h) {
    Grid g;
    g.width = w;
    g.height = h;
    g.geographic = true;
    g.geotransform = {106.0, 1.0 / 1200, 0, -11.0 + h / 1200.0, 0, -1.0 / 1200};
    return g;
}

Layer<float> run_fast(const Layer<float>& in, const kernels::GaussianRows& p, int block) {
    const auto plan = kernels::plan_fast_gaussian(p);
    Layer<float> mid(in.width(), in.height()), out(in.width(), in.height());
    for (int c = 0; c < in.width(); c += block)
        kernels::gaussian_fast_vertical(in.view(), mid.view(), plan, c,
                                        std::min(in.width(), c + block));
    for (int r = 0; r < in.height(); r += block)
        kernels::gaussian_fast_horizontal(std::as_const(mid).view(), out.view(), plan, r,
                                          std::min(in.height(), r + block));
    return out;
}

/// Largest |fast - exact| as a share of max|exact|.
double error_of_max(const Layer<float>& in, const kernels::GaussianRows& p) {
    Layer<double> ref(in.width(), in.height());
    kernels::gaussian_reference(in.view(), ref.view(), p);
    const Layer<float> fast = sched::gaussian_sum_fast(in, p);
    double worst = 0, peak = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        worst = std::max(worst, std::abs(fast[i] - ref[i]));
        peak = std::max(peak, std::abs(ref[i]));
    }
    return worst / peak;
}

/// A constant rate 0.3 on a field with a hole and a no-data band: smoothed rate = 0.25.
double worst_rate_error(const Grid& g, double bandwidth_m) {
    Layer<float> num(g.width, g.height), den(g.width, g.height);
    for (int r = 0; r < g.height; ++r)
        for (int c = 0; c < g.width; ++c) {
            const bool hole = (r - 20) * (r - 20) + (c - 30) * (c - 30) < 64 || c > g.width - 6;
            den(r, c) = hole ? 0.0f : static_cast<float>(1 + (r * 7 + c * 3) % 11);
            num(r, c) = 0.3f * den(r, c);
        }
    const auto p = sched::gaussian_rows_for(g, bandwidth_m);
    const auto y = sched::gaussian_sum_fast(num, p), n = sched::gaussian_sum_fast(den, p);
    double worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        if (n[i] > 1e-3f * 11)
            worst = std::max(worst, std::abs(y[i] / n[i] - 0.3) / 0.3);
    return worst;
}
} // namespace

TEST(GaussianFast, TotalWeightMatchesTaps) {
    for (double s : {0.3, 1.0, 3.7, 40.0}) {
        double sum = 0;
        for (float t : kernels::gaussian_taps(s, 4.0))
            sum += t;
        EXPECT_NEAR(kernels::gaussian_total_weight(s, 4.0), sum, 1e-6 * sum) << "sigma " << s;
    }
}

TEST(GaussianFast, MatchesDirectSumOnProjectedGrid) {
    const auto in = random_layer(97, 83, 3, 0.3);
    for (double s : {1.0, 3.0, 10.0, 40.0}) {
        const auto p = sched::gaussian_rows_for(projected(97, 83), 30.0 * s);
        EXPECT_LT(error_of_max(in, p), 1e-3) << "sigma " << s << " px";
    }
}

TEST(GaussianFast, MatchesDirectSumOnGeographicGrid) {
    const auto in = random_layer(90, 70, 4, 0.3);
    for (double h : {93.0, 280.0, 930.0, 3720.0}) {
        const auto p = sched::gaussian_rows_for(geographic(90, 70), h);
        EXPECT_LT(error_of_max(in, p), 1e-3) << "bandwidth " << h << " m";
    }
}

TEST(GaussianFast, ImpulseResponseIsPeakNormalised) {
    Layer<float> in(41, 41);
    in(20, 20) = 1.0f;
    const auto out = sched::gaussian_sum_fast(in, sched::gaussian_rows_for(projected(41, 41), 150));
    EXPECT_NEAR(out(20, 20), 1.0, 1e-3);
    EXPECT_NEAR(out(20, 25), std::exp(-0.5), 1e-3);
}

TEST(GaussianFast, ConstantRateStaysConstantNearHolesAndEdges) {
    for (double s : {1.0, 3.0, 10.0, 40.0}) {
        EXPECT_LT(worst_rate_error(projected(80, 60), 30.0 * s), 1e-5) << "sigma " << s;
        EXPECT_LT(worst_rate_error(geographic(80, 60), 93.0 * s), 1e-5) << "sigma " << s;
    }
}

TEST(GaussianFast, ResultIndependentOfSplit) {
    const auto in = random_layer(300, 77, 5, 0.2);
    const auto p = sched::gaussian_rows_for(geographic(300, 77), 1500.0);
    const auto one = run_fast(in, p, 1000);
    for (int block : {1, 3, 8, 13}) {
        const auto split = run_fast(in, p, block);
        for (std::size_t i = 0; i < in.size(); ++i)
            ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(split[i]))
                << "block " << block << " pixel " << i;
    }
    const auto threaded = sched::gaussian_sum_fast(in, p);
    for (std::size_t i = 0; i < in.size(); ++i)
        ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(threaded[i]));
}

TEST(GaussianFast, SigmaZeroIsIdentity) {
    kernels::GaussianRows p{{0, 0, 0}, {0, 0, 0}, 4.0};
    Layer<float> in(4, 3);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(i);
    const auto out = sched::gaussian_sum_fast(in, p);
    for (std::size_t i = 0; i < in.size(); ++i)
        EXPECT_EQ(out[i], in[i]);
}

TEST(GaussianFast, TinySigmaApproachesIdentity) {
    kernels::GaussianRows p{{0.05, 0.05, 0.05}, {0.05, 0.05, 0.05}, 4.0};
    Layer<float> in(5, 3);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(i);
    const auto out = sched::gaussian_sum_fast(in, p);
    for (std::size_t i = 0; i < in.size(); ++i)
        EXPECT_NEAR(out[i], in[i], 1e-3 * 14);
}

TEST(GaussianFast, SchedulerKeepsExactKernelBelowOnePixel) {
    EXPECT_FALSE(kernels::fast_gaussian_accurate({{0.5}, {0.5}, 4.0}));
    EXPECT_TRUE(kernels::fast_gaussian_accurate({{2.0}, {2.0}, 4.0}));
    EXPECT_TRUE(
        kernels::fast_gaussian_accurate(sched::gaussian_rows_for(geographic(10, 2000), 5000.0)));
}

TEST(GaussianFast, ManyLatitudeBucketsStayAccurate) {
    // 0.25 degree pixels from 60 S to 45 S: sigma_y changes by 0.3 % over the grid, which the
    // vertical pass covers with several sigma buckets.
    Grid g;
    g.width = 50;
    g.height = 60;
    g.geographic = true;
    g.geotransform = {100.0, 0.25, 0, -45.0, 0, -0.25};
    const auto p = sched::gaussian_rows_for(g, 150000.0);
    EXPECT_GT(kernels::plan_fast_gaussian(p).buckets_y.size(), 1u);
    EXPECT_LT(error_of_max(random_layer(50, 60, 6, 0.3), p), 1e-3);
}

TEST(GaussianFast, LargeSigmaStaysAccurate) {
    // The sweeps run in float; poles near 1 are where single precision could lose accuracy
    // (kernels/gaussian_fast.hpp, DESIGN). Rows 4.5 sigma long, so the far tail and both
    // edges are in the comparison; 20 rows keep the direct 2-D reference quick.
    for (const auto& [sigma, width] : {std::pair{67.0, 300}, std::pair{200.0, 900}}) {
        const auto p = sched::gaussian_rows_for(projected(width, 20), 30.0 * sigma);
        EXPECT_LT(error_of_max(random_layer(width, 20, 7, 0.3), p), 1e-3)
            << "sigma " << sigma << " px";
    }
}

TEST(GaussianFast, ConstantFieldSumIsTotalWeightAtLargeSigma) {
    // Away from the edges (beyond 4 sigma) a constant field's sum is the square of the exact
    // total weight: the DC gain is matched to the float-rounded poles.
    const double sigma = 200;
    const int size = 2 * 4 * 200 + 21;
    Layer<float> in(size, 21, 1.0f);
    kernels::GaussianRows p;
    p.sigma_x_px.assign(21, sigma);
    p.sigma_y_px.assign(21, 0.0);
    const auto out = sched::gaussian_sum_fast(in, p);
    const double w = kernels::gaussian_total_weight(sigma, 4.0);
    EXPECT_NEAR(out(10, size / 2), w, 2e-4 * w);
}
