#pragma once
/// \file
/// Hyperparameters integrated, not plugged in (DESIGN.md section 3, "Posterior and
/// exceedance"). Areas have rates theta_i drawn from a Gamma (Poisson counts) or Beta
/// (binomial counts) with mean m and coefficient of variation kappa. Instead of a moment
/// estimate of (m, kappa) treated as known — 0 between-area variance half the time when a
/// district holds a dozen maternal deaths — (log m or logit m, log kappa) is weighted on a grid
/// by the marginal likelihood (negative binomial, beta-binomial) times a proper hyperprior, and
/// each area's posterior is the mixture over the grid.
///
/// The grid follows INLA's "grid strategy" (Rue, Martino & Chopin 2009, JRSS B 71:319-392,
/// section 6.5): find the mode of the log posterior, take the Hessian there, and walk a
/// regular grid in the standardised (eigen) coordinates z until the log density has dropped
/// by more than `drop` (asymmetric where the posterior is). See also Christiansen & Morris
/// (1997), "Hierarchical Poisson regression modeling", JASA 92:618-632, whose point is the
/// same: intervals that ignore the uncertainty in the prior's variance under-cover.

#include "core/indicator.hpp"
#include "kernels/empirical_bayes.hpp"

#include <span>
#include <vector>

namespace riskmap::kernels {

/// The proper hyperprior on (m, kappa).
struct HyperPrior {
    /// Prior median of m (the indicator's target is a natural, stated choice).
    double mean_centre = 0.1;
    /// Standard deviation of log m (Poisson) or logit m (binomial): 2.3 is a factor of 10.
    double mean_sd = 2.3;
    /// kappa ~ half-normal with this scale: 95 % of the prior below 1.96 x scale.
    double kappa_scale = 1;
};

/// One grid point: the prior of an area's rate there, and its posterior weight.
struct HyperPoint {
    double mean = 0;   ///< m
    double kappa = 0;  ///< between-area coefficient of variation
    double alpha = 0;  ///< Gamma shape / Beta a of the area prior at (m, kappa)
    double beta = 0;   ///< Gamma rate / Beta b
    double weight = 0; ///< posterior weight; the weights sum to 1
};

struct HyperPosterior {
    RateModel model = RateModel::Poisson;
    std::vector<HyperPoint> points;
    double mode_mean = 0, mode_kappa = 0; ///< posterior mode of (m, kappa)
    double areas = 0;                     ///< areas with a positive denominator
    double events = 0, exposure = 0;      ///< their sums
    double mean_inverse_exposure = 0;     ///< mean of 1 / n_i over those areas

    /// Posterior means of m, kappa and kappa^2.
    double mean_m() const;
    double mean_kappa() const;
    double mean_kappa2() const;
    /// Posterior probability that kappa lies in [lo, hi].
    double kappa_probability(double lo, double hi) const;
    /// The rate of a new area as one Gamma/Beta with the mixture's mean and variance (used
    /// per pixel, where a mixture per pixel would cost too much).
    Prior moment_prior() const;
    /// Share of the variance of crude area rates that is true between-area variation
    /// (kappa^2 m^2 against the mean sampling variance), averaged over the grid: near 0 the
    /// area differences are mostly noise and the estimates mostly the prior.
    double signal_share() const;
};

/// The grid point at (m, kappa), with the area prior's shapes there (weight 0).
HyperPoint hyper_point(RateModel model, double m, double kappa);

/// Settings of the grid walk.
struct HyperGrid {
    double step = 0.75; ///< in standard deviations of the Gaussian at the mode
    double drop = 4.0;  ///< keep points whose log density is within this of the mode
    int max_steps = 12; ///< per direction
};

/// Integrates over (m, kappa) for areas with `events` in `exposure`; areas with exposure 0
/// carry no information and are ignored. With no area at all the result is the hyperprior.
HyperPosterior integrate_hyperparameters(RateModel model, std::span<const double> events,
                                         std::span<const double> exposure, const HyperPrior& prior,
                                         const HyperGrid& grid = {});

/// Log of the marginal likelihood of all areas at (m, kappa), constants dropped; -inf where
/// (m, kappa) has no prior (kappa^2 >= (1 - m) / m for a Beta). Exposed for tests.
double log_marginal_likelihood(RateModel model, std::span<const double> events,
                               std::span<const double> exposure, double m, double kappa);

/// An area's posterior as the mixture over the grid: mean, 95 % interval (bisection-safe
/// Newton on the mixture distribution function) and P(rate > target).
Posterior mixture_posterior(const HyperPosterior& h, double y, double n, double target);

/// The mixture's distribution function at x, and its p-quantile.
double mixture_cdf(const HyperPosterior& h, double y, double n, double x);
double mixture_quantile(const HyperPosterior& h, double y, double n, double p);

/// The mixture's mean and P(rate > target) alone.
double mixture_mean(const HyperPosterior& h, double y, double n);
double mixture_exceedance(const HyperPosterior& h, double y, double n, double target);

} // namespace riskmap::kernels
