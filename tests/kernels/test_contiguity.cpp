#include "kernels/contiguity.hpp"
#include "kernels/local_eb.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace riskmap;
using kernels::NeighbourLists;
using kernels::Vertex;

namespace {
/// Closed square ring x0..x1, y0..y1 of polygon id.
void square(std::vector<Vertex>& v, double x0, double y0, double x1, double y1, int id) {
    for (auto [x, y] : {std::pair{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}})
        v.push_back({x, y, id});
}
constexpr double kSnap = 1.4901161193847656e-08;
} // namespace

TEST(QueenContiguity, SharedCornerOnlyIsQueenNeighbour) {
    std::vector<Vertex> v;
    square(v, 0, 0, 1, 1, 0);
    square(v, 1, 1, 2, 2, 1); // touches polygon 0 at (1, 1) only
    square(v, 5, 5, 6, 6, 2); // island
    const auto nb = kernels::queen_neighbours(v, 3, kSnap);
    EXPECT_EQ(nb[0], (std::vector<std::int32_t>{1}));
    EXPECT_EQ(nb[1], (std::vector<std::int32_t>{0}));
    EXPECT_TRUE(nb[2].empty());
}

TEST(QueenContiguity, NonFiniteVerticesTouchNothing) {
    // Found by fuzz_wkb_polygons: a NaN vertex once became an out-of-range cell index.
    std::vector<Vertex> v;
    square(v, 0, 0, 1, 1, 0);
    square(v, 1, 0, 2, 1, 1);
    v.push_back({std::nan(""), 0.5, 2});
    v.push_back({INFINITY, -INFINITY, 2});
    v.push_back({1, 1, 3}); // a finite vertex of polygon 3 still counts
    const auto nb = kernels::queen_neighbours(v, 4, kSnap);
    EXPECT_EQ(nb[0], (std::vector<std::int32_t>{1, 3}));
    EXPECT_TRUE(nb[2].empty());
    EXPECT_EQ(nb[3], (std::vector<std::int32_t>{0, 1}));
}

TEST(QueenContiguity, SharedEdgeGridOfNine) {
    std::vector<Vertex> v;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            square(v, c, r, c + 1, r + 1, r * 3 + c);
    const auto nb = kernels::queen_neighbours(v, 9, kSnap);
    EXPECT_EQ(nb[4].size(), 8u); // centre touches all
    EXPECT_EQ(nb[0], (std::vector<std::int32_t>{1, 3, 4}));
}

TEST(QueenContiguity, HoleAndTheIslandInsideIt) {
    std::vector<Vertex> v;
    square(v, 0, 0, 10, 10, 0); // exterior ring of polygon 0
    square(v, 4, 4, 6, 6, 0);   // its hole
    square(v, 4, 4, 6, 6, 1);   // polygon 1 fills the hole exactly
    square(v, 20, 0, 21, 1, 2);
    const auto nb = kernels::queen_neighbours(v, 3, kSnap);
    EXPECT_EQ(nb[0], (std::vector<std::int32_t>{1}));
    EXPECT_EQ(nb[1], (std::vector<std::int32_t>{0}));
}

TEST(QueenContiguity, MultipolygonPartsCountForTheirOwner) {
    std::vector<Vertex> v;
    square(v, 0, 0, 1, 1, 0);
    square(v, 3, 0, 4, 1, 0); // second part of polygon 0
    square(v, 4, 0, 5, 1, 1); // touches only the second part
    const auto nb = kernels::queen_neighbours(v, 2, kSnap);
    EXPECT_EQ(nb[1], (std::vector<std::int32_t>{0}));
}

TEST(QueenContiguity, NearCoincidentVerticesDependOnSnap) {
    std::vector<Vertex> v;
    square(v, 0, 0, 1, 1, 0);
    square(v, 1 + 1e-6, 0, 2, 1, 1); // a micro gap of 1e-6
    EXPECT_TRUE(kernels::queen_neighbours(v, 2, kSnap)[0].empty());
    EXPECT_EQ(kernels::queen_neighbours(v, 2, 1e-5)[0], (std::vector<std::int32_t>{1}));
}

TEST(QueenContiguity, HashedEqualsBruteForceOnRandomLayouts) {
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> coord(0, 30);
    std::vector<Vertex> v;
    for (int p = 0; p < 200; ++p)
        for (int k = 0; k < 5; ++k)
            v.push_back({coord(rng) * 0.5, coord(rng) * 0.5, p});
    EXPECT_EQ(kernels::queen_neighbours(v, 200, 0.6),
              kernels::queen_neighbours_reference(v, 200, 0.6));
    EXPECT_EQ(kernels::queen_neighbours(v, 200, kSnap),
              kernels::queen_neighbours_reference(v, 200, kSnap));
}

TEST(LocalEB, IslandKeepsItsCrudeRate) {
    const std::vector<double> y{2, 10, 30}, n{100, 1000, 1000};
    const std::vector<char> use{1, 1, 1};
    const NeighbourLists nb{{}, {2}, {1}};
    const auto priors = kernels::local_priors(RateModel::Poisson, y, n, use, nb);
    EXPECT_DOUBLE_EQ(kernels::eb_estimate(priors[0], 2, 100), 0.02);
}

TEST(LocalEB, MatchesTheGeoDaFormulaByHand) {
    // Area 0 with neighbours 1 and 2: sums over {0, 1, 2}.
    const std::vector<double> y{1, 3, 60}, n{50, 300, 600};
    const std::vector<char> use{1, 1, 1};
    const NeighbourLists nb{{1, 2}, {0}, {0}};
    const auto priors = kernels::local_priors(RateModel::Poisson, y, n, use, nb);
    const double m = 64.0 / 950;
    double s2 = 0;
    for (int i = 0; i < 3; ++i)
        s2 += n[i] * std::pow(y[i] / n[i] - m, 2);
    s2 /= 950;
    const double a = s2 - m / (950.0 / 3);
    ASSERT_GT(a, 0);
    const double expected = m + a / (a + m / 50) * (0.02 - m);
    EXPECT_NEAR(kernels::eb_estimate(priors[0], 1, 50), expected, 1e-12);
}
