#pragma once
/// \file
/// P(rate now > rate before): the change since last quarter with its uncertainty (DESIGN.md
/// section 3). The comparison uses each period's own evidence under Jeffreys priors, not the
/// two shrunken posteriors: both shrink toward the same prior, which would hide real changes
/// (under no change, far fewer than 5 % of areas would pass 0.95).

#include "core/indicator.hpp"

namespace riskmap::kernels {

/// An area's counts in two periods that share no data. Poisson: exact, conditioning on the
/// total (y_now | y_now + y_before is binomial with p = n_now theta_now / (n_now theta_now +
/// n_before theta_before); Beta(y_now + 1/2, y_before + 1/2) for p). Binomial: independent
/// Beta(y + 1/2, n - y + 1/2) rates, their logits' difference taken as normal. NaN without
/// exposure in either period.
double increase_probability(RateModel model, double y_now, double n_now, double y_before,
                            double n_before);

/// The same from (possibly fractional) effective counts, normal on the log (Poisson) or logit
/// (binomial) scale. `shared` is the share of each period's data the two have in common (a
/// rolling year moved by a quarter shares 3/4): only the rest can differ, so the variance of
/// the difference is (1 - shared) times that of independent periods.
double increase_probability_approx(RateModel model, double y_now, double n_now, double y_before,
                                   double n_before, double shared);

} // namespace riskmap::kernels
