#include "kernels/disaggregate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

using namespace riskmap;
using kernels::kNoVillage;

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

double total(const Layer<double>& l) {
    return std::accumulate(l.values().begin(), l.values().end(), 0.0);
}
} // namespace

TEST(Disaggregate, CountsFollowPopulationWithinTheVillage) {
    // Village 0: two pixels with population 1 and 3. Village 1: one pixel.
    Layer<std::int32_t> ids(3, 1);
    ids[0] = 0;
    ids[1] = 0;
    ids[2] = 1;
    Layer<float> pop(3, 1);
    pop[0] = 1;
    pop[1] = 3;
    pop[2] = 5;
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), 2);
    EXPECT_DOUBLE_EQ(fp.population[0], 4);
    Layer<double> out(3, 1, 0.0);
    const std::vector<double> counts{8, 2};
    const std::vector<std::int64_t> points{-1, -1};
    EXPECT_EQ(kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view()), 0);
    EXPECT_DOUBLE_EQ(out[0], 2);
    EXPECT_DOUBLE_EQ(out[1], 6);
    EXPECT_DOUBLE_EQ(out[2], 2);
}

TEST(Disaggregate, VillageWithoutPopulationSpreadsUniformly) {
    Layer<std::int32_t> ids(4, 1, 0);
    Layer<float> pop(4, 1, 0.0f);
    pop[3] = kNaN; // nodata counts as no population
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), 1);
    Layer<double> out(4, 1, 0.0);
    const std::vector<double> counts{10};
    const std::vector<std::int64_t> points{-1};
    kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view());
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_DOUBLE_EQ(out[i], 2.5);
}

TEST(Disaggregate, SubPixelVillageGoesToItsPointPixel) {
    // Village 1 covers no pixel centre; its point lies in pixel 2 (owned by village 0).
    Layer<std::int32_t> ids(3, 1, 0);
    Layer<float> pop(3, 1, 1.0f);
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), 2);
    EXPECT_EQ(fp.pixels[1], 0);
    Layer<double> out(3, 1, 0.0);
    const std::vector<double> counts{3, 7};
    const std::vector<std::int64_t> points{0, 2};
    kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view());
    EXPECT_DOUBLE_EQ(out[2], 1 + 7);
    EXPECT_DOUBLE_EQ(total(out), 10);
}

TEST(Disaggregate, VillageOutsideTheGridIsReportedAsUnplaced) {
    Layer<std::int32_t> ids(2, 1, 0);
    Layer<float> pop(2, 1, 1.0f);
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), 2);
    Layer<double> out(2, 1, 0.0);
    const std::vector<double> counts{4, 5};
    const std::vector<std::int64_t> points{0, -1};
    EXPECT_DOUBLE_EQ(kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view()),
                     5);
    EXPECT_DOUBLE_EQ(total(out), 4);
}

TEST(Disaggregate, EveryCountIsConservedOnALargeIrregularGrid) {
    const int w = 300, h = 200, villages = 97;
    Layer<std::int32_t> ids(w, h);
    Layer<float> pop(w, h);
    for (int r = 0; r < h; ++r) {
        for (int c = 0; c < w; ++c) {
            ids(r, c) = (r * 7 + c * 13) % 11 == 0 ? kNoVillage : (r / 20 * 15 + c / 20) % villages;
            pop(r, c) = (r * c) % 17 == 0 ? kNaN : static_cast<float>((r + 3 * c) % 29) * 0.37f;
        }
    }
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), villages);
    std::vector<double> counts(villages);
    for (int v = 0; v < villages; ++v)
        counts[v] = (v * 37) % 101;
    const std::vector<std::int64_t> points(villages, 0);
    Layer<double> out(w, h, 0.0);
    kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view());
    std::vector<double> per_village(villages, 0.0);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (ids[i] != kNoVillage)
            per_village[ids[i]] += out[i];
    for (int v = 0; v < villages; ++v) {
        if (fp.pixels[v] > 0) { // villages with pixels keep their count in their own pixels
            EXPECT_NEAR(per_village[v], counts[v], 1e-9 * std::max(1.0, counts[v])) << v;
        }
    }
    EXPECT_NEAR(total(out), std::accumulate(counts.begin(), counts.end(), 0.0), 1e-9 * 5000);
}

TEST(ZonalSums, PopulationWeightedMeanSkipsNodata) {
    Layer<std::int32_t> ids(3, 1, 0);
    Layer<float> value(3, 1);
    value[0] = 0.2f;
    value[1] = 0.8f;
    value[2] = kNaN;
    Layer<float> pop(3, 1);
    pop[0] = 3;
    pop[1] = 1;
    pop[2] = 100;
    const auto z = kernels::zonal_weighted_sums(ids.view(), value.view(), pop.view(), 1);
    EXPECT_NEAR(z.weighted_value[0] / z.weight[0], (0.6 + 0.8) / 4, 1e-7);
}
