#include "pipelines/targeting.hpp"

#include "kernels/hyperprior.hpp"
#include "kernels/priority.hpp"
#include "kernels/random_draws.hpp"
#include "pipelines/map_styles.hpp"
#include "sched/parallel_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace riskmap {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One period's population at risk: the indicator's share of the area's people, or, without a
/// population raster, the reported denominator over the periods pooled.
double at_risk(const AreaScores& a, std::size_t k, std::size_t i, const IndicatorSpec& spec) {
    if (!std::isnan(a.population[i]))
        return a.population[i] * spec.population_share;
    const double periods = k < a.periods.size() ? a.periods[k] : 1;
    return a.counts[k].denominator[i] / std::max(1.0, periods);
}

/// P(rate > t) under the area's posterior (integrated or plug-in).
double exceedance(const IndicatorScores& s, const IndicatorCounts& c, std::size_t i, double t,
                  const UncertaintyConfig& u) {
    const double y = c.numerator[i], n = c.denominator[i];
    return u.integrated ? kernels::mixture_exceedance(s.hyper, y, n, t, s.offset_of(i))
                        : kernels::posterior(s.prior, y, n, t).exceed;
}

double prevalence_class(double mean, const IndicatorSpec& spec) {
    if (spec.class_breaks.empty() || std::isnan(mean))
        return kNaN;
    const auto above = std::upper_bound(spec.class_breaks.begin(), spec.class_breaks.end(), mean);
    return 1.0 + static_cast<double>(above - spec.class_breaks.begin());
}
} // namespace

std::string threshold_label(double proportion, const IndicatorSpec& spec) {
    std::string label = display_number(proportion * spec.display_scale);
    std::replace(label.begin(), label.end(), '.', 'p');
    return label;
}

void expected_cases(AreaScores& a, const JobConfig& cfg) {
    const std::size_t n = a.code.size();
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const IndicatorSpec& spec = cfg.indicators[k];
        IndicatorScores& s = a.scores[k];
        const IndicatorCounts& c = a.counts[k];
        s.at_risk.assign(n, kNaN);
        s.expected.assign(n, kNaN);
        s.excess.assign(n, kNaN);
        s.prevalence_class.assign(n, kNaN);
        s.p_above.assign(spec.more_targets.size(), std::vector<double>(n, kNaN));
        sched::for_chunks(static_cast<int>(n), 64, [&](int begin, int end) {
            for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
                if (std::isnan(s.mean[i]))
                    continue;
                s.at_risk[i] = at_risk(a, k, i, spec);
                s.expected[i] = s.at_risk[i] * s.mean[i];
                s.excess[i] = s.at_risk[i] * s.excess_rate[i];
                s.prevalence_class[i] = prevalence_class(s.mean[i], spec);
                for (std::size_t j = 0; j < spec.more_targets.size(); ++j)
                    s.p_above[j][i] = exceedance(s, c, i, spec.more_targets[j], cfg.uncertainty);
            }
        });
    }
}

namespace {
/// A draw of the area's rate from its posterior.
double draw_rate(const IndicatorScores& s, const IndicatorCounts& c, std::size_t i,
                 const UncertaintyConfig& u, kernels::Draws& d) {
    const double y = c.numerator[i], n = c.denominator[i];
    if (u.integrated)
        return kernels::mixture_draw(s.hyper, y, n, d, s.offset_of(i));
    const kernels::Prior& p = s.prior;
    if (p.point_mass())
        return p.mean;
    if (p.model == RateModel::Poisson)
        return d.gamma(p.alpha + y) / (p.beta + n);
    return d.beta(p.alpha + y, p.beta + std::max(0.0, n - y));
}

/// The list scores of one draw: each indicator's excess cases, then the weighted sum.
/// Keyed by (seed, draw, area): the same numbers on any thread and in any list.
void draw_scores(const AreaScores& a, const JobConfig& cfg, int draw, std::size_t list,
                 std::vector<double>& out) {
    const std::size_t indicators = cfg.indicators.size();
    for (std::size_t i = 0; i < out.size(); ++i) {
        kernels::Draws d(kernels::stream_key(cfg.uncertainty.seed ^ 0x7a26e7ULL,
                                             static_cast<std::uint64_t>(draw), i));
        double total = 0;
        bool any = false;
        out[i] = kNaN;
        for (std::size_t k = 0; k < indicators; ++k) {
            const IndicatorScores& s = a.scores[k];
            if (std::isnan(s.excess[i]))
                continue;
            const double theta = draw_rate(s, a.counts[k], i, cfg.uncertainty, d);
            const double excess = s.at_risk[i] * std::max(0.0, theta - cfg.indicators[k].target);
            if (k == list)
                out[i] = excess;
            total += cfg.indicators[k].priority_weight * excess;
            any = true;
        }
        if (list == indicators && any)
            out[i] = total;
    }
}

/// Mid-ranks (ties share the average of their places), 1 = highest; NaN scores stay NaN.
void mid_ranks(const std::vector<double>& score, std::vector<float>& rank) {
    const auto order = kernels::rank_order(score);
    for (std::size_t r = 0; r < order.size();) {
        if (std::isnan(score[order[r]])) {
            for (; r < order.size(); ++r)
                rank[order[r]] = std::numeric_limits<float>::quiet_NaN();
            break;
        }
        std::size_t end = r + 1;
        while (end < order.size() && score[order[end]] == score[order[r]])
            ++end;
        const auto mid = static_cast<float>(0.5 * double(r + 1 + end));
        for (std::size_t j = r; j < end; ++j)
            rank[order[j]] = mid;
        r = end;
    }
}

/// P(top K) and the 95 % rank interval of every area in list `list`.
void certainty(const AreaScores& a, const JobConfig& cfg, std::size_t list, TargetList& out) {
    const std::size_t n = a.code.size();
    const int draws = cfg.priority.draws;
    std::vector<float> ranks(n * static_cast<std::size_t>(draws));
    sched::for_each_index(draws, [&](int r) {
        std::vector<double> score(n);
        std::vector<float> rank(n);
        draw_scores(a, cfg, r, list, score);
        mid_ranks(score, rank);
        std::copy(rank.begin(), rank.end(), ranks.begin() + std::ptrdiff_t(n) * r);
    });
    const double ranked = static_cast<double>(
        std::count_if(out.score.begin(), out.score.end(), [](double v) { return !std::isnan(v); }));
    const double top = cfg.priority.top_k > 0 ? cfg.priority.top_k : std::ceil(ranked / 5);
    out.p_top.assign(n, kNaN);
    out.rank_lo.assign(n, kNaN);
    out.rank_hi.assign(n, kNaN);
    sched::for_chunks(static_cast<int>(n), 256, [&](int begin, int end) {
        std::vector<float> mine(static_cast<std::size_t>(draws));
        for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
            if (std::isnan(out.score[i]))
                continue;
            for (int r = 0; r < draws; ++r)
                mine[static_cast<std::size_t>(r)] = ranks[n * static_cast<std::size_t>(r) + i];
            std::sort(mine.begin(), mine.end());
            out.p_top[i] = static_cast<double>(std::count_if(mine.begin(), mine.end(),
                                                             [&](float v) { return v <= top; })) /
                           draws;
            out.rank_lo[i] = std::floor(mine[static_cast<std::size_t>(0.025 * (draws - 1))]);
            out.rank_hi[i] =
                std::ceil(mine[static_cast<std::size_t>(std::lround(0.975 * (draws - 1)))]);
        }
    });
}

std::vector<double> point_ranks(const std::vector<double>& score) {
    const auto order = kernels::rank_order(score);
    std::vector<double> rank(score.size(), kNaN);
    for (std::size_t r = 0; r < order.size(); ++r)
        if (!std::isnan(score[order[r]]))
            rank[order[r]] = static_cast<double>(r + 1);
    return rank;
}
} // namespace

void rank_lists(AreaScores& a, const JobConfig& cfg) {
    const std::size_t n = a.code.size(), indicators = cfg.indicators.size();
    a.lists.clear();
    for (std::size_t k = 0; k < indicators; ++k)
        a.lists.push_back({cfg.indicators[k].name, a.scores[k].excess, {}, {}, {}, {}});
    TargetList overall{"priority", std::vector<double>(n, kNaN), {}, {}, {}, {}};
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < indicators; ++k)
            if (const double e = a.scores[k].excess[i]; !std::isnan(e))
                overall.score[i] = (std::isnan(overall.score[i]) ? 0.0 : overall.score[i]) +
                                   cfg.indicators[k].priority_weight * e;
    a.lists.push_back(std::move(overall));
    for (std::size_t l = 0; l < a.lists.size(); ++l) {
        a.lists[l].rank = point_ranks(a.lists[l].score);
        certainty(a, cfg, l, a.lists[l]);
    }
    a.priority_score = a.lists.back().score;
    a.rank = a.lists.back().rank;
    a.order = kernels::rank_order(a.priority_score);
    a.priority_class = kernels::priority_classes(a.priority_score, a.population);
}

} // namespace riskmap
