#include "kernels/empirical_bayes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

using namespace riskmap;
using kernels::Posterior;
using kernels::Prior;

namespace {
struct Case {
    Prior prior;
    double y, n, target;
};

// log-uniform between lo and hi
double log_uniform(std::mt19937_64& rng, double lo, double hi) {
    std::uniform_real_distribution<double> u(std::log(lo), std::log(hi));
    return std::exp(u(rng));
}

// Priors from very diffuse (alpha 1e-3) to very tight (1e4), n from 0.5 to 2e5, and a tenth of
// the cases each with y = 0 and (binomial) y = n, so shapes run from 1e-3 to about 2e5.
Case random_case(std::mt19937_64& rng, RateModel model) {
    std::uniform_real_distribution<double> u(0, 1);
    Case c;
    c.prior.model = model;
    c.prior.mean = 0.1; // only point_mass() reads mean and variance
    c.prior.variance = 0.01;
    c.prior.alpha = log_uniform(rng, 1e-3, 1e4);
    c.prior.beta = log_uniform(rng, 1e-3, 1e4);
    c.n = log_uniform(rng, 0.5, 2e5);
    const double pick = u(rng);
    c.y = pick < 0.1 ? 0 : pick < 0.2 ? c.n : c.n * std::pow(u(rng), 3);
    c.target = model == RateModel::Poisson ? log_uniform(rng, 1e-6, 10) : u(rng);
    return c;
}

// The contract of pixel_posterior (README "Pixel uncertainty"): interval ends within 4e-7
// relative of posterior(), exceedance within 1e-7, mean identical. Values below 1e-300 (both
// underflow to 0 in any float map) are compared absolutely.
void expect_within_contract(const Case& c) {
    const Posterior full = kernels::posterior(c.prior, c.y, c.n, c.target);
    const Posterior pixel = kernels::pixel_posterior(c.prior, c.y, c.n, c.target);
    const auto where = [&] {
        return testing::Message() << "alpha " << c.prior.alpha << " beta " << c.prior.beta << " y "
                                  << c.y << " n " << c.n << " target " << c.target;
    };
    EXPECT_NEAR(pixel.lower, full.lower, 4e-7 * full.lower + 1e-300) << where();
    EXPECT_NEAR(pixel.upper, full.upper, 4e-7 * full.upper + 1e-300) << where();
    EXPECT_NEAR(pixel.exceed, full.exceed, 1e-7) << where();
    EXPECT_EQ(pixel.mean, full.mean) << where();
    // Expected rate above the target, by the tail recurrences instead of a second tail: within
    // 1e-6 of the scale of the rates (the larger of the mean and the target), absolutely.
    EXPECT_NEAR(pixel.excess, full.excess, 1e-6 * std::max(full.mean, c.target) + 1e-300)
        << where();
}
} // namespace

TEST(PixelPosterior, AgreesWithFullPrecisionOverTheWholeDomain) {
    std::mt19937_64 rng(20261124);
    for (const RateModel model : {RateModel::Poisson, RateModel::Binomial})
        for (int i = 0; i < 20000; ++i)
            expect_within_contract(random_case(rng, model));
}

TEST(PixelPosterior, AgreesAtTheEdgesOfTheShapeTable) {
    // Shapes just inside and outside the Gamma table (1e-4 .. 1e8), a diffuse maternal prior
    // (alpha 0.015) with no events, and Beta shapes below 0.1 (their own starting point).
    for (const double alpha : {5e-5, 1e-4, 1.0001e-4, 0.015, 0.5, 1.0, 9.9e7, 1e8, 2e8, 1e9}) {
        for (const RateModel model : {RateModel::Poisson, RateModel::Binomial}) {
            Case c{{model, 0.1, 0.01, alpha, 50.0}, 0, 10, 0.05};
            expect_within_contract(c);
            c.y = c.n; // all events
            expect_within_contract(c);
            c.prior.alpha = 50; // the mirror image: tiny b, the upper quantile next to 1
            c.prior.beta = alpha;
            expect_within_contract(c);
        }
    }
}

TEST(PixelPosterior, TailTargetsAndExtremeSkew) {
    // Targets far in either tail of the posterior, and very unequal Beta shapes.
    for (const double target : {1e-9, 1e-4, 0.5, 0.9999}) {
        for (const double alpha : {0.002, 0.3, 30.0, 3e4}) {
            for (const double beta : {0.002, 2.0, 2e3, 2e6}) {
                for (const RateModel model : {RateModel::Poisson, RateModel::Binomial}) {
                    expect_within_contract({{model, 0.1, 0.01, alpha, beta}, 1, 1, target});
                    expect_within_contract({{model, 0.1, 0.01, alpha, beta}, 0.5, 7000, target});
                }
            }
        }
    }
}

TEST(PixelPosterior, HugeShapesWithTargetsNearTheMean) {
    // Where the continued fraction converges slowest (x near the mean of a tight Beta), and
    // shapes beyond 1e6 where pixel_posterior hands over to Boost.
    for (const double alpha : {1e3, 1e5, 9e5, 2e6}) {
        for (const double beta : {1e3, 1e5, 9e5, 2e6}) {
            const double mean = alpha / (alpha + beta);
            const double sd = std::sqrt(mean * (1 - mean) / (alpha + beta));
            for (const double k : {-3.0, -0.5, 0.0, 0.5, 3.0}) {
                const double target = mean + k * sd;
                for (const RateModel model : {RateModel::Poisson, RateModel::Binomial})
                    expect_within_contract({{model, 0.1, 0.01, alpha, beta}, 0, 0.5, target});
            }
        }
    }
}

TEST(PixelPosterior, SameBytesWhateverTheThreadOrOrder) {
    // The Gamma table is built by whichever thread comes first; the answers must not notice.
    std::mt19937_64 rng(5);
    std::vector<Case> cases;
    for (int i = 0; i < 2000; ++i)
        cases.push_back(random_case(rng, i % 2 ? RateModel::Poisson : RateModel::Binomial));
    auto run = [&](bool reversed, std::vector<Posterior>& out) {
        out.resize(cases.size());
        for (std::size_t k = 0; k < cases.size(); ++k) {
            const std::size_t i = reversed ? cases.size() - 1 - k : k;
            out[i] =
                kernels::pixel_posterior(cases[i].prior, cases[i].y, cases[i].n, cases[i].target);
        }
    };
    std::vector<Posterior> a, b, c;
    std::thread first([&] { run(true, a); });
    std::thread second([&] { run(false, b); });
    first.join();
    second.join();
    run(false, c);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(std::memcmp(&a[i], &b[i], sizeof(Posterior)), 0) << i;
        EXPECT_EQ(std::memcmp(&a[i], &c[i], sizeof(Posterior)), 0) << i;
    }
}

TEST(PixelPosterior, RowsGiveEachPixelsOwnValueWhateverItsNeighbours) {
    // pixel_posteriors() runs four pixels' continued fractions in one vector: each pixel must
    // get exactly what it gets alone, whatever shares its vector (edges, tails, huge shapes,
    // y = 0 and y = n, targets 0 and 1 included) and wherever the row starts.
    std::mt19937_64 rng(11);
    for (const RateModel model : {RateModel::Binomial, RateModel::Poisson}) {
        Prior prior;
        prior.model = model;
        prior.mean = 0.1;
        prior.variance = 0.01;
        prior.alpha = model == RateModel::Binomial ? 3.5 : 2;
        prior.beta = model == RateModel::Binomial ? 30 : 20;
        std::vector<double> y, n;
        std::uniform_real_distribution<double> u(0, 1);
        for (int i = 0; i < 3001; ++i) {
            const double size = i % 97 == 0 ? 3e6 : log_uniform(rng, 0.5, 2e5);
            const double pick = u(rng);
            n.push_back(size);
            y.push_back(pick < 0.1 ? 0 : pick < 0.2 ? size : size * std::pow(u(rng), 3));
        }
        for (const double target : {0.0, 0.07, 0.5, 1.0}) {
            for (const std::size_t skip : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
                const std::span<const double> ys(y.data() + skip, y.size() - skip);
                const std::span<const double> ns(n.data() + skip, n.size() - skip);
                std::vector<Posterior> row(ys.size());
                kernels::pixel_posteriors(prior, ys, ns, target, row);
                for (std::size_t i = 0; i < ys.size(); ++i) {
                    const Posterior alone = kernels::pixel_posterior(prior, ys[i], ns[i], target);
                    ASSERT_EQ(std::memcmp(&row[i], &alone, sizeof(Posterior)), 0)
                        << "pixel " << i + skip << " target " << target;
                }
            }
        }
    }
}
