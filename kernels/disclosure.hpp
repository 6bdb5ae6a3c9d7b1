#pragma once
/// \file
/// Small-count suppression for a public table (statistical disclosure control): which cells
/// of a table of counts must be withheld so that no count below a threshold can be read or
/// worked out from what is published.
///
/// Primary suppression withholds every count below `min_count`, zero included (a published
/// zero says exactly what the count is). Complementary suppression protects the group total
/// that is published beside the cells (a kecamatan's total above its villages): the total less
/// the published cells is the sum of the withheld ones, so the withheld cells of a group must
/// be at least two and sum to at least `min_count`; otherwise the smallest published cells of
/// the group are withheld too (Hundepool et al. 2012, Statistical Disclosure Control, section
/// 4.2: the threshold rule and secondary suppression). A group whose total is below
/// `min_count` has every cell below it: all primary, and its total is withheld by the level
/// above.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace riskmap::kernels {

enum class Suppression : std::uint8_t {
    Published = 0,
    Primary = 1,       ///< the count is below the threshold
    Complementary = 2, ///< withheld so that the group's total does not reveal a primary cell
    NotReported = 3,   ///< no count at all (no record): nothing to publish or protect
};

/// The group of a cell whose total is not published anywhere.
inline constexpr std::size_t kUngrouped = static_cast<std::size_t>(-1);

/// One decision per cell. `counts[i]` is NaN for a cell without a record; `group[i]` is the
/// index of the cell's group (cells of one group share a published total), or kUngrouped. Ties
/// between equal counts go to the lower cell index, so the result does not depend on anything but
/// the inputs.
std::vector<Suppression> suppress_small_counts(const std::vector<double>& counts,
                                               const std::vector<std::size_t>& group,
                                               double min_count);

} // namespace riskmap::kernels
