#include "kernels/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace riskmap::kernels {

namespace {
/// Withholds the group's smallest published cells until its withheld cells are at least two
/// and sum to at least min_count (or none are withheld).
void protect_group_total(const std::vector<double>& counts, const std::vector<std::size_t>& cells,
                         double min_count, std::vector<Suppression>& out) {
    std::vector<std::size_t> published;
    std::size_t withheld = 0;
    double withheld_sum = 0;
    for (std::size_t i : cells) {
        if (out[i] == Suppression::Published)
            published.push_back(i);
        else if (out[i] == Suppression::Primary)
            ++withheld, withheld_sum += counts[i];
    }
    std::stable_sort(published.begin(), published.end(),
                     [&](std::size_t a, std::size_t b) { return counts[a] < counts[b]; });
    for (std::size_t i : published) {
        if (withheld == 0 || (withheld >= 2 && withheld_sum >= min_count))
            break;
        out[i] = Suppression::Complementary;
        ++withheld, withheld_sum += counts[i];
    }
}
} // namespace

std::vector<Suppression> suppress_small_counts(const std::vector<double>& counts,
                                               const std::vector<std::size_t>& group,
                                               double min_count) {
    std::vector<Suppression> out(counts.size(), Suppression::Published);
    std::map<std::size_t, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (std::isnan(counts[i]))
            out[i] = Suppression::NotReported;
        else if (counts[i] < min_count)
            out[i] = Suppression::Primary;
        if (i < group.size() && group[i] != kUngrouped)
            groups[group[i]].push_back(i);
    }
    for (const auto& [g, cells] : groups)
        protect_group_total(counts, cells, min_count, out);
    return out;
}

} // namespace riskmap::kernels
