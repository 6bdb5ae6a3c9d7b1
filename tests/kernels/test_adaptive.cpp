#include "core/grid.hpp"
#include "kernels/adaptive.hpp"
#include "sched/smooth.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace riskmap;

TEST(AdaptiveBandwidth, EachPixelSettlesAtTheSmallestSufficientRung) {
    // A dense centre and an empty rim: the centre reaches the minimum at the small bandwidth,
    // the rim only at larger ones; the far corner never and keeps the largest.
    Grid g;
    g.width = g.height = 41;
    g.geotransform = {0, 100, 0, 0, 0, -100};
    Layer<float> den(41, 41, 0.0f), num(41, 41, 0.0f);
    den(20, 20) = 100;
    num(20, 20) = 10;
    Layer<float> y(41, 41, 0.0f), n(41, 41, 0.0f), used(41, 41, 0.0f);
    const float min_den = 50;
    for (double h : {100.0, 300.0, 1000.0}) {
        const auto params = sched::gaussian_rows_for(g, h);
        const auto y_h = sched::gaussian_sum(num, params);
        const auto n_h = sched::gaussian_sum(den, params);
        kernels::adaptive_step(y_h.view(), n_h.view(), static_cast<float>(h), min_den, y.view(),
                               n.view(), used.view());
    }
    EXPECT_EQ(used(20, 20), 100.0f);
    // One pixel (100 m) away: weight exp(-0.5) * 100 = 61 >= 50 at h = 100.
    EXPECT_EQ(used(20, 21), 100.0f);
    // Two pixels away: exp(-2) * 100 = 13.5 at h = 100, exp(-2/9) * 100 = 80 at h = 300.
    EXPECT_EQ(used(20, 22), 300.0f);
    EXPECT_EQ(used(0, 0), 1000.0f);
    // The settled sums are those of the chosen rung; the rate is the same everywhere.
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (n[i] > 0) {
            ASSERT_NEAR(y[i] / n[i], 0.1, 1e-6);
        }
    }
    EXPECT_NEAR(n(20, 22), 100 * std::exp(-2.0 / 9), 1e-3);
}
