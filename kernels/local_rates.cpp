#include "kernels/local_rates.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace riskmap::kernels {

std::vector<double> local_relative_rates(std::span<const double> x, std::span<const double> y,
                                         std::span<const double> events,
                                         std::span<const double> exposure,
                                         std::span<const char> use, double bandwidth_m) {
    const std::size_t n = x.size();
    std::vector<double> out(n, 1.0);
    double sum_y = 0, sum_n = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (use[i] && exposure[i] > 0)
            sum_y += events[i], sum_n += exposure[i];
    if (!(sum_n > 0) || !(sum_y > 0) || !(bandwidth_m > 0))
        return out;
    const double m = sum_y / sum_n, reach = 4 * bandwidth_m;
    // Areas filed by cells of the kernel's reach: each area looks at 3 x 3 cells.
    std::map<std::pair<long, long>, std::vector<std::size_t>> cells;
    const auto cell = [&](double v) { return static_cast<long>(std::floor(v / reach)); };
    for (std::size_t j = 0; j < n; ++j)
        if (use[j] && exposure[j] > 0 && std::isfinite(x[j]) && std::isfinite(y[j]))
            cells[{cell(x[j]), cell(y[j])}].push_back(j);
    for (std::size_t i = 0; i < n; ++i) {
        if (!use[i] || !std::isfinite(x[i]) || !std::isfinite(y[i]))
            continue;
        double ky = 0, kn = 0;
        const long cx = cell(x[i]), cy = cell(y[i]);
        for (long dx = -1; dx <= 1; ++dx) {
            for (long dy = -1; dy <= 1; ++dy) {
                const auto it = cells.find({cx + dx, cy + dy});
                if (it == cells.end())
                    continue;
                for (std::size_t j : it->second) {
                    const double d2 = (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]);
                    if (j == i || d2 > reach * reach)
                        continue;
                    const double w = std::exp(-d2 / (2 * bandwidth_m * bandwidth_m));
                    ky += w * events[j];
                    kn += w * exposure[j];
                }
            }
        }
        out[i] = (ky + 1) / (m * kn + 1);
    }
    return out;
}

} // namespace riskmap::kernels
