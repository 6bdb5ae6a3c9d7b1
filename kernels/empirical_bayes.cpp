#include "kernels/empirical_bayes.hpp"
#include "kernels/gamma_tail.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>

namespace riskmap::kernels {

namespace {
// Double precision throughout: Boost's default promotes to long double (x87), about 3x
// slower per call (measured with perf on score.pixels) for digits our float maps never hold.
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// A Beta prior needs alpha + beta > 0, i.e. tau^2 < m(1 - m). Over-dispersion beyond that has
// no Beta prior; we keep the most diffuse one allowed, which leaves crude rates nearly unshrunk.
constexpr double kMinBetaPrecision = 1e-9;

void fit_gamma(Prior& p) {
    p.alpha = p.mean * p.mean / p.variance;
    p.beta = p.mean / p.variance;
}

void fit_beta(Prior& p) {
    const double precision = std::max(p.mean * (1 - p.mean) / p.variance - 1, kMinBetaPrecision);
    p.alpha = p.mean * precision;
    p.beta = (1 - p.mean) * precision;
}
} // namespace

Prior fit_prior_from_sums(RateModel model, double sum_y, double sum_n, double sum_n_r2,
                          double areas) {
    Prior p;
    p.model = model;
    if (sum_n <= 0 || areas <= 0)
        return p;
    const double m = sum_y / sum_n;
    const double s2 = std::max(0.0, sum_n_r2 / sum_n - m * m); // sum n (r - m)^2 / sum n
    const double n_bar = sum_n / areas;
    p.mean = m;
    if (model == RateModel::Poisson) {
        p.variance = std::max(0.0, s2 - m / n_bar);
    } else {
        p.variance = n_bar > 1 ? std::max(0.0, (s2 - m * (1 - m) / n_bar) / (1 - 1 / n_bar)) : 0;
        if (m >= 1)
            p.variance = 0;
    }
    if (p.point_mass())
        return p;
    if (model == RateModel::Poisson)
        fit_gamma(p);
    else
        fit_beta(p);
    return p;
}

Prior fit_global_prior(RateModel model, std::span<const double> events,
                       std::span<const double> denominators) {
    double sum_y = 0, sum_n = 0, sum_n_r2 = 0, areas = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const double n = denominators[i];
        if (!(n > 0))
            continue;
        const double r = events[i] / n;
        sum_y += events[i];
        sum_n += n;
        sum_n_r2 += n * r * r;
        areas += 1;
    }
    return fit_prior_from_sums(model, sum_y, sum_n, sum_n_r2, areas);
}

double eb_estimate(const Prior& prior, double y, double n) {
    if (prior.point_mass())
        return prior.mean;
    if (prior.model == RateModel::Poisson)
        return (prior.alpha + y) / (prior.beta + n);
    return (prior.alpha + y) / (prior.alpha + prior.beta + n);
}

namespace {
template <class Policy>
double exceedance_with(const Prior& prior, double y, double n, double target) {
    using namespace boost::math;
    if (prior.point_mass())
        return prior.mean > target ? 1.0 : 0.0;
    if (prior.model == RateModel::Poisson)
        return target > 0 ? gamma_upper_tail(prior.alpha + y, (prior.beta + n) * target, Policy())
                          : 1.0;
    if (target <= 0 || target >= 1)
        return target <= 0 ? 1.0 : 0.0;
    return ibetac(prior.alpha + y, prior.beta + std::max(0.0, n - y), target, Policy());
}
} // namespace

double exceedance(const Prior& prior, double y, double n, double target) {
    return exceedance_with<Precision>(prior, y, n, target);
}

double excess_over(RateModel model, double a, double b, double target) {
    using namespace boost::math;
    if (model == RateModel::Poisson) {
        if (!(target > 0))
            return a / b - target;
        return a / b * gamma_upper_tail(a + 1, b * target, Precision()) -
               target * gamma_upper_tail(a, b * target, Precision());
    }
    if (!(target > 0))
        return a / (a + b) - target;
    if (target >= 1)
        return 0;
    return a / (a + b) * ibetac(a + 1, b, target, Precision()) -
           target * ibetac(a, b, target, Precision());
}

namespace {
template <class Policy>
Posterior posterior_with(const Prior& prior, double y, double n, double target) {
    using namespace boost::math;
    Posterior out;
    out.mean = eb_estimate(prior, y, n);
    out.exceed = exceedance_with<Policy>(prior, y, n, target);
    if (prior.point_mass()) {
        out.lower = out.upper = prior.mean;
        out.excess = std::max(0.0, prior.mean - target);
        return out;
    }
    if (prior.model == RateModel::Poisson) {
        const double shape = prior.alpha + y;
        const double rate = prior.beta + n;
        out.excess = excess_over(RateModel::Poisson, shape, rate, target);
        out.lower = gamma_p_inv(shape, 0.025, Policy()) / rate;
        out.upper = gamma_p_inv(shape, 0.975, Policy()) / rate;
    } else {
        const double a = prior.alpha + y;
        const double b = prior.beta + std::max(0.0, n - y);
        out.excess = excess_over(RateModel::Binomial, a, b, target);
        out.lower = ibeta_inv(a, b, 0.025, Policy());
        out.upper = ibeta_inv(a, b, 0.975, Policy());
    }
    return out;
}

} // namespace

Posterior posterior(const Prior& prior, double y, double n, double target) {
    return posterior_with<Precision>(prior, y, n, target);
}

} // namespace riskmap::kernels
