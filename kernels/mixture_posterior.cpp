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
#include <tuple>
#include <utility>
#include <vector>

namespace riskmap::kernels {

namespace {
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// One area's mixture: every component's posterior shapes, weight and the log of its density's
/// normalising constant, computed once so that the Newton steps of the quantiles cost one
/// distribution function and one exp per component.
class AreaMixture {
public:
    AreaMixture(const HyperPosterior& h, double y, double n, double offset) : model_(h.model) {
        for (const auto& p : h.points) {
            const auto [a0, b0] = area_prior(h.model, p, offset);
            const double missing = model_ == RateModel::Poisson ? n : std::max(0.0, n - y);
            Component c{p.weight, a0 + y, b0 + missing, 0};
            using boost::math::lgamma;
            c.log_norm = model_ == RateModel::Poisson
                             ? c.a * std::log(c.b) - lgamma(c.a, Precision())
                             : lgamma(c.a + c.b, Precision()) - lgamma(c.a, Precision()) -
                                   lgamma(c.b, Precision());
            parts_.push_back(c);
        }
    }

    double cdf(double x) const {
        if (!(x > 0))
            return 0;
        if (model_ == RateModel::Binomial && x >= 1)
            return 1;
        double s = 0;
        for (const auto& c : parts_)
            s += c.weight * component_cdf(c, x);
        return std::clamp(s, 0.0, 1.0);
    }

    double quantile(double p) const;

    double mean() const {
        double s = 0;
        for (const auto& c : parts_)
            s += c.weight * component_mean(c);
        return s;
    }

    /// P(rate > t) and E[(rate - t)+] in one pass: the excess from the tail by the
    /// recurrences Q(a + 1, x) = Q(a, x) + x^a e^-x / Gamma(a + 1) (A&S 6.5.21) and
    /// I^c_t(a + 1, b) = I^c_t(a, b) + t^a (1 - t)^b / (a B(a, b)) (A&S 26.5.16).
    std::pair<double, double> tail(double t) const {
        double exceed = 0, excess = 0;
        for (const auto& c : parts_) {
            double q, e;
            if (!(t > 0)) {
                q = 1, e = component_mean(c) - t;
            } else if (model_ == RateModel::Binomial && t >= 1) {
                q = 0, e = 0;
            } else if (model_ == RateModel::Poisson) {
                q = gamma_upper_tail(c.a, c.b * t, Precision());
                // x^(a-1) e^-x / Gamma(a) at x = b t is the density at t over b.
                e = (c.a / c.b - t) * q + t * std::exp(log_density(c, t)) / c.b;
            } else {
                q = boost::math::ibetac(c.a, c.b, t, Precision());
                e = (c.a / (c.a + c.b) - t) * q +
                    std::exp(c.a * std::log(t) + c.b * std::log1p(-t) + c.log_norm) / (c.a + c.b);
            }
            exceed += c.weight * q;
            excess += c.weight * e;
        }
        return {std::clamp(exceed, 0.0, 1.0), std::max(0.0, excess)};
    }

private:
    struct Component {
        double weight, a, b, log_norm;
    };

    double component_cdf(const Component& c, double x) const {
        if (model_ == RateModel::Poisson)
            return 1 - gamma_upper_tail(c.a, c.b * x, Precision());
        return boost::math::ibeta(c.a, c.b, x, Precision());
    }
    /// log of the component's density at x in (0, 1) or (0, inf).
    double log_density(const Component& c, double x) const {
        if (model_ == RateModel::Poisson)
            return c.log_norm + (c.a - 1) * std::log(x) - c.b * x;
        return c.log_norm + (c.a - 1) * std::log(x) + (c.b - 1) * std::log1p(-x);
    }
    double component_mean(const Component& c) const {
        return model_ == RateModel::Poisson ? c.a / c.b : c.a / (c.a + c.b);
    }
    double component_variance(const Component& c) const {
        if (model_ == RateModel::Poisson)
            return c.a / (c.b * c.b);
        const double t = c.a + c.b;
        return c.a * c.b / (t * t * (t + 1));
    }
    double moment_matched_quantile(double p) const;

    RateModel model_;
    std::vector<Component> parts_;
};

/// A start for the quantile search: the Gamma/Beta with the mixture's mean and variance.
double AreaMixture::moment_matched_quantile(double p) const {
    double first = 0, second = 0;
    for (const auto& c : parts_) {
        const double mu = component_mean(c);
        first += c.weight * mu;
        second += c.weight * (component_variance(c) + mu * mu);
    }
    const double var = std::max(second - first * first, first * first * 1e-12);
    if (model_ == RateModel::Poisson) {
        const double shape = first * first / var;
        return boost::math::gamma_p_inv(shape, p, Precision()) * var / first;
    }
    const double precision = std::max(first * (1 - first) / var - 1, 1e-9);
    return boost::math::ibeta_inv(first * precision, (1 - first) * precision, p, Precision());
}

double AreaMixture::quantile(double p) const {
    const bool bounded = model_ == RateModel::Binomial;
    double lo = 0, hi = bounded ? 1 : std::numeric_limits<double>::infinity();
    double x = moment_matched_quantile(p);
    if (!(x > 0) || (bounded && !(x < 1)))
        x = bounded ? 0.5 : 1e-3;
    // Newton on F(x) = p inside a bracket that only shrinks; a step that leaves the bracket
    // bisects instead (geometrically while the upper end is open).
    for (int iter = 0; iter < 200; ++iter) {
        double cdf = 0, density = 0;
        for (const auto& c : parts_) {
            cdf += c.weight * component_cdf(c, x);
            density += c.weight * std::exp(log_density(c, x));
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
} // namespace

double mixture_cdf(const HyperPosterior& h, double y, double n, double x, double offset) {
    return AreaMixture(h, y, n, offset).cdf(x);
}

double mixture_quantile(const HyperPosterior& h, double y, double n, double p, double offset) {
    return AreaMixture(h, y, n, offset).quantile(p);
}

double mixture_mean(const HyperPosterior& h, double y, double n, double offset) {
    return AreaMixture(h, y, n, offset).mean();
}

double mixture_exceedance(const HyperPosterior& h, double y, double n, double target,
                          double offset) {
    return AreaMixture(h, y, n, offset).tail(target).first;
}

double mixture_excess(const HyperPosterior& h, double y, double n, double target, double offset) {
    return AreaMixture(h, y, n, offset).tail(target).second;
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
    const auto [a, b] = area_prior(h.model, *chosen, offset);
    if (h.model == RateModel::Poisson)
        return d.gamma(a + y) / (b + n);
    return d.beta(a + y, b + std::max(0.0, n - y));
}

Posterior mixture_posterior(const HyperPosterior& h, double y, double n, double target,
                            double offset) {
    const AreaMixture mix(h, y, n, offset);
    Posterior out;
    out.mean = mix.mean();
    out.lower = mix.quantile(0.025);
    out.upper = mix.quantile(0.975);
    std::tie(out.exceed, out.excess) = mix.tail(target);
    return out;
}

} // namespace riskmap::kernels
