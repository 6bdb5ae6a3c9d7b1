#include "kernels/local_eb.hpp"

namespace riskmap::kernels {

std::vector<Prior> local_priors(RateModel model, std::span<const double> events,
                                std::span<const double> denominators, std::span<const char> use,
                                const NeighbourLists& neighbours) {
    std::vector<Prior> priors(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        priors[i].model = model;
        if (!use[i])
            continue;
        double sum_y = 0, sum_n = 0, sum_n_r2 = 0, areas = 0;
        const auto add = [&](std::size_t j) {
            if (!use[j] || !(denominators[j] > 0))
                return;
            const double r = events[j] / denominators[j];
            sum_y += events[j];
            sum_n += denominators[j];
            sum_n_r2 += denominators[j] * r * r;
            areas += 1;
        };
        add(i);
        for (std::int32_t j : neighbours[i])
            add(static_cast<std::size_t>(j));
        priors[i] = fit_prior_from_sums(model, sum_y, sum_n, sum_n_r2, areas);
    }
    return priors;
}

} // namespace riskmap::kernels
