#include "kernels/pixel_uncertainty.hpp"

#include <algorithm>
#include <cmath>

namespace riskmap::kernels {

namespace {
double unit_variance(RateModel model, double theta) {
    return model == RateModel::Poisson ? theta : theta * (1 - theta);
}

/// The prior-stabilised rate under the kernel: never 0 where no event fell nearby.
double stabilised_rate(const Prior& p, double rate, double kish) {
    if (p.model == RateModel::Poisson)
        return (p.alpha + rate * kish) / (p.beta + kish);
    return (p.alpha + rate * kish) / (p.alpha + p.beta + kish);
}
} // namespace

double kish_exposure(const PixelSums& s) {
    return s.exposure_w2 > 0 ? s.exposure * s.exposure / s.exposure_w2 : s.exposure;
}

double local_between_variance(const PixelSums& s, const PixelUncertainty& u, double theta) {
    const double global = u.global_cv2 * theta * theta;
    if (!(s.exposure > 0) || !(s.village_share > 0))
        return global;
    const double rate = s.events / s.exposure;
    const double spread = std::max(0.0, s.rate2 / s.exposure - rate * rate);
    // The crude rates' own sampling variance, averaged as the spread weights them: each
    // village's v / n_v with weight W_v n_v gives v sum W_v / sum W_v n_v.
    const double sampling = unit_variance(u.prior.model, theta) * s.village_share / s.exposure;
    const double local = spread - sampling;
    // A moment estimate from V villages has variance about 2 (tau^2 + sampling)^2 / V; the
    // global value counts as local_prior_areas villages of a noise-free estimate. Precision
    // weights: the local one counts V / (1 + sampling / tau^2)^2 villages, tau^2 the larger of
    // the two estimates (a real local spread must not be judged by the global one's scale).
    const double noise = 1 + sampling / std::max({global, local, 1e-300});
    const double weight = s.village_share / (s.village_share + u.local_prior_areas * noise * noise);
    return std::max(0.0, (1 - weight) * global + weight * local);
}

Effective effective_counts(const PixelSums& s, const PixelUncertainty& u) {
    if (!(s.exposure > 0))
        return {};
    const double kish = kish_exposure(s);
    const double rate = s.events / s.exposure;
    const double theta = stabilised_rate(u.prior, rate, kish);
    const double v = unit_variance(u.prior.model, theta);
    const double deviation = (1 + u.subvillage_share2) * local_between_variance(s, u, theta) +
                             u.subvillage_cv2 * theta * theta;
    const double exposure = v > 0 ? 1 / (1 / kish + deviation / v) : kish;
    return {rate * exposure, exposure};
}

} // namespace riskmap::kernels
