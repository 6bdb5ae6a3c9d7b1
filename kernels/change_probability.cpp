#include "kernels/change_probability.hpp"

#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace riskmap::kernels {

namespace {
using Precision = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double normal_cdf(double z) {
    return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

/// Log (Poisson) or logit (binomial) of the Jeffreys estimate, and its variance.
struct Scaled {
    double value, variance;
};

Scaled scaled(RateModel model, double y, double n) {
    const double a = y + 0.5;
    if (model == RateModel::Poisson)
        return {std::log(a / n), 1 / a};
    const double b = std::max(0.0, n - y) + 0.5;
    return {std::log(a / b), 1 / a + 1 / b};
}
} // namespace

double increase_probability_approx(RateModel model, double y_now, double n_now, double y_before,
                                   double n_before, double shared) {
    if (!(n_now > 0) || !(n_before > 0))
        return kNaN;
    const Scaled now = scaled(model, y_now, n_now), before = scaled(model, y_before, n_before);
    const double variance = (now.variance + before.variance) * (1 - shared);
    if (!(variance > 0))
        return 0.5;
    return normal_cdf((now.value - before.value) / std::sqrt(variance));
}

double increase_probability(RateModel model, double y_now, double n_now, double y_before,
                            double n_before) {
    if (!(n_now > 0) || !(n_before > 0))
        return kNaN;
    if (model == RateModel::Binomial)
        return increase_probability_approx(model, y_now, n_now, y_before, n_before, 0);
    return boost::math::ibetac(y_now + 0.5, y_before + 0.5, n_now / (n_now + n_before),
                               Precision());
}

} // namespace riskmap::kernels
