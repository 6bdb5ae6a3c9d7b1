// kernels::normalised_convolution against a direct sum on a small band with gaps.

#include "kernels/gaussian.hpp"
#include "kernels/normalised_convolution.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace riskmap;

namespace {

constexpr float kGap = NAN;

/// A 9 x 7 band with gaps, in the middle and on the edge.
Layer<float> band_with_gaps() {
    Layer<float> band(9, 7);
    for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 9; ++c)
            band(r, c) = float(1 + (r * 7 + c * 3) % 11);
    band(3, 4) = band(0, 0) = band(6, 8) = band(2, 5) = kGap;
    return band;
}

kernels::GaussianRows rows_of(const Layer<float>& band, double sigma) {
    kernels::GaussianRows g;
    g.sigma_x_px.assign(static_cast<std::size_t>(band.height()), sigma);
    g.sigma_y_px.assign(static_cast<std::size_t>(band.height()), sigma);
    return g;
}

/// The kernel sums of a window over its core (dy, dx) in, from the exact 2-D reference.
kernels::KernelSum exact_sum(const kernels::GaussianRows& g, int dy, int dx, int w, int h) {
    return [=](const Layer<float>& window, bool clamp) {
        Layer<double> all(window.width(), window.height());
        kernels::gaussian_reference(window.view(), all.view(), g);
        Layer<float> core(w, h);
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c)
                core(r, c) =
                    float(clamp ? std::max(0.0, all(r + dy, c + dx)) : all(r + dy, c + dx));
        return core;
    };
}

/// Direct sum(K v c) / sum(K c) at (r, c), truncated at 4 sigma as the kernel is.
double direct(const Layer<float>& band, int r, int c, double sigma) {
    double num = 0, den = 0;
    for (int i = 0; i < band.height(); ++i)
        for (int j = 0; j < band.width(); ++j) {
            const double d2 = double((i - r) * (i - r) + (j - c) * (j - c));
            if (std::isnan(band(i, j)) || std::abs(i - r) > 4 * sigma ||
                std::abs(j - c) > 4 * sigma)
                continue;
            const double k = std::exp(-d2 / (2 * sigma * sigma));
            num += k * band(i, j);
            den += k;
        }
    return num / den;
}

TEST(NormalisedConvolution, IsTheRatioOfDirectSumsAndKeepsTheGaps) {
    const Layer<float> band = band_with_gaps();
    const double sigma = 1.5;
    const auto g = rows_of(band, sigma);
    // The whole band as the core, then its middle 5 x 3 (the rest as halo).
    for (const auto& [dy, dx, w, h] : {std::array{0, 0, 9, 7}, std::array{2, 2, 5, 3}}) {
        const Layer<float> out =
            kernels::normalised_convolution(band, dy, dx, w, h, exact_sum(g, dy, dx, w, h), true);
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                if (std::isnan(band(r + dy, c + dx))) {
                    EXPECT_TRUE(std::isnan(out(r, c))) << r << ", " << c;
                    continue;
                }
                EXPECT_NEAR(out(r, c), direct(band, r + dy, c + dx, sigma), 2e-5)
                    << "core (" << dy << ", " << dx << ") pixel " << r << ", " << c;
            }
    }
}

TEST(NormalisedConvolution, AConstantBandWithGapsStaysConstant) {
    Layer<float> band(9, 7, 0.25f);
    band(1, 1) = band(5, 7) = kGap;
    const auto g = rows_of(band, 2.0);
    const Layer<float> out =
        kernels::normalised_convolution(band, 0, 0, 9, 7, exact_sum(g, 0, 0, 9, 7), true);
    for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 9; ++c) {
            if (!std::isnan(band(r, c))) {
                EXPECT_NEAR(out(r, c), 0.25f, 1e-6) << r << ", " << c;
            }
        }
}

} // namespace
