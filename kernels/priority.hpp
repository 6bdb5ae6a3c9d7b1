#pragma once
/// \file
/// Ranking and population-weighted priority classes (DESIGN.md section 3): class 1 holds the
/// highest-scoring fifth of the population, class 5 the lowest. One rule for areas and pixels:
/// an item's class is where the middle of its population falls in the population ranked by
/// score, 1 + floor(5 (above + w / 2) / total), `above` being the population of strictly
/// higher scores, so items with equal scores share `above` and a class never depends on the
/// order items are listed in. Areas are ranked exactly (priority_classes, also the reference
/// of the tests); a grid's pixels, too many to sort, through a histogram of their scores
/// (ScoreClasses), which gives the same classes.

#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace riskmap::kernels {

/// Weights as integers of 2^-32 of a person: their sums are the same in any order of addition,
/// so tile size, thread count and rank count cannot change a class or a village total.
inline constexpr double kFixedPoint = 4294967296.0;
std::int64_t fixed_point(double value);

/// Class 1..5 of an item whose population middle lies `middle` into the ranked `total`.
int class_at(double middle, double total);

/// Indices sorted by descending score; NaN scores last; ties keep index order, so the result
/// is the same on every run.
std::vector<std::size_t> rank_order(std::span<const double> score);

/// Class 1..5 per item; 0 for NaN scores. Negative populations weigh 0; with no population at
/// all every item weighs 1.
std::vector<std::uint8_t> priority_classes(std::span<const double> score,
                                           std::span<const double> population);

/// Population-weighted histogram of non-negative float scores by the top 16 bits of their
/// bits (monotone in the score for >= 0), in fixed-point weights and counts, so histograms of
/// tiles add up to the same integers in any order.
struct ScoreHistogram {
    static constexpr int kBins = 1 << 16;
    std::vector<std::int64_t> weight = std::vector<std::int64_t>(kBins, 0);
    std::vector<std::int64_t> count = std::vector<std::int64_t>(kBins, 0);

    /// Counts one pixel (none for a NaN score); a NaN or negative population weighs 0.
    void add(float score, float population);
    void add(const ScoreHistogram& other);
};

/// The classes of pixels from the histogram of all their scores. Where a class boundary
/// falls inside a bin, the pixels in that bin need a second pass over the scores: partial()
/// per tile (any thread), add() in any order, then finish(); class_of is then exact.
class ScoreClasses {
public:
    /// Per ambiguous bin, the weight of each low-16-bit value.
    using Inside = std::map<std::uint32_t, std::vector<std::int64_t>>;

    explicit ScoreClasses(const ScoreHistogram& all);
    /// Whether any pixel's class needs the second pass.
    bool needs_second_pass() const { return !inside_.empty() && total_ > 0; }
    /// The second pass's sums over some pixels.
    Inside partial(std::span<const float> score, std::span<const float> population) const;
    void add(const Inside& partial);
    /// Ends the second pass (sums of the strictly higher scores inside each bin).
    void finish();
    /// 1..5, or 0 for a NaN score.
    std::uint8_t class_of(float score, float population) const;

private:
    std::int64_t weight_of(float population) const;

    bool unweighted_ = false;
    double total_ = 0;
    std::vector<std::int64_t> above_; ///< per bin, weight of all higher bins
    Inside inside_;
};

} // namespace riskmap::kernels
