#pragma once
/// \file
/// Local empirical Bayes: the global estimator of empirical_bayes.hpp with every sum taken
/// over the area and its neighbours, the variance about that local mean — the GeoDa/textbook
/// form, as spdep::EBlocal(..., geoda = TRUE) (Anselin, Lozano & Koschinsky 2006, "Rate
/// transformations and smoothing", GeoDa Center). An island (no neighbour) has a local prior
/// fitted to itself alone, a point mass at its own rate: its local EB is its crude rate.

#include "kernels/contiguity.hpp"
#include "kernels/empirical_bayes.hpp"

#include <span>
#include <vector>

namespace riskmap::kernels {

/// Local prior of each area; areas with use[i] == 0 (no record) neither get nor give one.
std::vector<Prior> local_priors(RateModel model, std::span<const double> events,
                                std::span<const double> denominators, std::span<const char> use,
                                const NeighbourLists& neighbours);

} // namespace riskmap::kernels
