#pragma once
/// \file
/// Calibration of a run's uncertainty against the truth `riskmap synth` wrote: do the 50, 80
/// and 95 % intervals hold the true rate that often, are the probability integral transforms
/// uniform, do the exceedance probabilities match the observed shares (reliability term of the
/// Brier score), and do P(increase) values stay near 5 % above 0.95 when nothing changed.
/// Raw sums per (indicator, level), so a script can pool replicates and scenarios.

#include <array>
#include <string>
#include <vector>

namespace riskmap::calibration {

struct Tally {
    std::string indicator;
    std::string level; ///< villages, kecamatan, pixels (pixels weighted by population)
    double weight = 0; ///< areas, or persons on the pixels evaluated
    double inside50 = 0, inside80 = 0, inside95 = 0;
    std::array<double, 20> pit{}; ///< weight per PIT twentieth
    std::array<double, 10> bin_weight{}, bin_predicted{}, bin_observed{}; ///< P(> target)
    double brier = 0;                                                     ///< sum w (p - o)^2
    double observed = 0;     ///< sum w o: the true share above target
    double rate_outside = 0; ///< pixels: weight where the kernel rate lies outside lo..hi
    double increase_n = 0, increase_above95 = 0, increase_below05 = 0; ///< villages only
};

/// Tallies of every indicator of the run (villages, kecamatan, pixels) against the truth in
/// `truth_dir`.
std::vector<Tally> evaluate(const std::string& truth_dir, const std::string& run_dir);

/// One CSV row per tally, C-locale numbers.
std::string csv(const std::vector<Tally>& tallies);

} // namespace riskmap::calibration
