/// \file
/// An area's posterior as the mixture over the hyperparameter grid (kernels/hyperprior.hpp):
/// given (m_k, kappa_k) the area's rate is Gamma(alpha_k + y, beta_k + n) or
/// Beta(alpha_k + y, beta_k + n - y), and the grid weights are the same for every area (they
/// already condition on all areas, this one included).

#include "kernels/gamma_tail.hpp"
#include "kernels/hyperprior.hpp"
#include "kernels/random_draws.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskmap::kernels {

namespace {
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// Shapes of component k's posterior.
struct Shapes {
    double a, b;
};

Shapes shapes(const HyperPosterior& h, const HyperPoint& p, double y, double n, double offset) {
    const auto [a, b] = area_prior(h.model, p, offset);
    if (h.model == RateModel::Poisson)
        return {a + y, b + n};
    return {a + y, b + std::max(0.0, n - y)};
}

double component_cdf(RateModel model, const Shapes& s, double x) {
    if (model == RateModel::Poisson)
        return 1 - gamma_upper_tail(s.a, s.b * x, Precision());
    return boost::math::ibeta(s.a, s.b, x, Precision());
}

double component_density(RateModel model, const Shapes& s, double x) {
    if (model == RateModel::Poisson)
        return s.b * boost::math::gamma_p_derivative(s.a, s.b * x, Precision());
    return boost::math::ibeta_derivative(s.a, s.b, x, Precision());
}

double component_mean(RateModel model, const Shapes& s) {
    return model == RateModel::Poisson ? s.a / s.b : s.a / (s.a + s.b);
}

double component_variance(RateModel model, const Shapes& s) {
    if (model == RateModel::Poisson)
        return s.a / (s.b * s.b);
    const double t = s.a + s.b;
    return s.a * s.b / (t * t * (t + 1));
}

/// A start for the quantile search: the Gamma/Beta with the mixture's mean and variance.
double moment_matched_quantile(const HyperPosterior& h, double y, double n, double p,
                               double offset) {
    double first = 0, second = 0;
    for (const auto& pt : h.points) {
        const Shapes s = shapes(h, pt, y, n, offset);
        const double mu = component_mean(h.model, s);
        first += pt.weight * mu;
        second += pt.weight * (component_variance(h.model, s) + mu * mu);
    }
    const double var = std::max(second - first * first, first * first * 1e-12);
    if (h.model == RateModel::Poisson) {
        const double shape = first * first / var;
        return boost::math::gamma_p_inv(shape, p, Precision()) * var / first;
    }
    const double precision = std::max(first * (1 - first) / var - 1, 1e-9);
    return boost::math::ibeta_inv(first * precision, (1 - first) * precision, p, Precision());
}
} // namespace

double mixture_cdf(const HyperPosterior& h, double y, double n, double x, double offset) {
    if (!(x > 0))
        return 0;
    if (h.model == RateModel::Binomial && x >= 1)
        return 1;
    double s = 0;
    for (const auto& p : h.points)
        s += p.weight * component_cdf(h.model, shapes(h, p, y, n, offset), x);
    return std::clamp(s, 0.0, 1.0);
}

double mixture_quantile(const HyperPosterior& h, double y, double n, double p, double offset) {
    const bool bounded = h.model == RateModel::Binomial;
    double lo = 0, hi = bounded ? 1 : std::numeric_limits<double>::infinity();
    double x = moment_matched_quantile(h, y, n, p, offset);
    if (!(x > 0) || (bounded && !(x < 1)))
        x = bounded ? 0.5 : 1e-3;
    // Newton on F(x) = p inside a bracket that only shrinks; a step that leaves the bracket
    // bisects instead (geometrically while the upper end is open).
    for (int iter = 0; iter < 200; ++iter) {
        double cdf = 0, density = 0;
        for (const auto& pt : h.points) {
            const Shapes s = shapes(h, pt, y, n, offset);
            cdf += pt.weight * component_cdf(h.model, s, x);
            density += pt.weight * component_density(h.model, s, x);
        }
        const double gap = cdf - p;
        if (gap < 0)
            lo = x;
        else
            hi = x;
        if (std::abs(gap) < 1e-13)
            break;
        double next = density > 0 ? x - gap / density : std::nan("");
        if (!(next > lo && next < hi))
            next = std::isinf(hi) ? 2 * x : (lo > 0 ? std::sqrt(lo * hi) : hi / 2);
        if (std::abs(next - x) <= 1e-14 * x)
            break;
        x = next;
    }
    return x;
}

double mixture_mean(const HyperPosterior& h, double y, double n, double offset) {
    double s = 0;
    for (const auto& p : h.points)
        s += p.weight * component_mean(h.model, shapes(h, p, y, n, offset));
    return s;
}

double mixture_exceedance(const HyperPosterior& h, double y, double n, double target,
                          double offset) {
    if (!(target > 0))
        return 1;
    if (h.model == RateModel::Binomial && target >= 1)
        return 0;
    double s = 0;
    for (const auto& p : h.points) {
        const Shapes c = shapes(h, p, y, n, offset);
        s += p.weight * (h.model == RateModel::Poisson
                             ? gamma_upper_tail(c.a, c.b * target, Precision())
                             : boost::math::ibetac(c.a, c.b, target, Precision()));
    }
    return std::clamp(s, 0.0, 1.0);
}

double mixture_excess(const HyperPosterior& h, double y, double n, double target, double offset) {
    double s = 0;
    for (const auto& p : h.points) {
        const Shapes c = shapes(h, p, y, n, offset);
        s += p.weight * excess_over(h.model, c.a, c.b, target);
    }
    return std::max(0.0, s);
}

double mixture_draw(const HyperPosterior& h, double y, double n, Draws& d, double offset) {
    double u = d.uniform();
    const HyperPoint* chosen = &h.points.back();
    for (const auto& p : h.points) {
        if (u < p.weight) {
            chosen = &p;
            break;
        }
        u -= p.weight;
    }
    const Shapes c = shapes(h, *chosen, y, n, offset);
    return h.model == RateModel::Poisson ? d.gamma(c.a) / c.b : d.beta(c.a, c.b);
}

Posterior mixture_posterior(const HyperPosterior& h, double y, double n, double target,
                            double offset) {
    Posterior out;
    out.mean = mixture_mean(h, y, n, offset);
    out.lower = mixture_quantile(h, y, n, 0.025, offset);
    out.upper = mixture_quantile(h, y, n, 0.975, offset);
    out.exceed = mixture_exceedance(h, y, n, target, offset);
    out.excess = mixture_excess(h, y, n, target, offset);
    return out;
}

} // namespace riskmap::kernels
