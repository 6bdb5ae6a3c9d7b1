// Integrated hyperparameters (kernels/hyperprior.hpp) against a slow, obviously correct
// reference: the same posterior integrated on a dense rectangular grid, and the marginal
// likelihoods written with plain lgamma.

#include "kernels/hyperprior.hpp"
#include "kernels/local_rates.hpp"
#include "kernels/random_draws.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace riskmap;
using namespace riskmap::kernels;

namespace {
double nb_log_pmf(double y, double n, double m, double kappa) {
    const double alpha = 1 / (kappa * kappa), beta = alpha / m;
    return std::lgamma(y + alpha) - std::lgamma(alpha) - std::lgamma(y + 1) +
           alpha * std::log(beta / (beta + n)) + y * std::log(n / (beta + n));
}

double bb_log_pmf(double y, double n, double m, double kappa) {
    const double precision = (1 - m) / (m * kappa * kappa) - 1;
    const double a = m * precision, b = (1 - m) * precision;
    const auto lbeta = [](double p, double q) {
        return std::lgamma(p) + std::lgamma(q) - std::lgamma(p + q);
    };
    return std::lgamma(n + 1) - std::lgamma(y + 1) - std::lgamma(n - y + 1) +
           lbeta(y + a, n - y + b) - lbeta(a, b);
}

/// The reference posterior: a 300 x 300 grid over a wide box in (link m, log kappa).
struct DenseReference {
    std::vector<double> m, kappa, weight;
};

DenseReference dense_reference(RateModel model, const std::vector<double>& y,
                               const std::vector<double>& n, const HyperPrior& prior, double u_lo,
                               double u_hi) {
    DenseReference ref;
    const int steps = 300;
    std::vector<double> log_w;
    const double centre = model == RateModel::Poisson
                              ? std::log(prior.mean_centre)
                              : std::log(prior.mean_centre / (1 - prior.mean_centre));
    for (int i = 0; i < steps; ++i) {
        const double u = u_lo + (u_hi - u_lo) * (i + 0.5) / steps;
        const double m = model == RateModel::Poisson ? std::exp(u) : 1 / (1 + std::exp(-u));
        for (int j = 0; j < steps; ++j) {
            const double l = std::log(1e-3) + (std::log(8.0) - std::log(1e-3)) * (j + 0.5) / steps;
            const double kappa = std::exp(l);
            if (model == RateModel::Binomial && kappa * kappa >= (1 - m) / m)
                continue;
            double lp = -0.5 * std::pow((u - centre) / prior.mean_sd, 2) + l -
                        0.5 * std::pow(kappa / prior.kappa_scale, 2);
            for (std::size_t k = 0; k < y.size(); ++k)
                lp += model == RateModel::Poisson ? nb_log_pmf(y[k], n[k], m, kappa)
                                                  : bb_log_pmf(y[k], n[k], m, kappa);
            ref.m.push_back(m);
            ref.kappa.push_back(kappa);
            log_w.push_back(lp);
        }
    }
    const double top = *std::max_element(log_w.begin(), log_w.end());
    double total = 0;
    for (double lw : log_w)
        total += std::exp(lw - top);
    for (double lw : log_w)
        ref.weight.push_back(std::exp(lw - top) / total);
    return ref;
}

/// Reference exceedance and mean for one area from the dense grid.
std::pair<double, double> reference_area(RateModel model, const DenseReference& ref, double y,
                                         double n, double target) {
    double mean = 0, exceed = 0;
    for (std::size_t k = 0; k < ref.m.size(); ++k) {
        if (model == RateModel::Poisson) {
            const double a = 1 / (ref.kappa[k] * ref.kappa[k]) + y;
            const double b = 1 / (ref.kappa[k] * ref.kappa[k] * ref.m[k]) + n;
            mean += ref.weight[k] * a / b;
            exceed += ref.weight[k] * boost::math::gamma_q(a, b * target);
        } else {
            const double p = (1 - ref.m[k]) / (ref.m[k] * ref.kappa[k] * ref.kappa[k]) - 1;
            const double a = ref.m[k] * p + y, b = (1 - ref.m[k]) * p + n - y;
            mean += ref.weight[k] * a / (a + b);
            exceed += ref.weight[k] * boost::math::ibetac(a, b, target);
        }
    }
    return {mean, exceed};
}
} // namespace

TEST(Hyperprior, MarginalLikelihoodsMatchTheTextbookFormulas) {
    const std::vector<double> y{0, 1, 3, 25, 140}, n{40, 90, 300, 800, 700};
    for (double m : {0.001, 0.02, 0.2}) {
        for (double kappa : {0.01, 0.3, 1.0, 2.5}) {
            double nb = 0, bb = 0;
            for (std::size_t i = 0; i < y.size(); ++i) {
                nb += nb_log_pmf(y[i], n[i], m, kappa) + std::lgamma(y[i] + 1) -
                      y[i] * std::log(n[i]);
                if (kappa * kappa < (1 - m) / m)
                    bb += bb_log_pmf(y[i], n[i], m, kappa) - std::lgamma(n[i] + 1) +
                          std::lgamma(y[i] + 1) + std::lgamma(n[i] - y[i] + 1);
            }
            // The kernel drops the terms that do not depend on (m, kappa).
            EXPECT_NEAR(log_marginal_likelihood(RateModel::Poisson, y, n, m, kappa), nb,
                        1e-8 * std::abs(nb) + 1e-8)
                << m << " " << kappa;
            if (kappa * kappa < (1 - m) / m)
                EXPECT_NEAR(log_marginal_likelihood(RateModel::Binomial, y, n, m, kappa), bb,
                            1e-8 * std::abs(bb) + 1e-8)
                    << m << " " << kappa;
            else
                EXPECT_EQ(log_marginal_likelihood(RateModel::Binomial, y, n, m, kappa),
                          -std::numeric_limits<double>::infinity());
        }
    }
}

TEST(Hyperprior, TinyKappaIsThePoissonLimitWithoutCancellation) {
    const std::vector<double> y{2, 30}, n{100, 1000};
    const double m = 0.025;
    double poisson = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        poisson += y[i] * std::log(m) - n[i] * m;
    EXPECT_NEAR(log_marginal_likelihood(RateModel::Poisson, y, n, m, 1e-6), poisson, 1e-6);
}

TEST(Hyperprior, MaternalLikeDistrictMatchesTheDenseGrid) {
    // 40 areas, about a dozen events in all: the case where a plug-in prior fails.
    Draws d(stream_key(7));
    std::vector<double> y, n;
    for (int i = 0; i < 40; ++i) {
        n.push_back(std::round(40 + 200 * d.uniform()));
        y.push_back(static_cast<double>(d.poisson(n.back() * 0.002 * d.gamma(4) / 4)));
    }
    const HyperPrior prior{0.00183, 2.3, 1.0};
    const auto h = integrate_hyperparameters(RateModel::Poisson, y, n, prior);
    const auto ref =
        dense_reference(RateModel::Poisson, y, n, prior, std::log(2e-4), std::log(2e-2));
    for (std::size_t i = 0; i < 8; ++i) {
        const auto [mean, exceed] = reference_area(RateModel::Poisson, ref, y[i], n[i], 0.00183);
        const auto post = mixture_posterior(h, y[i], n[i], 0.00183);
        EXPECT_NEAR(post.mean, mean, 0.01 * mean) << i;
        EXPECT_NEAR(post.exceed, exceed, 0.01) << i;
        EXPECT_GT(post.lower, 0);
        EXPECT_LT(post.lower, post.mean);
        EXPECT_GT(post.upper, post.mean);
    }
}

TEST(Hyperprior, StuntingLikeDistrictMatchesTheDenseGrid) {
    Draws d(stream_key(11));
    std::vector<double> y, n;
    for (int i = 0; i < 60; ++i) {
        n.push_back(std::round(50 + 300 * d.uniform()));
        const double p = std::min(0.9, 0.2 * d.gamma(25) / 25);
        y.push_back(static_cast<double>(d.binomial(static_cast<std::int64_t>(n.back()), p)));
    }
    const HyperPrior prior{0.14, 2.3, 1.0};
    const auto h = integrate_hyperparameters(RateModel::Binomial, y, n, prior);
    const auto ref = dense_reference(RateModel::Binomial, y, n, prior, std::log(0.15 / 0.85),
                                     std::log(0.25 / 0.75));
    EXPECT_NEAR(h.mean_kappa(), 0.2, 0.08);
    for (std::size_t i = 0; i < 8; ++i) {
        const auto [mean, exceed] = reference_area(RateModel::Binomial, ref, y[i], n[i], 0.2);
        const auto post = mixture_posterior(h, y[i], n[i], 0.2);
        EXPECT_NEAR(post.mean, mean, 0.002) << i;
        EXPECT_NEAR(post.exceed, exceed, 0.01) << i;
    }
}

TEST(Hyperprior, QuantilesInvertTheMixtureDistribution) {
    const std::vector<double> y{0, 1, 0, 2, 0, 0, 1, 3}, n{80, 120, 60, 200, 90, 70, 150, 300};
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        const auto h = integrate_hyperparameters(model, y, n, {0.01, 2.3, 1.0});
        for (double p : {0.025, 0.1, 0.5, 0.9, 0.975}) {
            const double q = mixture_quantile(h, 1, 100, p);
            EXPECT_NEAR(mixture_cdf(h, 1, 100, q), p, 1e-9);
        }
    }
}

TEST(Hyperprior, NoEventsAnywhereGiveFiniteIntervalsAndProbabilitiesInsideZeroOne) {
    const std::vector<double> y(30, 0.0), n(30, 150.0);
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        const auto h = integrate_hyperparameters(model, y, n, {0.00183, 2.3, 1.0});
        ASSERT_FALSE(h.points.empty());
        const auto p = mixture_posterior(h, 0, 150, 0.00183);
        EXPECT_GT(p.lower, 0);
        EXPECT_GT(p.upper, p.lower * 1.5);
        EXPECT_TRUE(std::isfinite(p.upper));
        EXPECT_GT(p.exceed, 0);
        EXPECT_LT(p.exceed, 1);
    }
}

TEST(Hyperprior, NoVariationBetweenAreasStillGivesIntervalsOfWidth) {
    // Identical crude rates: the moment estimate of the prior variance is 0 (a point mass in
    // the plug-in method); here kappa keeps posterior mass above 0.
    const std::vector<double> y{2, 4, 6, 2, 4, 6}, n{100, 200, 300, 100, 200, 300};
    for (auto model : {RateModel::Poisson, RateModel::Binomial}) {
        const auto h = integrate_hyperparameters(model, y, n, {0.02, 2.3, 1.0});
        const auto p = mixture_posterior(h, 2, 100, 0.03);
        EXPECT_LT(p.lower, 0.02);
        EXPECT_GT(p.upper, 0.02);
        EXPECT_GT(p.exceed, 0);
        EXPECT_LT(p.exceed, 1);
        EXPECT_GT(h.kappa_probability(0.05, 10), 0.2);
    }
}

TEST(Hyperprior, NoAreasGiveTheHyperprior) {
    const auto h = integrate_hyperparameters(RateModel::Poisson, {}, {}, {0.002, 1.0, 0.5});
    // The hyperprior's mode: m at its centre, kappa at the half-normal's scale (log scale).
    EXPECT_NEAR(h.mode_mean, 0.002, 1e-6);
    EXPECT_NEAR(h.mode_kappa, 0.5, 1e-4);
    EXPECT_EQ(h.areas, 0);
}

TEST(Hyperprior, OnePointMixtureIsTheConjugatePosterior) {
    HyperPosterior h;
    h.model = RateModel::Poisson;
    h.points.push_back({0.002, 0.5, 4, 2000, 1.0});
    Prior prior{RateModel::Poisson, 0.002, 1e-6, 4, 2000};
    const auto mix = mixture_posterior(h, 3, 500, 0.003);
    const auto conj = posterior(prior, 3, 500, 0.003);
    EXPECT_NEAR(mix.mean, conj.mean, 1e-15);
    EXPECT_NEAR(mix.lower, conj.lower, 1e-12 * conj.lower);
    EXPECT_NEAR(mix.upper, conj.upper, 1e-12 * conj.upper);
    EXPECT_NEAR(mix.exceed, conj.exceed, 1e-14);
    EXPECT_NEAR(mix.excess, conj.excess, 1e-12 * conj.mean);
    // Beta too: the excess by the tail recurrence against Boost's two tails.
    h.model = RateModel::Binomial;
    h.points = {hyper_point(RateModel::Binomial, 0.2, 0.3)};
    h.points[0].weight = 1;
    const Prior beta_prior{RateModel::Binomial, 0.2, 0.0036, h.points[0].alpha, h.points[0].beta};
    EXPECT_NEAR(mixture_posterior(h, 30, 120, 0.25).excess,
                posterior(beta_prior, 30, 120, 0.25).excess, 1e-12);
}

TEST(Hyperprior, IntervalsCoverDrawsFromTheModel) {
    // 100 districts of 60 areas with about a dozen events each, rates from a Gamma with
    // kappa = 0.5: the integrated 95 % intervals cover about 95 % of the true rates (a
    // plug-in prior covers about half here).
    double covered = 0, total = 0;
    for (int rep = 0; rep < 100; ++rep) {
        Draws d(stream_key(2024, rep));
        std::vector<double> y, n, truth;
        for (int i = 0; i < 60; ++i) {
            n.push_back(std::round(30 + 100 * d.uniform()));
            truth.push_back(0.002 * d.gamma(4) / 4);
            y.push_back(static_cast<double>(d.poisson(n.back() * truth.back())));
        }
        const auto h = integrate_hyperparameters(RateModel::Poisson, y, n, {0.00183, 2.3, 1.0});
        for (std::size_t i = 0; i < y.size(); ++i) {
            const double u = mixture_cdf(h, y[i], n[i], truth[i]);
            covered += u > 0.025 && u < 0.975;
            total += 1;
        }
    }
    EXPECT_GT(covered / total, 0.92);
    EXPECT_LT(covered / total, 0.985);
}

TEST(Hyperprior, ExcessIsTheIntegralOfTheTailAboveTheTarget) {
    // E[(theta - t)+] = integral over x > t of P(theta > x): midpoint sums against Boost.
    const auto integrate = [](auto survival, double t, double top) {
        double s = 0;
        const int steps = 200000;
        for (int i = 0; i < steps; ++i)
            s += survival(t + (top - t) * (i + 0.5) / steps);
        return s * (top - t) / steps;
    };
    const double a = 3.5, b = 900, t = 0.00183;
    const double gamma =
        integrate([&](double x) { return boost::math::gamma_q(a, b * x); }, t, 0.05);
    EXPECT_NEAR(excess_over(RateModel::Poisson, a, b, t), gamma, 1e-9);
    const double p = 30, q = 120, s = 0.14;
    const double beta = integrate([&](double x) { return boost::math::ibetac(p, q, x); }, s, 1.0);
    EXPECT_NEAR(excess_over(RateModel::Binomial, p, q, s), beta, 1e-9);
    // A mixture's excess is the weighted sum of its components'.
    HyperPosterior h;
    h.model = RateModel::Poisson;
    h.points = {{0.002, 0.5, 4, 2000, 0.25}, {0.003, 0.3, 11, 3700, 0.75}};
    EXPECT_NEAR(mixture_excess(h, 2, 500, t),
                0.25 * excess_over(RateModel::Poisson, 6, 2500, t) +
                    0.75 * excess_over(RateModel::Poisson, 13, 4200, t),
                1e-12 * t);
}

TEST(Hyperprior, DrawsFollowTheMixture) {
    HyperPosterior h;
    h.model = RateModel::Binomial;
    h.points = {hyper_point(RateModel::Binomial, 0.2, 0.3),
                hyper_point(RateModel::Binomial, 0.25, 0.2)};
    h.points[0].weight = 0.4, h.points[1].weight = 0.6;
    Draws d(stream_key(5));
    double inside = 0;
    const double median = mixture_quantile(h, 30, 150, 0.5);
    for (int i = 0; i < 20000; ++i)
        inside += mixture_draw(h, 30, 150, d) < median;
    EXPECT_NEAR(inside / 20000, 0.5, 0.015);
}

TEST(LocalRates, LeaveOneOutKernelWithOnePseudoEvent) {
    // Three areas on a line 1 km apart, bandwidth 1 km; the far one is 100 km away.
    const std::vector<double> x{0, 1000, 2000, 1e5}, y{0, 0, 0, 0};
    const std::vector<double> events{0, 10, 2, 4}, exposure{100, 100, 100, 100};
    const std::vector<char> use{1, 1, 1, 1};
    const auto s = local_relative_rates(x, y, events, exposure, use, 1000);
    const double m = 16.0 / 400, w1 = std::exp(-0.5), w2 = std::exp(-2.0);
    // Area 0 sees area 1 at 1 km and area 2 at 2 km, not itself.
    EXPECT_NEAR(s[0], (w1 * 10 + w2 * 2 + 1) / (m * (w1 + w2) * 100 + 1), 1e-12);
    // The far area has no neighbour: one pseudo-event at the global rate, s = 1.
    EXPECT_DOUBLE_EQ(s[3], 1.0);
}

TEST(Hyperprior, SpatialOffsetsGainWeightWhereNeighboursShareTheirRate) {
    // Rates follow a smooth east-west gradient; each area's offset is its neighbours' rate.
    Draws d(stream_key(31));
    std::vector<double> x, y, n, events, truth;
    for (int i = 0; i < 400; ++i) {
        x.push_back(1000.0 * (i % 20)), y.push_back(1000.0 * (i / 20));
        n.push_back(200);
        truth.push_back(0.002 * std::exp(1.2 * (x.back() / 19000 - 0.5)));
        events.push_back(static_cast<double>(d.poisson(n.back() * truth.back())));
    }
    const std::vector<char> use(400, 1);
    const auto offset = local_relative_rates(x, y, events, n, use, 1500);
    const auto h =
        integrate_hyperparameters(RateModel::Poisson, events, n, {0.00183, 2.3, 1.0}, {}, offset);
    EXPECT_GT(h.spatial_weight(0.5) + h.spatial_weight(1), 0.8);
    // Without the gradient (the same rate everywhere), the exchangeable model keeps weight.
    std::vector<double> flat;
    for (int i = 0; i < 400; ++i)
        flat.push_back(static_cast<double>(d.poisson(200 * 0.002)));
    const auto flat_offset = local_relative_rates(x, y, flat, n, use, 1500);
    const auto g = integrate_hyperparameters(RateModel::Poisson, flat, n, {0.00183, 2.3, 1.0}, {},
                                             flat_offset);
    EXPECT_GT(g.spatial_weight(0), 0.3);
    // Offsets reach the posteriors: a village in a high-rate neighbourhood reads higher.
    EXPECT_GT(mixture_mean(h, 0, 200, 1.5), mixture_mean(h, 0, 200, 0.7));
}

TEST(Hyperprior, OffsetsMoveEachAreasPriorMean) {
    const std::vector<double> y{0, 3, 7}, n{100, 300, 500}, offset{0.5, 1.0, 2.0};
    const double m = 0.01, kappa = 0.4;
    double expected = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        expected += nb_log_pmf(y[i], n[i], m * std::sqrt(offset[i]), kappa) +
                    std::lgamma(y[i] + 1) - y[i] * std::log(n[i]);
    EXPECT_NEAR(log_marginal_likelihood(RateModel::Poisson, y, n, m, kappa, offset, 0.5), expected,
                1e-9 * std::abs(expected));
}
