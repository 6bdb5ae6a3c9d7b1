// kernels::risk_index and score_pixel_row against a slow reference written from DESIGN.md
// section 3's formulas, on inline arrays with gaps (NaN) and unmapped pixels.

#include "kernels/risk_score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace riskmap;

namespace {

constexpr float kNaN = NAN;

kernels::ScoreWeights two_indicators() {
    kernels::ScoreWeights w;
    w.risk = {1.0, 2.0};
    w.priority = {1.0, 200.0};
    w.population_share = {0.09, 0.0045};
    w.sanitation = 0.5;
    return w;
}

/// The formulas, one pixel at a time, as a planner would check them by hand.
struct Reference {
    double risk = NAN, score = NAN;
};
Reference reference_pixel(const std::vector<double>& exceed, const std::vector<double>& excess,
                          double sanitation, double density, const kernels::ScoreWeights& w) {
    double weighted = 0, weights = 0, cases = 0;
    int with_excess = 0;
    for (std::size_t k = 0; k < exceed.size(); ++k) {
        if (!std::isnan(exceed[k])) {
            weighted += w.risk[k] * exceed[k];
            weights += w.risk[k];
        }
        if (!std::isnan(excess[k])) {
            cases += w.priority[k] * excess[k] * w.population_share[k];
            ++with_excess;
        }
    }
    if (!std::isnan(sanitation)) {
        weighted += w.sanitation * sanitation;
        weights += w.sanitation;
    }
    if (with_excess == 0)
        return {};
    return {weights > 0 ? weighted / weights : NAN, std::max(0.0, cases * density)};
}

} // namespace

TEST(RiskScore, RiskIndexLeavesOutMissingTermsWithTheirWeight) {
    const kernels::ScoreWeights w = two_indicators();
    const std::vector<double> both{0.2, 0.8};
    EXPECT_NEAR(kernels::risk_index(both, NAN, w), (0.2 + 2 * 0.8) / 3, 1e-15);
    EXPECT_NEAR(kernels::risk_index(both, 0.4, w), (0.2 + 1.6 + 0.5 * 0.4) / 3.5, 1e-15);
    const std::vector<double> one{NAN, 0.8};
    EXPECT_NEAR(kernels::risk_index(one, NAN, w), 0.8, 1e-15);
    const std::vector<double> none{NAN, NAN};
    EXPECT_NEAR(kernels::risk_index(none, 0.4, w), 0.4, 1e-15);
    EXPECT_TRUE(std::isnan(kernels::risk_index(none, NAN, w)));
}

TEST(RiskScore, ARowMatchesTheReferenceWithGapsAndUnmappedPixels) {
    const kernels::ScoreWeights w = two_indicators();
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> unit(0, 1);
    constexpr std::size_t n = 400;
    std::vector<std::uint8_t> mapped(n);
    std::vector<float> exceed0(n), exceed1(n), excess0(n), excess1(n), sanitation(n), density(n);
    for (std::size_t c = 0; c < n; ++c) {
        mapped[c] = unit(rng) < 0.8;
        const auto maybe_gap = [&](float v) { return unit(rng) < 0.2 ? kNaN : v; };
        exceed0[c] = maybe_gap(unit(rng));
        exceed1[c] = maybe_gap(unit(rng));
        excess0[c] = maybe_gap(0.1f * unit(rng));
        excess1[c] = maybe_gap(0.002f * unit(rng));
        sanitation[c] = maybe_gap(unit(rng));
        density[c] = 3000 * unit(rng);
    }
    kernels::PixelScoreRow row{mapped, {exceed0, exceed1}, {excess0, excess1}, sanitation, density};
    std::vector<float> risk(n, kNaN), score(n, kNaN);
    kernels::score_pixel_row(row, w, risk, score);
    int scored = 0;
    for (std::size_t c = 0; c < n; ++c) {
        SCOPED_TRACE("pixel " + std::to_string(c));
        Reference want;
        if (mapped[c])
            want = reference_pixel({exceed0[c], exceed1[c]}, {excess0[c], excess1[c]},
                                   sanitation[c], density[c], w);
        if (std::isnan(want.score)) {
            EXPECT_TRUE(std::isnan(score[c]) && std::isnan(risk[c])); // nodata left as it was
            continue;
        }
        ++scored;
        EXPECT_NEAR(score[c], want.score, 1e-6 * want.score + 1e-12);
        if (std::isnan(want.risk))
            EXPECT_TRUE(std::isnan(risk[c]));
        else
            EXPECT_NEAR(risk[c], want.risk, 1e-6);
    }
    EXPECT_GT(scored, 200); // the draw leaves most pixels scored, some not
}

TEST(RiskScore, WithoutSanitationTheIndexIsTheIndicatorsAlone) {
    const kernels::ScoreWeights w = two_indicators();
    const std::vector<std::uint8_t> mapped{1};
    const std::vector<float> exceed0{0.5f}, exceed1{0.25f}, excess0{0.01f}, excess1{kNaN};
    const std::vector<float> density{100};
    kernels::PixelScoreRow row{mapped, {exceed0, exceed1}, {excess0, excess1}, {}, density};
    std::vector<float> risk(1, kNaN), score(1, kNaN);
    kernels::score_pixel_row(row, w, risk, score);
    EXPECT_NEAR(risk[0], (0.5 + 2 * 0.25) / 3, 1e-7);
    EXPECT_NEAR(score[0], 1.0 * 0.01 * 0.09 * 100, 1e-7); // maternal's NaN adds nothing
}
