// Pixel predictive variance (kernels/pixel_uncertainty.hpp) and P(increase)
// (kernels/change_probability.hpp) against hand computations and simulation.

#include "kernels/change_probability.hpp"
#include "kernels/pixel_uncertainty.hpp"
#include "kernels/random_draws.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace riskmap;
using namespace riskmap::kernels;

namespace {
PixelUncertainty poisson_setup() {
    PixelUncertainty u;
    u.prior = {RateModel::Poisson, 0.002, 0.002 * 0.002 * 0.25, 4, 2000};
    u.global_cv2 = 0.25;
    u.subvillage_cv2 = 0.01;
    u.subvillage_share2 = 0.25;
    u.local_prior_areas = 10;
    return u;
}
} // namespace

TEST(PixelUncertainty, KishExposureIsTheSquaredSumOverTheSumOfSquares) {
    // Two villages under the kernel: weights 1 and 0.5, exposures 100 and 200.
    const PixelSums s{0, 1 * 100 + 0.5 * 200, 1 * 100 + 0.25 * 200, 0, 0};
    EXPECT_DOUBLE_EQ(kish_exposure(s), 200.0 * 200.0 / 150.0);
}

TEST(PixelUncertainty, EffectiveExposureAddsTheDeviationToTheSamplingVariance) {
    const PixelUncertainty u = poisson_setup();
    // Lots of data: the local mean is pinned, the deviation variance remains.
    const PixelSums s{20, 1e4, 1e4 / 2, 0, 0}; // rate 0.002 under the kernel
    const Effective e = effective_counts(s, u);
    const double kish = 2e4;
    const double rate = s.events / s.exposure;
    const double theta = (4 + rate * kish) / (2000 + kish);
    const double deviation = 1.25 * local_between_variance(s, u, theta) + 0.01 * theta * theta;
    EXPECT_NEAR(e.exposure, 1 / (1 / kish + deviation / theta), 1e-9 * e.exposure);
    EXPECT_NEAR(e.events / e.exposure, rate, 1e-15);
    EXPECT_LT(e.exposure, kish); // never more certain than sampling alone
}

TEST(PixelUncertainty, NoDataLeaveThePrior) {
    const Effective e = effective_counts({0, 0, 0, 0, 0}, poisson_setup());
    EXPECT_EQ(e.exposure, 0);
    EXPECT_EQ(e.events, 0);
}

TEST(PixelUncertainty, NoisyLocalVarianceLeansOnTheGlobalOne) {
    PixelUncertainty u = poisson_setup();
    // 20 villages of 100 births each saw ~0.2 deaths: crude rates 0 or 0.01 spread only as
    // sampling makes them (E r^2 = theta^2 + theta / n), and the local estimate must barely
    // move the global kappa^2 theta^2.
    const double theta = 0.002;
    const PixelSums noisy{0.2 * 20, 100 * 20, 100 * 20 / 2.0,
                          100 * 20 * (theta * theta + theta / 100), 20};
    const double global = u.global_cv2 * theta * theta;
    EXPECT_NEAR(local_between_variance(noisy, u, theta), global, 0.05 * global);
    // Stunting-like: 200 children a village, a real spread of 0.06 around 0.2 over 40 villages.
    PixelUncertainty b;
    b.prior = {RateModel::Binomial, 0.2, 0.0016, 19.8, 79.2};
    b.global_cv2 = 0.01; // global sd 0.02
    const double n = 200, villages = 40, rate = 0.2, spread = 0.06 * 0.06;
    const double sampling = rate * (1 - rate) / n;
    const PixelSums rich{rate * n * villages, n * villages, n * villages / 2,
                         n * villages * (rate * rate + spread + sampling), villages};
    const double local = local_between_variance(rich, b, rate);
    EXPECT_GT(local, 0.6 * spread); // mostly the local spread
    EXPECT_LT(local, spread);
}

TEST(ChangeProbability, PoissonIsTheConditionalBetaTail) {
    // 3 deaths in 100 births now, 1 in 100 before: P = I_{1/2}^c(3.5, 1.5).
    const double p = increase_probability(RateModel::Poisson, 3, 100, 1, 100);
    EXPECT_GT(p, 0.8);
    EXPECT_LT(p, 0.95);
    EXPECT_NEAR(increase_probability(RateModel::Poisson, 2, 100, 2, 100), 0.5, 1e-12);
    EXPECT_TRUE(std::isnan(increase_probability(RateModel::Poisson, 1, 0, 1, 100)));
}

TEST(ChangeProbability, NoChangeGivesAboutFivePercentAboveNinetyFive) {
    // Villages drawn twice from the same rates: the share above 0.95 is about 5 %.
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        double above = 0, below = 0, total = 0;
        Draws d(stream_key(99, model == RateModel::Poisson));
        for (int i = 0; i < 20000; ++i) {
            const double n = std::round(50 + 300 * d.uniform());
            const double rate = model == RateModel::Poisson ? 0.01 * d.gamma(4) / 4 : 0.2;
            const auto draw = [&] {
                return static_cast<double>(model == RateModel::Poisson
                                               ? d.poisson(n * rate)
                                               : d.binomial(static_cast<std::int64_t>(n), rate));
            };
            const double y1 = draw(), y0 = draw();
            const double p = increase_probability(model, y1, n, y0, n);
            above += p > 0.95;
            below += p < 0.05;
            total += 1;
        }
        EXPECT_GT(above / total, 0.02) << int(model);
        EXPECT_LT(above / total, 0.07) << int(model);
        EXPECT_GT(below / total, 0.02) << int(model);
        EXPECT_LT(below / total, 0.07) << int(model);
    }
}

TEST(ChangeProbability, APlantedDoublingIsFound) {
    EXPECT_GT(increase_probability(RateModel::Poisson, 40, 1000, 20, 1000), 0.99);
    EXPECT_GT(increase_probability(RateModel::Binomial, 80, 200, 40, 200), 0.99);
    EXPECT_LT(increase_probability(RateModel::Binomial, 40, 200, 80, 200), 0.01);
}

TEST(ChangeProbability, SharedDataNarrowTheDifference) {
    // A rolling year moved by one quarter shares 3/4 of its data: the same difference of
    // rates is four times as telling.
    const double alone = increase_probability_approx(RateModel::Poisson, 24, 1e4, 20, 1e4, 0);
    const double shared = increase_probability_approx(RateModel::Poisson, 24, 1e4, 20, 1e4, 0.75);
    EXPECT_GT(shared, alone);
    EXPECT_NEAR(increase_probability_approx(RateModel::Binomial, 20, 100, 20, 100, 0.5), 0.5,
                1e-12);
}
