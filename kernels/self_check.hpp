#pragma once
/// \file
/// The run's self-check (DESIGN.md section 3): simulate districts from the fitted model with
/// the run's own denominators, fit each one exactly as the run did, and count how often the
/// posterior intervals hold the simulated true rates. It tells a planner the coverage this
/// run's intervals can be expected to have with data this thin, instead of assuming 95 %.

#include "kernels/hyperprior.hpp"

#include <cstdint>
#include <span>

namespace riskmap::kernels {

/// Areas whose simulated rates fell inside the central 50, 80 and 95 % posterior intervals.
struct CoverageCount {
    double inside50 = 0, inside80 = 0, inside95 = 0;
    double areas = 0;
    CoverageCount& operator+=(const CoverageCount& o);
};

/// Areas a replicate simulates: every area with a positive denominator up to `limit`, or an
/// evenly spaced subset of them (a national run needs no 84,000-village replicate to tell its
/// coverage). Returns indices into the spans.
std::vector<std::size_t> self_check_areas(std::span<const double> exposure, std::size_t limit);

/// One replicate: hyperparameters drawn from `fitted`, rates from the prior there (with the
/// areas' spatial offsets, which may be empty), counts from the rates and the areas'
/// denominators; refitted with `prior`. The same (seed, replicate)
/// gives the same count on any machine and thread.
CoverageCount self_check_replicate(RateModel model, std::span<const double> exposure,
                                   std::span<const double> offset,
                                   std::span<const std::size_t> areas, const HyperPrior& prior,
                                   const HyperPosterior& fitted, std::uint64_t seed, int replicate);

} // namespace riskmap::kernels
