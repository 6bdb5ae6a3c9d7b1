#include "kernels/self_check.hpp"

#include "kernels/random_draws.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace riskmap::kernels {

CoverageCount& CoverageCount::operator+=(const CoverageCount& o) {
    inside50 += o.inside50;
    inside80 += o.inside80;
    inside95 += o.inside95;
    areas += o.areas;
    return *this;
}

std::vector<std::size_t> self_check_areas(std::span<const double> exposure, std::size_t limit) {
    std::vector<std::size_t> with_data;
    for (std::size_t i = 0; i < exposure.size(); ++i)
        if (exposure[i] > 0)
            with_data.push_back(i);
    if (with_data.size() <= limit || limit == 0)
        return with_data;
    std::vector<std::size_t> subset;
    for (std::size_t k = 0; k < limit; ++k)
        subset.push_back(with_data[k * with_data.size() / limit]);
    return subset;
}

namespace {
const HyperPoint& draw_point(const HyperPosterior& h, Draws& d) {
    double u = d.uniform();
    for (const auto& p : h.points) {
        if (u < p.weight)
            return p;
        u -= p.weight;
    }
    return h.points.back();
}
} // namespace

CoverageCount self_check_replicate(RateModel model, std::span<const double> exposure,
                                   std::span<const double> offset,
                                   std::span<const std::size_t> areas, const HyperPrior& prior,
                                   const HyperPosterior& fitted, std::uint64_t seed,
                                   int replicate) {
    CoverageCount out;
    if (fitted.points.empty() || areas.empty())
        return out;
    Draws d(stream_key(seed, 0x5e1fc4ecULL, static_cast<std::uint64_t>(replicate)));
    const HyperPoint& truth = draw_point(fitted, d);
    std::vector<double> y, n, rate, s;
    for (std::size_t i : areas) {
        const double exposure_i = std::round(exposure[i]);
        s.push_back(offset.empty() ? 1.0 : offset[i]);
        const auto [a, b] = area_prior(model, truth, s.back());
        double theta;
        std::int64_t events;
        if (model == RateModel::Poisson) {
            theta = d.gamma(a) / b;
            events = d.poisson(exposure_i * theta);
        } else {
            theta = d.beta(a, b);
            events = d.binomial(static_cast<std::int64_t>(exposure_i), theta);
        }
        y.push_back(static_cast<double>(events));
        n.push_back(exposure_i);
        rate.push_back(theta);
    }
    const HyperPosterior refit = integrate_hyperparameters(
        model, y, n, prior, {},
        offset.empty() ? std::span<const double>{} : std::span<const double>(s));
    for (std::size_t k = 0; k < y.size(); ++k) {
        if (!(n[k] > 0))
            continue;
        // The central p interval holds the truth exactly when its PIT is within (1 - p) / 2 of
        // the ends.
        const double u = mixture_cdf(refit, y[k], n[k], rate[k], s[k]);
        const double from_end = std::min(u, 1 - u);
        out.inside50 += from_end > 0.25;
        out.inside80 += from_end > 0.10;
        out.inside95 += from_end > 0.025;
        out.areas += 1;
    }
    return out;
}

} // namespace riskmap::kernels
