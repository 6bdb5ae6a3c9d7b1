// kernels::pixel_posterior_row against references on inline rows: the conjugate Gamma
// posterior written out with Boost.Math for the plug-in Poisson model, and each pixel's own
// posterior for the predictive model; unmapped pixels, pixels without exposure and pixels
// under the minimum denominator keep what they held.

#include "kernels/pixel_row.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace riskmap;

namespace {

constexpr float kUntouched = -7.0f;
constexpr int kWidth = 400;

/// One row of kernel sums with every kind of pixel: unmapped, no exposure (0 and NaN), under
/// the minimum denominator, and ordinary ones.
struct Row {
    std::vector<float> events, exposure, exposure_w2, rate2, share;
    std::vector<std::uint8_t> mapped;
    kernels::PixelSumsRow sums() const {
        return {events.data(), exposure.data(), exposure_w2.data(), rate2.data(), share.data()};
    }
};

Row random_row(std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    Row row;
    for (int c = 0; c < kWidth; ++c) {
        float n = 5.0f + 400.0f * unit(rng);
        if (c % 17 == 3)
            n = 0.0f;
        if (c % 29 == 5)
            n = NAN;
        if (c % 13 == 7)
            n = 2.0f; // under the minimum denominator of 4
        const float rate = 0.2f * unit(rng);
        row.events.push_back(n * rate);
        row.exposure.push_back(n);
        row.exposure_w2.push_back(n * (0.2f + 0.5f * unit(rng)));
        row.rate2.push_back(n * rate * rate * (1.0f + unit(rng)));
        row.share.push_back(0.5f + 2.0f * unit(rng));
        row.mapped.push_back(c % 11 == 0 ? 0 : 1);
    }
    return row;
}

kernels::PixelRowModel model(bool predictive) {
    kernels::PixelRowModel m;
    m.uncertainty.prior.model = RateModel::Poisson;
    m.uncertainty.prior.alpha = 3.0;
    m.uncertainty.prior.beta = 40.0;
    m.uncertainty.prior.mean = 3.0 / 40.0;
    m.uncertainty.prior.variance = 3.0 / (40.0 * 40.0);
    m.uncertainty.global_cv2 = 0.3;
    m.predictive = predictive;
    m.target = 0.1;
    m.min_denominator = 4;
    return m;
}

struct Maps {
    std::vector<float> rate, mean, lower, upper, exceed, excess, information;
    Maps()
        : rate(kWidth, kUntouched), mean(rate), lower(rate), upper(rate), exceed(rate),
          excess(rate), information(rate) {}
    kernels::PixelMapsRow row() {
        return {rate.data(),   mean.data(),   lower.data(),      upper.data(),
                exceed.data(), excess.data(), information.data()};
    }
};

bool estimated(const Row& row, int c) {
    const float n = row.exposure[static_cast<std::size_t>(c)];
    return row.mapped[static_cast<std::size_t>(c)] != 0 && n > 0 && n >= 4;
}

} // namespace

TEST(PixelRow, PlugInPoissonIsTheGammaPosteriorOfEachPixel) {
    const Row row = random_row(11);
    const kernels::PixelRowModel m = model(false);
    Maps maps;
    kernels::PixelRowScratch scratch;
    const int n =
        kernels::pixel_posterior_row(row.sums(), row.mapped.data(), kWidth, m, maps.row(), scratch);
    int expected = 0;
    for (int c = 0; c < kWidth; ++c) {
        const auto i = static_cast<std::size_t>(c);
        if (!estimated(row, c)) {
            EXPECT_EQ(maps.mean[i], kUntouched) << c;
            EXPECT_EQ(maps.information[i], kUntouched) << c;
            continue;
        }
        ++expected;
        // Gamma(alpha + y, beta + n): the kernel sums are the counts (spdep's plug-in).
        const double a = 3.0 + row.events[i], b = 40.0 + row.exposure[i];
        const double bt = b * m.target;
        EXPECT_NEAR(maps.mean[i], a / b, 1e-6 * a / b) << c;
        EXPECT_NEAR(maps.lower[i], boost::math::gamma_p_inv(a, 0.025) / b, 1e-5 * a / b) << c;
        EXPECT_NEAR(maps.upper[i], boost::math::gamma_p_inv(a, 0.975) / b, 1e-5 * a / b) << c;
        EXPECT_NEAR(maps.exceed[i], boost::math::gamma_q(a, bt), 1e-5) << c;
        const double excess =
            a / b * boost::math::gamma_q(a + 1, bt) - m.target * boost::math::gamma_q(a, bt);
        EXPECT_NEAR(maps.excess[i], excess, 1e-5 * a / b + 1e-9) << c;
        EXPECT_FLOAT_EQ(maps.rate[i], row.events[i] / row.exposure[i]) << c;
        const double w2 = row.exposure_w2[i];
        EXPECT_NEAR(maps.information[i], row.exposure[i] * double(row.exposure[i]) / w2,
                    1e-4 * row.exposure[i] * row.exposure[i] / w2)
            << c;
    }
    EXPECT_EQ(n, expected);
    EXPECT_GT(expected, kWidth / 2);
}

TEST(PixelRow, PredictiveRowGivesEachPixelItsOwnPosterior) {
    const Row row = random_row(12);
    const kernels::PixelRowModel m = model(true);
    Maps maps;
    kernels::PixelRowScratch scratch;
    kernels::pixel_posterior_row(row.sums(), row.mapped.data(), kWidth, m, maps.row(), scratch);
    for (int c = 0; c < kWidth; ++c) {
        const auto i = static_cast<std::size_t>(c);
        if (!estimated(row, c)) {
            EXPECT_EQ(maps.exceed[i], kUntouched) << c;
            continue;
        }
        const kernels::PixelSums sums = row.sums().at(c);
        const kernels::Effective e = kernels::effective_counts(sums, m.uncertainty);
        const kernels::Posterior alone =
            kernels::pixel_posterior(m.uncertainty.prior, e.events, e.exposure, m.target);
        EXPECT_EQ(maps.mean[i], static_cast<float>(alone.mean)) << c;
        EXPECT_EQ(maps.lower[i], static_cast<float>(alone.lower)) << c;
        EXPECT_EQ(maps.upper[i], static_cast<float>(alone.upper)) << c;
        EXPECT_EQ(maps.exceed[i], static_cast<float>(alone.exceed)) << c;
        EXPECT_EQ(maps.excess[i], static_cast<float>(alone.excess)) << c;
        // The deviation's variance takes information away from sampling alone.
        EXPECT_LT(e.exposure, kernels::kish_exposure(sums)) << c;
    }
}
