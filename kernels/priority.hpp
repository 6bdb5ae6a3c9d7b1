#pragma once
/// \file
/// Ranking and population-weighted priority classes (DESIGN.md section 3): class 1 holds the
/// highest-scoring fifth of the population, class 5 the lowest.

#include <cstdint>
#include <span>
#include <vector>

namespace riskmap::kernels {

/// Indices sorted by descending score; NaN scores last; ties keep index order, so the result
/// is the same on every run.
std::vector<std::size_t> rank_order(std::span<const double> score);

/// Class 1..5 per item by where the middle of its population falls in the cumulative
/// population of the ranking; 0 for NaN scores. With no population at all every item weighs 1.
std::vector<std::uint8_t> priority_classes(std::span<const double> score,
                                           std::span<const double> population);

} // namespace riskmap::kernels
