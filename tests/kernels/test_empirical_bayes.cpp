#include "kernels/empirical_bayes.hpp"
#include "kernels/gamma_tail.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <exception>
#include <random>
#include <vector>

using namespace riskmap;
using kernels::fit_global_prior;
using kernels::posterior;

TEST(GlobalEB, PoissonMatchesHandComputedMarshall) {
    // y = {1, 4, 10}, n = {100, 200, 300}: m = 15/600 = 0.025,
    // s2 = (100*(0.01-0.025)^2 + 200*(0.02-0.025)^2 + 300*(1/30-0.025)^2)/600
    //    = (0.0225 + 0.005 + 0.0208333)/600 = 8.0556e-5; n_bar = 200; a = s2 - m/n_bar
    //    = 8.0556e-5 - 1.25e-4 < 0 -> 0: no extra variation, all EB = m.
    const std::vector<double> y{1, 4, 10}, n{100, 200, 300};
    const auto prior = fit_global_prior(RateModel::Poisson, y, n);
    EXPECT_DOUBLE_EQ(prior.mean, 0.025);
    EXPECT_EQ(prior.variance, 0);
    EXPECT_DOUBLE_EQ(kernels::eb_estimate(prior, 1, 100), 0.025);
}

TEST(GlobalEB, PoissonShrinksSmallAreasMore) {
    // m = 60/3000 = 0.02; s2 = (1000*0.0001 + 1000*0 + 1000*0.0004... computed below.
    const std::vector<double> y{10, 20, 30}, n{1000, 1000, 1000};
    const auto prior = fit_global_prior(RateModel::Poisson, y, n);
    const double m = 0.02;
    const double s2 = (1000 * 1e-4 + 0 + 1000 * 1e-4) / 3000;
    const double a = s2 - m / 1000;
    EXPECT_NEAR(prior.mean, m, 1e-15);
    EXPECT_NEAR(prior.variance, a, 1e-12);
    // EB_i = m + a / (a + m / n_i) (r_i - m) (Marshall 1991)
    EXPECT_NEAR(kernels::eb_estimate(prior, 10, 1000), m + a / (a + m / 1000) * (0.01 - m), 1e-12);
    const double small = kernels::eb_estimate(prior, 1, 10);     // crude 0.1
    const double large = kernels::eb_estimate(prior, 100, 1000); // crude 0.1
    EXPECT_LT(small, large);
}

TEST(GlobalEB, BinomialMatchesMartuzziElliott) {
    const std::vector<double> y{5, 30, 12, 40}, n{50, 100, 60, 120};
    const auto prior = fit_global_prior(RateModel::Binomial, y, n);
    double sy = 0, sn = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        sy += y[i];
        sn += n[i];
    }
    const double m = sy / sn, nbar = sn / 4;
    double s2 = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        s2 += n[i] * std::pow(y[i] / n[i] - m, 2);
    s2 /= sn;
    const double tau2 = (s2 - m * (1 - m) / nbar) / (1 - 1 / nbar);
    ASSERT_GT(tau2, 0);
    EXPECT_NEAR(prior.variance, tau2, 1e-12);
    const double rho = 50 * tau2 / (49 * tau2 + m * (1 - m));
    EXPECT_NEAR(kernels::eb_estimate(prior, 5, 50), m + rho * (0.1 - m), 1e-12);
}

TEST(Posterior, MeanEqualsEbAndIntervalContainsIt) {
    const std::vector<double> y{0, 1, 3, 0, 2, 9}, n{80, 120, 90, 60, 200, 150};
    const auto prior = fit_global_prior(RateModel::Poisson, y, n);
    ASSERT_GT(prior.variance, 0);
    for (std::size_t i = 0; i < y.size(); ++i) {
        const auto p = posterior(prior, y[i], n[i], 0.01);
        EXPECT_NEAR(p.mean, kernels::eb_estimate(prior, y[i], n[i]), 1e-12);
        EXPECT_LT(p.lower, p.mean);
        EXPECT_GT(p.upper, p.mean);
        EXPECT_GE(p.exceed, 0);
        EXPECT_LE(p.exceed, 1);
    }
}

TEST(Posterior, ExceedanceFallsAsTheTargetRises) {
    const std::vector<double> y{5, 30, 12, 40}, n{50, 100, 60, 120};
    const auto prior = fit_global_prior(RateModel::Binomial, y, n);
    double last = 1.0;
    for (double t = 0.05; t < 0.6; t += 0.05) {
        const double e = posterior(prior, 12, 60, t).exceed;
        EXPECT_LE(e, last);
        last = e;
    }
}

TEST(Posterior, NoEventsAnywhereGivesAPointMassAtZero) {
    const std::vector<double> y{0, 0, 0}, n{10, 20, 30};
    const auto prior = fit_global_prior(RateModel::Poisson, y, n);
    EXPECT_TRUE(prior.point_mass());
    const auto p = posterior(prior, 0, 10, 0.001);
    EXPECT_EQ(p.mean, 0);
    EXPECT_EQ(p.exceed, 0);
}

TEST(GlobalEB, HugeDenominatorsLeaveCrudeRatesAlone) {
    const std::vector<double> y{1e6, 3e6, 2e6}, n{1e8, 1e8, 1e8};
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        const auto prior = fit_global_prior(model, y, n);
        for (std::size_t i = 0; i < y.size(); ++i)
            EXPECT_NEAR(kernels::eb_estimate(prior, y[i], n[i]), y[i] / n[i], 1e-6);
    }
}

TEST(GlobalEB, NoExtraVariationGivesTheGlobalRateEverywhere) {
    // Identical crude rates: s2 = 0 < m / n_bar, so a = 0 and every estimate is m.
    const std::vector<double> y{2, 4, 6}, n{100, 200, 300};
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        const auto prior = fit_global_prior(model, y, n);
        EXPECT_TRUE(prior.point_mass());
        for (std::size_t i = 0; i < y.size(); ++i) {
            const auto p = posterior(prior, y[i], n[i], 0.01);
            EXPECT_DOUBLE_EQ(p.mean, 0.02);
            EXPECT_DOUBLE_EQ(p.lower, 0.02);
            EXPECT_DOUBLE_EQ(p.upper, 0.02);
            EXPECT_EQ(p.exceed, 1.0); // 0.02 > 0.01 with certainty under a point mass
        }
    }
}

TEST(GlobalEB, ZeroDenominatorAreaGetsThePriorAndDoesNotShiftIt) {
    const std::vector<double> y{5, 30, 12, 40}, n{50, 100, 60, 120};
    auto y0 = y, n0 = n;
    y0.push_back(0);
    n0.push_back(0);
    const auto prior = fit_global_prior(RateModel::Binomial, y, n);
    const auto with_empty = fit_global_prior(RateModel::Binomial, y0, n0);
    EXPECT_DOUBLE_EQ(prior.mean, with_empty.mean);
    EXPECT_DOUBLE_EQ(prior.variance, with_empty.variance);
    const auto p = posterior(prior, 0, 0, 0.2);
    EXPECT_NEAR(p.mean, prior.mean, 1e-12);
    EXPECT_LT(p.lower, prior.mean);
    EXPECT_GT(p.upper, prior.mean);
}

TEST(Posterior, NinetyFivePercentIntervalsCoverNinetyFivePercentBySimulation) {
    // Areas whose true rates are drawn from a Gamma (Poisson model) or Beta (binomial model),
    // counts drawn given the rates; the fitted EB posterior's 95 % intervals should cover the
    // true rates about 95 % of the time. 4000 areas: binomial sd of the share 0.35 %.
    std::mt19937_64 rng(20251124);
    const int areas = 4000;
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        std::vector<double> truth(areas), y(areas), n(areas);
        std::gamma_distribution<double> ga(4.0, 0.05 / 4.0); // mean 0.05, cv 0.5
        std::uniform_int_distribution<int> size(50, 500);
        for (int i = 0; i < areas; ++i) {
            truth[i] = std::min(ga(rng), 0.9);
            n[i] = size(rng);
            if (model == RateModel::Poisson)
                y[i] = std::poisson_distribution<int>(truth[i] * n[i])(rng);
            else
                y[i] = std::binomial_distribution<int>(static_cast<int>(n[i]), truth[i])(rng);
        }
        const auto prior = fit_global_prior(model, y, n);
        int covered = 0;
        for (int i = 0; i < areas; ++i) {
            const auto p = posterior(prior, y[i], n[i], 0.05);
            covered += p.lower <= truth[i] && truth[i] <= p.upper;
        }
        EXPECT_NEAR(covered / double(areas), 0.95, 0.015)
            << (model == RateModel::Poisson ? "Poisson" : "binomial");
    }
}

TEST(Posterior, PixelPrecisionAgreesWithDoubleToFloatAccuracy) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0, 1);
    for (const RateModel model : {RateModel::Binomial, RateModel::Poisson}) {
        kernels::Prior prior;
        prior.model = model;
        prior.mean = model == RateModel::Binomial ? 0.2 : 0.002;
        prior.variance = model == RateModel::Binomial ? 0.004 : 1e-6;
        prior.alpha = model == RateModel::Binomial ? 7.8 : 4.0;
        prior.beta = model == RateModel::Binomial ? 31.2 : 2000.0;
        for (int i = 0; i < 2000; ++i) {
            const double n = 0.5 + 3000 * u(rng) * u(rng);
            const double y = n * prior.mean * 2 * u(rng);
            const auto full = posterior(prior, y, n, prior.mean * 1.3);
            const auto pixel = kernels::pixel_posterior(prior, y, n, prior.mean * 1.3);
            // Float maps hold 24 bits; 32-bit iterations stay within a few float ulps.
            EXPECT_NEAR(pixel.lower, full.lower, 4e-7 * full.lower) << y << " of " << n;
            EXPECT_NEAR(pixel.upper, full.upper, 4e-7 * full.upper) << y << " of " << n;
            EXPECT_NEAR(pixel.exceed, full.exceed, 1e-7) << y << " of " << n;
            EXPECT_EQ(pixel.mean, full.mean);
        }
    }
}

TEST(Posterior, PoissonExceedanceFarBelowTheMeanIsOneWithoutOverflow) {
    // Boost 1.74's gamma_q(1000, 1e-9) throws from tgamma; the answer is 1 to double precision.
    using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    for (const double shape : {1000.0, 3e4, 1e5})
        EXPECT_EQ(kernels::gamma_upper_tail(shape, 1e-9, Fast()), 1.0) << shape;
    const kernels::Prior prior{RateModel::Poisson, 0.002, 1e-6, 4.0, 2000.0};
    EXPECT_EQ(posterior(prior, 3e4, 5e6, 1e-15).exceed, 1.0);
    EXPECT_EQ(kernels::pixel_posterior(prior, 3e4, 5e6, 1e-15).exceed, 1.0);
    // Where Boost still answers, the shortcut agrees with it, on both sides of its threshold
    // (to Boost's own error: it gives 1 - 2 ulp where the exact answer is 1 - 4e-18).
    int shortcuts = 0;
    for (const double shape : {0.5, 3.0, 40.0, 900.0})
        for (double x = 1e-30; x < shape; x *= 3.7) {
            double boost_q = 0;
            try {
                boost_q = boost::math::gamma_q(shape, x, Fast());
            } catch (const std::exception&) {
                continue; // the overflow the shortcut avoids
            }
            const double bound = shape * std::log(x) - std::lgamma(shape + 1);
            shortcuts += bound < -40;
            EXPECT_NEAR(kernels::gamma_upper_tail(shape, x, Fast()), boost_q, 4e-16)
                << shape << " " << x;
        }
    EXPECT_GT(shortcuts, 10);
}
