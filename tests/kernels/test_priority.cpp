// Priority classes (kernels/priority.hpp): one rule for areas and pixels. The exact ranking of
// areas is the reference; the pixels' two-pass histogram must give its classes exactly.

#include "kernels/priority.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace riskmap;

namespace {

TEST(Priority, ClassesArePopulationWeightedFifths) {
    // Five areas, equal population: one per class, highest score class 1.
    const std::vector<double> score{0.1, 0.5, 0.3, NAN, 0.9, 0.2};
    const std::vector<double> pop{1, 1, 1, 1, 1, 1};
    const auto classes = kernels::priority_classes(score, pop);
    EXPECT_EQ(classes[4], 1);
    EXPECT_EQ(classes[1], 2);
    EXPECT_EQ(classes[2], 3);
    EXPECT_EQ(classes[5], 4);
    EXPECT_EQ(classes[0], 5);
    EXPECT_EQ(classes[3], 0); // no score, no class
    const auto order = kernels::rank_order(score);
    EXPECT_EQ(order.front(), 4u);
    EXPECT_EQ(order.back(), 3u);
}

TEST(Priority, OneAreaWithMostPeopleFillsTheTopClasses) {
    const std::vector<double> score{0.9, 0.1, 0.2};
    const std::vector<double> pop{1000, 1, 1};
    const auto classes = kernels::priority_classes(score, pop);
    EXPECT_EQ(classes[0], 3); // its middle sits at the 50 % point
    EXPECT_EQ(classes[1], 5);
}

TEST(Priority, EqualScoresShareAClassWhateverTheirOrder) {
    // Two areas tied across the boundary of classes 2 and 4 (by list order they would have
    // been 2 and 4): both sit where the population above them ends, so both are class 2.
    const std::vector<double> score{3, 2, 2, 1}, pop{1, 1, 1, 1};
    EXPECT_EQ(kernels::priority_classes(score, pop), (std::vector<std::uint8_t>{1, 2, 2, 5}));
    const std::vector<double> swapped{2, 3, 1, 2};
    EXPECT_EQ(kernels::priority_classes(swapped, pop), (std::vector<std::uint8_t>{2, 1, 5, 2}));
}

TEST(Priority, NoPopulationAtAllWeighsEveryAreaOne) {
    const std::vector<double> score{0.4, 0.3, 0.2, 0.1, 0.0}, pop{0, 0, -1, 0, 0};
    EXPECT_EQ(kernels::priority_classes(score, pop), (std::vector<std::uint8_t>{1, 2, 3, 4, 5}));
}

/// Random non-negative float scores with ties and NaNs, populations in 1/1024 of a person
/// (exact in the fixed-point weights) with zeros and negatives.
struct Pixels {
    std::vector<float> score, population;
};

Pixels random_pixels(std::size_t n, unsigned seed, bool weighted) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> level(0, 60), people(-200, 5000), kind(0, 9);
    Pixels p;
    for (std::size_t i = 0; i < n; ++i) {
        const int k = kind(rng);
        // Few distinct scores (ties in every bin), some very close ones (same top 16 bits).
        p.score.push_back(k == 0 ? NAN
                          : k == 1
                              ? 0.0f
                              : std::ldexp(1.0f + float(level(rng)) / 4096.0f, level(rng) / 6));
        p.population.push_back(weighted ? float(people(rng)) / 1024.0f : 0.0f);
    }
    return p;
}

std::vector<std::uint8_t> histogram_classes(const Pixels& p, std::size_t tiles) {
    kernels::ScoreHistogram all;
    for (std::size_t i = 0; i < p.score.size(); ++i)
        all.add(p.score[i], p.population[i]);
    kernels::ScoreClasses classes(all);
    // The second pass tile by tile, added in reverse: the order must not matter.
    const std::size_t step = (p.score.size() + tiles - 1) / tiles;
    std::vector<kernels::ScoreClasses::Inside> parts;
    for (std::size_t at = 0; at < p.score.size(); at += step) {
        const std::size_t n = std::min(step, p.score.size() - at);
        parts.push_back(classes.partial(std::span(p.score).subspan(at, n),
                                        std::span(p.population).subspan(at, n)));
    }
    std::reverse(parts.begin(), parts.end());
    for (const auto& part : parts)
        classes.add(part);
    classes.finish();
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < p.score.size(); ++i)
        out.push_back(classes.class_of(p.score[i], p.population[i]));
    return out;
}

TEST(Priority, PixelClassesFromTheHistogramAreTheExactRankingsClasses) {
    for (const bool weighted : {true, false})
        for (unsigned seed = 1; seed <= 20; ++seed) {
            const Pixels p = random_pixels(3000, seed, weighted);
            const std::vector<double> score(p.score.begin(), p.score.end());
            const std::vector<double> population(p.population.begin(), p.population.end());
            const auto exact = kernels::priority_classes(score, population);
            EXPECT_EQ(histogram_classes(p, 7), exact)
                << "seed " << seed << ", weighted " << weighted;
            EXPECT_EQ(std::count(exact.begin(), exact.end(), 1) > 0, true);
        }
}

} // namespace
