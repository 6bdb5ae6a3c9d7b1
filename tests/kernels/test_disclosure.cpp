// Small-count suppression: the threshold rule and complementary suppression under a published
// group total, checked on inline tables and against the rule itself on random tables.

#include "kernels/disclosure.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

using namespace riskmap::kernels;

namespace {
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
constexpr auto P = Suppression::Published, S1 = Suppression::Primary,
               S2 = Suppression::Complementary, NR = Suppression::NotReported;

/// What a reader of the group total and the published cells learns: the number of withheld
/// cells and their sum. Empty when the rule is kept in every group.
std::string broken_groups(const std::vector<double>& counts, const std::vector<std::size_t>& group,
                          const std::vector<Suppression>& out, double min_count) {
    std::map<std::size_t, std::pair<int, double>> withheld;
    std::map<std::size_t, double> total;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (std::isnan(counts[i]) || group[i] == kUngrouped)
            continue;
        total[group[i]] += counts[i];
        if (out[i] == S1 || out[i] == S2) {
            withheld[group[i]].first += 1;
            withheld[group[i]].second += counts[i];
        }
    }
    std::string broken;
    for (const auto& [g, w] : withheld)
        if (total[g] >= min_count && (w.first < 2 || w.second < min_count))
            broken += "group " + std::to_string(g) + " ";
    return broken;
}
} // namespace

TEST(SmallCountSuppression, BelowTheMinimumIsWithheldZeroIncluded) {
    const auto out =
        suppress_small_counts({0, 4, 5, 12, kNone}, std::vector<std::size_t>(5, kUngrouped), 5);
    EXPECT_EQ(out, (std::vector<Suppression>{S1, S1, P, P, NR}));
}

TEST(SmallCountSuppression, ALoneSmallCellTakesTheSmallestOtherCellWithIt) {
    // Total 3 + 9 + 7 + 20 = 39 is published: 3 alone would be 39 - 36.
    const auto out = suppress_small_counts({3, 9, 7, 20}, {0, 0, 0, 0}, 5);
    EXPECT_EQ(out, (std::vector<Suppression>{S1, P, S2, P}));
}

TEST(SmallCountSuppression, TwoSmallCellsSummingBelowTheMinimumTakeAThird) {
    // 1 + 2 withheld: the total less the rest says "3 between them", below the minimum.
    const auto out = suppress_small_counts({1, 2, 30, 6}, {0, 0, 0, 0}, 5);
    EXPECT_EQ(out, (std::vector<Suppression>{S1, S1, P, S2}));
}

TEST(SmallCountSuppression, TwoZerosAreNotSafeTogether) {
    const auto out = suppress_small_counts({0, 0, 8, 9}, {0, 0, 0, 0}, 5);
    EXPECT_EQ(out, (std::vector<Suppression>{S1, S1, S2, P}));
}

TEST(SmallCountSuppression, GroupsAreIndependentAndUnreportedCellsDoNotCount) {
    const auto out = suppress_small_counts({2, 10, kNone, 6, 6, 1, 1}, {0, 0, 0, 1, 1, 2, 2}, 5);
    // Group 0: 2 and the smallest other, 10 (the cell without a record adds nothing).
    // Group 1: nothing small. Group 2: total 2, below the minimum: withheld above.
    EXPECT_EQ(out, (std::vector<Suppression>{S1, S2, NR, P, P, S1, S1}));
}

TEST(SmallCountSuppression, TiesGoToTheLowerIndex) {
    const auto out = suppress_small_counts({9, 9, 1, 9}, {0, 0, 0, 0}, 5);
    EXPECT_EQ(out, (std::vector<Suppression>{S2, P, S1, P}));
}

TEST(SmallCountSuppression, RandomTablesKeepTheRuleWithFewestCellsWithheld) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 2000; ++trial) {
        const int cells = 1 + int(rng() % 9), groups = 1 + int(rng() % 3);
        const double min_count = 1 + rng() % 10;
        std::vector<double> counts;
        std::vector<std::size_t> group;
        for (int i = 0; i < cells; ++i) {
            const int kind = int(rng() % 10);
            counts.push_back(kind == 0 ? kNone : double(kind < 6 ? rng() % 6 : rng() % 40));
            group.push_back(rng() % 5 == 0 ? kUngrouped : rng() % groups);
        }
        const auto out = suppress_small_counts(counts, group, min_count);
        SCOPED_TRACE("trial " + std::to_string(trial));
        ASSERT_EQ(broken_groups(counts, group, out, min_count), "");
        for (int i = 0; i < cells; ++i) {
            if (std::isnan(counts[i]))
                ASSERT_EQ(out[i], NR);
            else if (counts[i] < min_count)
                ASSERT_EQ(out[i], S1);
            else
                ASSERT_NE(out[i], S1);
        }
        // Minimal: publishing any one complementary cell again breaks the rule.
        for (int i = 0; i < cells; ++i) {
            if (out[i] != S2)
                continue;
            auto fewer = out;
            fewer[i] = P;
            ASSERT_NE(broken_groups(counts, group, fewer, min_count), "") << "cell " << i;
        }
    }
}
