// How the tiles are cut between MPI ranks (sched::weighted_range), against a slow reference:
// each tile goes to the rank its weight's midpoint falls in.

#include "sched/ranks.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

using riskmap::sched::weighted_range;

namespace {

/// The rank of every tile, by the definition, in exact rational arithmetic.
std::vector<int> owners(const std::vector<std::int64_t>& w, int ranks) {
    long double total = 0;
    for (const auto x : w)
        total += static_cast<long double>(x);
    std::vector<int> out;
    long double before = 0;
    for (const auto x : w) {
        const long double mid = before + static_cast<long double>(x) / 2;
        int r = total > 0 ? static_cast<int>(ranks * mid / total) : 0;
        out.push_back(std::min(r, ranks - 1));
        before += static_cast<long double>(x);
    }
    return out;
}

void expect_ranges_match_owners(const std::vector<std::int64_t>& w, int ranks) {
    const std::vector<int> owner = owners(w, ranks);
    std::size_t next = 0;
    for (int r = 0; r < ranks; ++r) {
        const auto [begin, end] = weighted_range(w, r, ranks);
        ASSERT_LE(begin, end);
        EXPECT_EQ(begin, next) << "rank " << r << ": ranges must be contiguous, in rank order";
        for (std::size_t i = begin; i < end; ++i)
            EXPECT_EQ(owner[i], r) << "tile " << i;
        next = end;
    }
    EXPECT_EQ(next, w.size()) << "every tile has a rank";
}

TEST(WeightedRange, EqualWeightsSplitEvenly) {
    const std::vector<std::int64_t> w(12, 100);
    EXPECT_EQ(weighted_range(w, 0, 3), std::make_pair(std::size_t(0), std::size_t(4)));
    EXPECT_EQ(weighted_range(w, 1, 3), std::make_pair(std::size_t(4), std::size_t(8)));
    EXPECT_EQ(weighted_range(w, 2, 3), std::make_pair(std::size_t(8), std::size_t(12)));
}

TEST(WeightedRange, SeaTilesCostNothingAndLandIsShared) {
    // Land in tiles 2, 3 and 9 only: each of three ranks gets one of them.
    const std::vector<std::int64_t> w{0, 0, 500, 500, 0, 0, 0, 0, 0, 500, 0, 0};
    expect_ranges_match_owners(w, 3);
    const auto [b1, e1] = weighted_range(w, 1, 3);
    EXPECT_EQ(b1, 3u);
    EXPECT_LT(e1, 10u);
}

TEST(WeightedRange, MoreRanksThanTilesLeaveSomeRanksWithout) {
    const std::vector<std::int64_t> w{10, 10, 10, 10};
    expect_ranges_match_owners(w, 5);
    int empty = 0;
    for (int r = 0; r < 5; ++r) {
        const auto [b, e] = weighted_range(w, r, 5);
        empty += b == e;
    }
    EXPECT_EQ(empty, 1);
}

TEST(WeightedRange, AllSeaGoesToTheFirstRank) {
    const std::vector<std::int64_t> w(6, 0);
    expect_ranges_match_owners(w, 4);
    EXPECT_EQ(weighted_range(w, 0, 4), std::make_pair(std::size_t(0), std::size_t(6)));
}

TEST(WeightedRange, RandomWeightsMatchTheDefinition) {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<std::int64_t> w(1 + rng() % 60);
        for (auto& x : w)
            x = rng() % 3 == 0 ? 0 : std::int64_t(rng() % 262144);
        expect_ranges_match_owners(w, 1 + int(rng() % 70));
    }
}

} // namespace
