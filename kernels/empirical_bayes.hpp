#pragma once
/// \file
/// Global empirical Bayes priors and conjugate posteriors (DESIGN.md section 3).
///
/// Poisson model: Marshall (1991), "Mapping disease and mortality rates using empirical Bayes
/// estimators", Applied Statistics 40:283-294, method of moments, as spdep::EBest. Binomial
/// model: Martuzzi & Elliott (1996), "Empirical Bayes estimation of small area prevalence of
/// non-rare conditions", Statistics in Medicine 15:1867-1873, as spdep::EBest(family =
/// "binomial"). The posterior mean of the fitted Gamma/Beta prior equals the EB estimate.

#include "core/indicator.hpp"

#include <span>

namespace riskmap::kernels {

/// A Gamma(alpha, beta) prior for Poisson rates or Beta(alpha, beta) for proportions, with the
/// moments it was fitted from. A prior with zero variance is a point mass at `mean` (no extra
/// variation between areas, or no events at all): every posterior then equals `mean`.
struct Prior {
    RateModel model = RateModel::Poisson;
    double mean = 0;
    double variance = 0;
    double alpha = 0;
    double beta = 0;
    bool point_mass() const { return variance <= 0 || mean <= 0; }
};

/// Fits the prior from areas with a positive denominator; areas with n = 0 are ignored. With no
/// such area the prior is a point mass at 0.
Prior fit_global_prior(RateModel model, std::span<const double> events,
                       std::span<const double> denominators);

/// Fits a prior from precomputed sums: sum_y, sum_n, sum_n_r2 = sum n_i r_i^2, area count.
Prior fit_prior_from_sums(RateModel model, double sum_y, double sum_n, double sum_n_r2,
                          double areas);

struct Posterior {
    double mean = 0;   ///< equals the EB estimate
    double lower = 0;  ///< 2.5 % quantile
    double upper = 0;  ///< 97.5 % quantile
    double exceed = 0; ///< P(rate > target)
    double excess = 0; ///< E[(rate - target)+]: the expected rate above the target
};

/// E[(theta - t)+] for theta ~ Gamma(shape a, rate b) — (a / b) Q(a + 1, b t) - t Q(a, b t) — or
/// Beta(a, b) — a / (a + b) I^c_t(a + 1, b) - t I^c_t(a, b) — by Boost.Math: the reference of
/// every faster path.
double excess_over(RateModel model, double a, double b, double target);

/// Posterior of one area with y events in n at risk (y, n may be fractional effective counts).
Posterior posterior(const Prior& prior, double y, double n, double target);

/// posterior() to the precision of a float32 map (32 significant bits instead of 53), faster.
Posterior pixel_posterior(const Prior& prior, double y, double n, double target);

/// pixel_posterior() of every (y[i], n[i]) into out[i], several pixels at a time (faster for
/// the binomial model); each value is the one pixel_posterior() gives for that pixel alone.
void pixel_posteriors(const Prior& prior, std::span<const double> y, std::span<const double> n,
                      double target, std::span<Posterior> out);

/// P(rate > target) alone, for per-pixel maps where the interval is not needed.
double exceedance(const Prior& prior, double y, double n, double target);

/// The EB estimate alone (posterior mean), cheaper than posterior().
double eb_estimate(const Prior& prior, double y, double n);

} // namespace riskmap::kernels
