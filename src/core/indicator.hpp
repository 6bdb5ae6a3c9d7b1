#pragma once
/// \file
/// What an indicator is: which record columns hold its counts, which statistical model fits
/// them, and the target planners compare against (DESIGN.md sections 1 and 3).

#include <string>

namespace riskmap {

enum class RateModel {
    Binomial, ///< proportions such as stunting (numerator can never exceed denominator)
    Poisson   ///< rare events per exposure such as maternal deaths per live birth
};

struct IndicatorSpec {
    std::string name;        ///< "stunting", used as column and file prefix
    std::string numerator;   ///< record column with the events
    std::string denominator; ///< record column with the population at risk
    RateModel model = RateModel::Binomial;
    double target = 0;        ///< rate (as a proportion) whose exceedance is reported
    double display_scale = 1; ///< 100 for percent, 100000 for MMR
    std::string display_unit; ///< legend unit after scaling: "%", "per 100,000 live births"
    double weight = 1;        ///< weight in the composite risk index
    /// Share of total population that is the indicator's denominator population (children
    /// under five ~0.09, live births per quarter ~0.004); turns rates into affected persons.
    double population_share = 0.1;
    /// Smoothed (kernel-weighted) denominator below which a pixel's rate is nodata.
    double min_denominator = 0;
    /// Counts are summed over this many periods ending at the run's period (a rolling year of
    /// maternal deaths: 4), so a dozen events a quarter become four dozen.
    int pool_periods = 1;
};

} // namespace riskmap
