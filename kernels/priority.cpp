#include "kernels/priority.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace riskmap::kernels {

std::vector<std::size_t> rank_order(std::span<const double> score) {
    std::vector<std::size_t> order(score.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const bool a_nan = std::isnan(score[a]);
        const bool b_nan = std::isnan(score[b]);
        if (a_nan != b_nan)
            return b_nan;
        return !a_nan && score[a] > score[b];
    });
    return order;
}

std::vector<std::uint8_t> priority_classes(std::span<const double> score,
                                           std::span<const double> population) {
    const auto order = rank_order(score);
    double total = 0;
    for (std::size_t i : order)
        if (!std::isnan(score[i]))
            total += std::max(0.0, population[i]);
    const bool unweighted = !(total > 0);
    if (unweighted)
        total = static_cast<double>(
            std::count_if(score.begin(), score.end(), [](double s) { return !std::isnan(s); }));
    std::vector<std::uint8_t> classes(score.size(), 0);
    double before = 0;
    for (std::size_t i : order) {
        if (std::isnan(score[i]))
            break;
        const double w = unweighted ? 1.0 : std::max(0.0, population[i]);
        const double middle = (before + 0.5 * w) / total;
        classes[i] = static_cast<std::uint8_t>(1 + std::min(4, static_cast<int>(5 * middle)));
        before += w;
    }
    return classes;
}

} // namespace riskmap::kernels
