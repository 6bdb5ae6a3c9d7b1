#include "kernels/priority.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace riskmap::kernels {

std::int64_t fixed_point(double value) {
    return std::llround(value * kFixedPoint);
}

int class_at(double middle, double total) {
    return 1 + std::min(4, static_cast<int>(5 * middle / total));
}

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
    const auto ranked = static_cast<std::size_t>(
        std::count_if(score.begin(), score.end(), [](double s) { return !std::isnan(s); }));
    double total = 0;
    for (std::size_t n = 0; n < ranked; ++n)
        total += std::max(0.0, population[order[n]]);
    const bool unweighted = !(total > 0);
    if (unweighted)
        total = static_cast<double>(ranked);
    const auto weight = [&](std::size_t i) {
        return unweighted ? 1.0 : std::max(0.0, population[i]);
    };
    std::vector<std::uint8_t> classes(score.size(), 0);
    double above = 0;
    for (std::size_t first = 0, last = 0; first < ranked; first = last) {
        double tied = 0;
        for (last = first; last < ranked && score[order[last]] == score[order[first]]; ++last) {
            const std::size_t i = order[last];
            classes[i] = static_cast<std::uint8_t>(class_at(above + 0.5 * weight(i), total));
            tied += weight(i);
        }
        above += tied;
    }
    return classes;
}

void ScoreHistogram::add(float score, float population) {
    if (std::isnan(score))
        return;
    const auto bin = std::bit_cast<std::uint32_t>(score) >> 16;
    weight[bin] += fixed_point(population > 0 ? population : 0.0);
    count[bin] += 1;
}

void ScoreHistogram::add(const ScoreHistogram& other) {
    for (int b = 0; b < kBins; ++b) {
        weight[b] += other.weight[b];
        count[b] += other.count[b];
    }
}

ScoreClasses::ScoreClasses(const ScoreHistogram& all) {
    std::int64_t total = 0;
    for (auto w : all.weight)
        total += w;
    unweighted_ = total <= 0;
    const auto& bins = unweighted_ ? all.count : all.weight;
    above_.assign(ScoreHistogram::kBins, 0);
    std::int64_t running = 0;
    for (int b = ScoreHistogram::kBins - 1; b >= 0; --b) {
        above_[b] = running;
        running += bins[b];
    }
    total_ = static_cast<double>(running);
    for (int b = 0; b < ScoreHistogram::kBins; ++b)
        if (bins[b] > 0 &&
            class_at(double(above_[b]), total_) != class_at(double(above_[b] + bins[b]), total_))
            inside_[static_cast<std::uint32_t>(b)].assign(1 << 16, 0);
}

std::int64_t ScoreClasses::weight_of(float population) const {
    return unweighted_ ? 1 : fixed_point(population > 0 ? population : 0.0);
}

ScoreClasses::Inside ScoreClasses::partial(std::span<const float> score,
                                           std::span<const float> population) const {
    Inside local;
    for (std::size_t p = 0; p < score.size(); ++p) {
        if (std::isnan(score[p]))
            continue;
        const auto key = std::bit_cast<std::uint32_t>(score[p]);
        if (!inside_.count(key >> 16))
            continue;
        auto& bins = local[key >> 16];
        bins.resize(1 << 16, 0);
        bins[key & 0xffff] += weight_of(population[p]);
    }
    return local;
}

void ScoreClasses::add(const Inside& partial) {
    for (const auto& [bin, counts] : partial)
        for (std::size_t l = 0; l < counts.size(); ++l)
            inside_[bin][l] += counts[l];
}

void ScoreClasses::finish() {
    for (auto& [bin, counts] : inside_) {
        std::int64_t running = 0;
        for (int l = (1 << 16) - 1; l >= 0; --l) {
            const std::int64_t here = counts[l];
            counts[l] = running;
            running += here;
        }
    }
}

std::uint8_t ScoreClasses::class_of(float score, float population) const {
    if (std::isnan(score) || total_ <= 0)
        return 0;
    const auto key = std::bit_cast<std::uint32_t>(score);
    const std::int64_t above = above_[key >> 16];
    const auto it = inside_.find(key >> 16);
    if (it == inside_.end())
        return static_cast<std::uint8_t>(class_at(double(above), total_));
    const double middle =
        double(above + it->second[key & 0xffff]) + 0.5 * double(weight_of(population));
    return static_cast<std::uint8_t>(class_at(middle, total_));
}

} // namespace riskmap::kernels
