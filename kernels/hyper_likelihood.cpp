#include "kernels/hyperprior.hpp"

#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace riskmap::kernels {

namespace {
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// log Gamma(x + k) - log Gamma(x) - k log x, i.e. sum_{j<k} log(1 + j / x), without the
/// cancellation of the plain difference when x is huge (kappa -> 0 makes x -> infinity).
double log_rising_excess(double x, double k) {
    if (k <= 0)
        return 0;
    if (k <= 16 && k == std::floor(k)) {
        double s = 0;
        for (int j = 1; j < static_cast<int>(k); ++j)
            s += std::log1p(j / x);
        return s;
    }
    if (x >= 10) {
        // Stirling's series for both log Gammas (Abramowitz & Stegun 6.1.41), differenced
        // analytically; the first omitted term is below 1e-10 for x >= 10.
        const auto tail = [](double z) {
            const double z2 = z * z;
            return 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2);
        };
        return (x + k - 0.5) * std::log1p(k / x) - k + tail(x + k) - tail(x);
    }
    return boost::math::lgamma(x + k, Precision()) - boost::math::lgamma(x, Precision()) -
           k * std::log(x);
}

/// An area's prior mean: m, moved toward its neighbourhood by offset^spatial.
double area_mean(double m, std::span<const double> offset, std::size_t i, double spatial) {
    if (offset.empty() || spatial == 0)
        return m;
    return m * (spatial == 1     ? offset[i]
                : spatial == 0.5 ? std::sqrt(offset[i])
                                 : std::pow(offset[i], spatial));
}

/// Negative binomial: y ~ Poisson(n theta), theta ~ Gamma(shape 1/kappa^2, mean m_i).
double poisson_log_likelihood(std::span<const double> y, std::span<const double> n, double m,
                              double kappa, std::span<const double> offset, double spatial) {
    const double k2 = kappa * kappa, alpha = 1 / k2;
    double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!(n[i] > 0))
            continue;
        const double mi = area_mean(m, offset, i, spatial);
        sum += log_rising_excess(alpha, y[i]) + y[i] * std::log(mi) -
               (alpha + y[i]) * std::log1p(n[i] * mi * k2);
    }
    return sum;
}

/// Beta-binomial: y ~ Binomial(n, theta), theta ~ Beta with mean m_i and CV kappa.
double binomial_log_likelihood(std::span<const double> y, std::span<const double> n, double m,
                               double kappa, std::span<const double> offset, double spatial) {
    double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!(n[i] > 0))
            continue;
        const double mi = area_mean(m, offset, i, spatial);
        const double precision = (1 - mi) / (mi * kappa * kappa) - 1;
        if (!(precision > 0) || !(mi < 1))
            return -kInf;
        const double miss = std::max(0.0, n[i] - y[i]);
        sum += log_rising_excess(mi * precision, y[i]) +
               log_rising_excess((1 - mi) * precision, miss) - log_rising_excess(precision, n[i]) +
               y[i] * std::log(mi) + miss * std::log1p(-mi);
    }
    return sum;
}
} // namespace

HyperPoint hyper_point(RateModel model, double m, double kappa) {
    HyperPoint p;
    p.mean = m;
    p.kappa = kappa;
    if (model == RateModel::Poisson) {
        p.alpha = 1 / (kappa * kappa);
        p.beta = p.alpha / m;
    } else {
        const double precision = (1 - m) / (m * kappa * kappa) - 1;
        p.alpha = m * precision;
        p.beta = (1 - m) * precision;
    }
    return p;
}

double log_marginal_likelihood(RateModel model, std::span<const double> events,
                               std::span<const double> exposure, double m, double kappa,
                               std::span<const double> offset, double spatial) {
    return model == RateModel::Poisson
               ? poisson_log_likelihood(events, exposure, m, kappa, offset, spatial)
               : binomial_log_likelihood(events, exposure, m, kappa, offset, spatial);
}

std::pair<double, double> area_prior(RateModel model, const HyperPoint& p, double offset) {
    if (p.spatial == 0 || offset == 1)
        return {p.alpha, p.beta};
    // The strengths on the grid are 1/2 and 1: a square root, not pow, per area and point.
    const double factor = p.spatial == 1     ? offset
                          : p.spatial == 0.5 ? std::sqrt(offset)
                                             : std::pow(offset, p.spatial);
    const double m = p.mean * factor;
    if (model == RateModel::Poisson)
        return {p.alpha, p.alpha / m};
    const double precision = (1 - m) / (m * p.kappa * p.kappa) - 1;
    return {m * precision, (1 - m) * precision};
}

double HyperPosterior::spatial_weight(double beta) const {
    double s = 0;
    for (const auto& p : points)
        s += p.spatial == beta ? p.weight : 0.0;
    return s;
}

double HyperPosterior::mean_m() const {
    double s = 0;
    for (const auto& p : points)
        s += p.weight * p.mean;
    return s;
}

double HyperPosterior::mean_kappa() const {
    double s = 0;
    for (const auto& p : points)
        s += p.weight * p.kappa;
    return s;
}

double HyperPosterior::mean_kappa2() const {
    double s = 0;
    for (const auto& p : points)
        s += p.weight * p.kappa * p.kappa;
    return s;
}

double HyperPosterior::kappa_probability(double lo, double hi) const {
    double s = 0;
    for (const auto& p : points)
        s += p.kappa >= lo && p.kappa <= hi ? p.weight : 0.0;
    return s;
}

Prior HyperPosterior::moment_prior() const {
    double first = 0, second = 0;
    for (const auto& p : points) {
        first += p.weight * p.mean;
        second += p.weight * p.mean * p.mean * (1 + p.kappa * p.kappa);
    }
    Prior out;
    out.model = model;
    out.mean = first;
    out.variance = std::max(second - first * first, 1e-300);
    if (model == RateModel::Poisson) {
        out.alpha = first * first / out.variance;
        out.beta = first / out.variance;
    } else {
        const double precision = std::max(first * (1 - first) / out.variance - 1, 1e-9);
        out.alpha = first * precision;
        out.beta = (1 - first) * precision;
    }
    return out;
}

double HyperPosterior::signal_share() const {
    double s = 0;
    for (const auto& p : points) {
        const double between = p.kappa * p.kappa * p.mean * p.mean;
        const double sampling =
            (model == RateModel::Poisson ? p.mean : p.mean * (1 - p.mean)) * mean_inverse_exposure;
        s += p.weight * (between + sampling > 0 ? between / (between + sampling) : 0.0);
    }
    return s;
}

} // namespace riskmap::kernels
