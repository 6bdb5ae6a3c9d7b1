#pragma once
/// \file
/// What an indicator is: which record columns hold its counts, which statistical model fits
/// them, and the target planners compare against (DESIGN.md sections 1 and 3).

#include <string>
#include <vector>

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
    double target = 0; ///< the planning target (a proportion): exceedance, excess cases
    /// Further thresholds whose exceedance is reported (P(stunting > 20 %), P(> 30 %)).
    std::vector<double> more_targets;
    /// Prevalence classes by the posterior mean: ascending breaks and one name per class
    /// (stunting: WHO/UNICEF, de Onis et al. 2019); empty: none.
    std::vector<double> class_breaks;
    std::vector<std::string> class_names;
    /// Priority points per expected excess case (a stunted child, a maternal death) in the
    /// overall list: an explicit value judgement, never an implicit sum of unlike cases.
    double priority_weight = 1;
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
