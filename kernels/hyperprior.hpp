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
#include "kernels/random_draws.hpp"

#include <span>
#include <utility>
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

/// One grid point: the prior of an area's rate there, and its posterior weight. With a
/// spatial offset s_i (kernels/local_rates.hpp) the area's prior mean is m s_i^spatial.
struct HyperPoint {
    double mean = 0;    ///< m
    double kappa = 0;   ///< between-area coefficient of variation
    double alpha = 0;   ///< Gamma shape / Beta a of the prior of an area with s = 1
    double beta = 0;    ///< Gamma rate / Beta b
    double weight = 0;  ///< posterior weight; the weights sum to 1
    double spatial = 0; ///< beta: how far the prior follows the neighbourhood (0, 1/2, 1)
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
    /// Posterior weight of each spatial strength beta (0, 1/2, 1).
    double spatial_weight(double beta) const;
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
    double step = 1.0;  ///< in standard deviations of the Gaussian at the mode
    double drop = 3.5;  ///< keep points whose log density is within this of the mode
    int max_steps = 12; ///< per direction
};

/// Integrates over (m, kappa) for areas with `events` in `exposure`; areas with exposure 0
/// carry no information and are ignored. With no area at all the result is the hyperprior.
/// With spatial offsets `offset` (one per area), also over the strength beta of the spatial
/// borrowing, beta in {0, 1/2, 1} with equal prior weight, each weighed by its marginal
/// likelihood (the grid's sum of densities times its cell volume): Bayesian model averaging
/// between exchangeable areas and areas centred on their neighbourhood.
HyperPosterior integrate_hyperparameters(RateModel model, std::span<const double> events,
                                         std::span<const double> exposure, const HyperPrior& prior,
                                         const HyperGrid& grid = {},
                                         std::span<const double> offset = {});

/// Log of the marginal likelihood of all areas at (m, kappa) — each area's prior mean
/// m offset_i^spatial when offsets are given — constants dropped; -inf where an area's prior
/// does not exist (kappa^2 >= (1 - m_i) / m_i for a Beta). Exposed for tests.
double log_marginal_likelihood(RateModel model, std::span<const double> events,
                               std::span<const double> exposure, double m, double kappa,
                               std::span<const double> offset = {}, double spatial = 0);

/// An area's posterior as the mixture over the grid: mean, 95 % interval (bisection-safe
/// Newton on the mixture distribution function), P(rate > target) and E[(rate - target)+].
/// `offset` is the area's spatial offset (1 without one).
Posterior mixture_posterior(const HyperPosterior& h, double y, double n, double target,
                            double offset = 1);

/// The mixture's distribution function at x, and its p-quantile.
double mixture_cdf(const HyperPosterior& h, double y, double n, double x, double offset = 1);
double mixture_quantile(const HyperPosterior& h, double y, double n, double p, double offset = 1);

/// The mixture's mean, P(rate > target) and E[(rate - target)+] alone.
double mixture_mean(const HyperPosterior& h, double y, double n, double offset = 1);
double mixture_exceedance(const HyperPosterior& h, double y, double n, double target,
                          double offset = 1);
double mixture_excess(const HyperPosterior& h, double y, double n, double target,
                      double offset = 1);

/// One draw of the area's rate from the mixture (a grid point by its weight, then its Gamma or
/// Beta).
double mixture_draw(const HyperPosterior& h, double y, double n, Draws& d, double offset = 1);

/// The prior of an area at a grid point given its spatial offset: (shape a, b).
std::pair<double, double> area_prior(RateModel model, const HyperPoint& p, double offset);

} // namespace riskmap::kernels
