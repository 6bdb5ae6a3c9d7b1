#include "pipelines/area_scores.hpp"

#include "core/village_code.hpp"
#include "kernels/change_probability.hpp"
#include "kernels/local_eb.hpp"
#include "kernels/local_rates.hpp"
#include "kernels/priority.hpp"
#include "pipelines/targeting.hpp"
#include "sched/parallel_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace riskmap {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> local_eb(const IndicatorCounts& counts, const IndicatorSpec& spec,
                             const kernels::NeighbourLists& neighbours) {
    const std::size_t n = counts.numerator.size();
    std::vector<double> out(n, kNaN);
    if (neighbours.size() != n)
        return out;
    const auto priors = kernels::local_priors(spec.model, counts.numerator, counts.denominator,
                                              counts.reported, neighbours);
    for (std::size_t i = 0; i < n; ++i)
        if (counts.reported[i])
            out[i] = kernels::eb_estimate(priors[i], counts.numerator[i], counts.denominator[i]);
    return out;
}

kernels::HyperPrior hyperprior_for(const IndicatorSpec& spec, const UncertaintyConfig& u) {
    return {spec.target, u.mean_sd, u.kappa_scale};
}

/// Areas a self-check replicate simulates: enough for a stable coverage figure, few enough
/// that a national run's replicates take a second.
constexpr std::size_t kSelfCheckAreas = 500;

kernels::CoverageCount self_check(const IndicatorSpec& spec, const UncertaintyConfig& u,
                                  const std::vector<double>& exposure,
                                  const std::vector<double>& offset,
                                  const kernels::HyperPosterior& fitted) {
    const auto areas = kernels::self_check_areas(exposure, kSelfCheckAreas);
    std::vector<kernels::CoverageCount> replicates(
        static_cast<std::size_t>(u.self_check_replicates));
    sched::for_each_index(u.self_check_replicates, [&](int r) {
        replicates[static_cast<std::size_t>(r)] = kernels::self_check_replicate(
            spec.model, exposure, offset, areas, hyperprior_for(spec, u), fitted, u.seed, r);
    });
    kernels::CoverageCount total;
    for (const auto& r : replicates)
        total += r;
    return total;
}

std::vector<double> increase_probabilities(const AreaScores& a, std::size_t k, RateModel model) {
    std::vector<double> out(a.code.size(), kNaN);
    if (k >= a.entering.size() || k >= a.leaving.size())
        return out;
    const IndicatorCounts& now = a.entering[k];
    const IndicatorCounts& before = a.leaving[k];
    for (std::size_t i = 0; i < out.size(); ++i)
        if (now.reported[i] && before.reported[i])
            out[i] = kernels::increase_probability(model, now.numerator[i], now.denominator[i],
                                                   before.numerator[i], before.denominator[i]);
    return out;
}

/// Each area's neighbourhood as a relative rate (kernels/local_rates.hpp), or none.
std::vector<double> spatial_offsets(const AreaScores& a, const IndicatorCounts& counts,
                                    const UncertaintyConfig& u) {
    if (!u.spatial || a.x.size() != counts.numerator.size())
        return {};
    return kernels::local_relative_rates(a.x, a.y, counts.numerator, counts.denominator,
                                         counts.reported, a.bandwidth_m);
}

IndicatorScores score_indicator(const AreaScores& a, std::size_t k, const JobConfig& cfg) {
    const IndicatorCounts& counts = a.counts[k];
    const IndicatorSpec& spec = cfg.indicators[k];
    const UncertaintyConfig& u = cfg.uncertainty;
    const std::size_t n = counts.numerator.size();
    IndicatorScores s;
    s.offset = spatial_offsets(a, counts, u);
    std::vector<double> y, d, offset;
    for (std::size_t i = 0; i < n; ++i) {
        if (counts.reported[i]) {
            y.push_back(counts.numerator[i]);
            d.push_back(counts.denominator[i]);
            if (!s.offset.empty())
                offset.push_back(s.offset[i]);
        }
    }
    for (auto* column : {&s.crude, &s.eb, &s.mean, &s.lower, &s.upper, &s.exceed, &s.excess_rate})
        column->assign(n, kNaN);
    s.prior = kernels::fit_global_prior(spec.model, y, d);
    s.local_eb = local_eb(counts, spec, a.neighbours);
    if (u.integrated) {
        s.hyper = kernels::integrate_hyperparameters(spec.model, y, d, hyperprior_for(spec, u), {},
                                                     offset);
        s.exchangeable =
            offset.empty()
                ? s.hyper
                : kernels::integrate_hyperparameters(spec.model, y, d, hyperprior_for(spec, u));
        if (u.self_check_replicates > 0)
            s.self_check = self_check(spec, u, d, offset, s.hyper);
    }
    // Each area's mixture posterior takes about 0.1 ms (two Newton searches over ~60
    // components): areas run in parallel, each written by one task.
    sched::for_chunks(static_cast<int>(n), 64, [&](int begin, int end) {
        for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
            if (!counts.reported[i])
                continue;
            const double num = counts.numerator[i], den = counts.denominator[i];
            s.crude[i] = den > 0 ? num / den : kNaN;
            s.eb[i] = kernels::eb_estimate(s.prior, num, den);
            const auto post = u.integrated ? kernels::mixture_posterior(s.hyper, num, den,
                                                                        spec.target, s.offset_of(i))
                                           : kernels::posterior(s.prior, num, den, spec.target);
            s.mean[i] = post.mean;
            s.lower[i] = post.lower;
            s.upper[i] = post.upper;
            s.exceed[i] = post.exceed;
            s.excess_rate[i] = post.excess;
        }
    });
    return s;
}

} // namespace

kernels::ScoreWeights score_weights(const JobConfig& cfg) {
    kernels::ScoreWeights w;
    for (const IndicatorSpec& spec : cfg.indicators) {
        w.risk.push_back(spec.weight);
        w.priority.push_back(spec.priority_weight);
        w.population_share.push_back(spec.population_share);
    }
    w.sanitation = cfg.sanitation_weight;
    return w;
}

void score_areas(AreaScores& a, const JobConfig& cfg) {
    const std::size_t n = a.code.size();
    a.scores.clear();
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        a.scores.push_back(score_indicator(a, k, cfg));
        a.scores.back().p_increase = increase_probabilities(a, k, cfg.indicators[k].model);
    }
    a.risk_index.assign(n, kNaN);
    const kernels::ScoreWeights weights = score_weights(cfg);
    std::vector<double> exceed(cfg.indicators.size());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < exceed.size(); ++k)
            exceed[k] = a.scores[k].exceed[i];
        a.risk_index[i] = kernels::risk_index(exceed, a.sanitation[i], weights);
    }
    expected_cases(a, cfg);
    rank_lists(a, cfg);
}

AreaScores village_areas(const JobState& state) {
    AreaScores a;
    const std::size_t n = state.villages().table.size();
    for (const auto& v : state.villages().table.villages()) {
        a.code.push_back(v.code);
        a.name.push_back(v.name);
    }
    a.counts = state.records().counts;
    for (const auto& pool : state.records().pools)
        a.periods.push_back(static_cast<double>(std::max<std::size_t>(1, pool.found.size())));
    a.entering = state.records().entering;
    a.leaving = state.records().leaving;
    a.neighbours = state.neighbours().lists;
    const io::Points points = io::village_points_m(state.villages());
    a.x = points.x;
    a.y = points.y;
    a.bandwidth_m = state.config.bandwidth_m;
    a.population.assign(n, kNaN);
    a.sanitation.assign(n, kNaN);
    if (!state.has_rasters)
        return a;
    a.population = state.zones().footprint.population;
    a.sanitation = state.zones().village_sanitation; // NaN throughout without sanitation
    return a;
}

namespace {
/// Two kecamatan are neighbours when any of their villages are.
kernels::NeighbourLists
kecamatan_neighbours(const AreaScores& villages,
                     const std::map<std::string, std::vector<std::size_t>>& members) {
    if (villages.neighbours.size() != villages.code.size())
        return {};
    std::vector<std::int32_t> owner(villages.code.size());
    std::int32_t k = 0;
    for (const auto& entry : members) {
        for (std::size_t i : entry.second)
            owner[i] = k;
        ++k;
    }
    kernels::NeighbourLists out(members.size());
    for (std::size_t i = 0; i < villages.code.size(); ++i)
        for (std::int32_t j : villages.neighbours[i])
            if (owner[j] != owner[i])
                out[owner[i]].push_back(owner[j]);
    for (auto& l : out) {
        std::sort(l.begin(), l.end());
        l.erase(std::unique(l.begin(), l.end()), l.end());
    }
    return out;
}
} // namespace

namespace {
/// Appends the sum of `list`'s counts as one more area.
void add_sum(IndicatorCounts& to, const IndicatorCounts& from,
             const std::vector<std::size_t>& list) {
    double y = 0, d = 0;
    char reported = 0;
    for (std::size_t i : list) {
        y += from.numerator[i];
        d += from.denominator[i];
        reported = static_cast<char>(reported | from.reported[i]);
    }
    to.numerator.push_back(y);
    to.denominator.push_back(d);
    to.reported.push_back(reported);
}
} // namespace

AreaScores parent_areas(const AreaScores& villages, AreaUnit unit, std::size_t indicator_count) {
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < villages.code.size(); ++i)
        members[parent_code(villages.code[i], unit)].push_back(i);
    AreaScores a;
    a.counts.resize(indicator_count);
    a.entering.resize(villages.entering.empty() ? 0 : indicator_count);
    a.leaving.resize(villages.leaving.empty() ? 0 : indicator_count);
    a.neighbours = kecamatan_neighbours(villages, members);
    a.periods = villages.periods;
    // As many areas under the kernel as for villages: the bandwidth grows with their size.
    a.bandwidth_m = villages.bandwidth_m *
                    std::sqrt(double(villages.code.size()) / std::max(1.0, double(members.size())));
    for (const auto& [code, list] : members) {
        a.code.push_back(code);
        a.name.emplace_back();
        double pop = 0, san = 0, san_weight = 0;
        for (std::size_t i : list) {
            pop += std::isnan(villages.population[i]) ? 0 : villages.population[i];
            if (!std::isnan(villages.sanitation[i]) && villages.population[i] > 0) {
                san += villages.sanitation[i] * villages.population[i];
                san_weight += villages.population[i];
            }
        }
        a.population.push_back(std::isnan(villages.population[list[0]]) ? kNaN : pop);
        double x = 0, y = 0, points = 0;
        for (std::size_t i : list)
            if (i < villages.x.size() && std::isfinite(villages.x[i]))
                x += villages.x[i], y += villages.y[i], points += 1;
        a.x.push_back(points > 0 ? x / points : kNaN);
        a.y.push_back(points > 0 ? y / points : kNaN);
        a.sanitation.push_back(san_weight > 0 ? san / san_weight : kNaN);
        for (std::size_t k = 0; k < indicator_count; ++k) {
            add_sum(a.counts[k], villages.counts[k], list);
            if (k < villages.entering.size())
                add_sum(a.entering[k], villages.entering[k], list);
            if (k < villages.leaving.size())
                add_sum(a.leaving[k], villages.leaving[k], list);
        }
    }
    return a;
}

namespace {
void add_list_columns(Table& t, const TargetList& list, const std::string& prefix) {
    t.add_integer(prefix + "_rank", list.rank);
    t.add_real(prefix + "_p_top", list.p_top);
    t.add_integer(prefix + "_rank_lo", list.rank_lo);
    t.add_integer(prefix + "_rank_hi", list.rank_hi);
}

void add_indicator_columns(Table& t, const AreaScores& a, const JobConfig& cfg, std::size_t k) {
    const IndicatorSpec& spec = cfg.indicators[k];
    const std::string& p = spec.name;
    const auto& s = a.scores[k];
    std::vector<double> num = a.counts[k].numerator, den = a.counts[k].denominator;
    for (std::size_t i = 0; i < num.size(); ++i)
        if (!a.counts[k].reported[i])
            num[i] = den[i] = kNaN;
    t.add_integer(p + "_num", std::move(num));
    t.add_integer(p + "_den", std::move(den));
    t.add_real(p + "_crude", s.crude);
    t.add_real(p + "_eb", s.eb);
    t.add_real(p + "_ebl", s.local_eb);
    if (!s.offset.empty()) {
        std::vector<double> local = s.offset;
        for (std::size_t i = 0; i < local.size(); ++i)
            if (!a.counts[k].reported[i])
                local[i] = kNaN;
        t.add_real(p + "_local", std::move(local));
    }
    t.add_real(p + "_mean", s.mean);
    t.add_real(p + "_lo", s.lower);
    t.add_real(p + "_hi", s.upper);
    t.add_real(p + "_exceed", s.exceed);
    for (std::size_t j = 0; j < spec.more_targets.size(); ++j)
        t.add_real(p + "_p_above_" + threshold_label(spec.more_targets[j], spec), s.p_above[j]);
    if (!spec.class_breaks.empty())
        t.add_integer(p + "_class", s.prevalence_class);
    t.add_real(p + "_p_increase", s.p_increase);
    t.add_real(p + "_expected", s.expected);
    t.add_real(p + "_excess", s.excess);
    add_list_columns(t, a.lists[k], p);
}
} // namespace

Table area_table(const AreaScores& a, const JobConfig& cfg) {
    Table t;
    t.add_text("code").text = a.code;
    t.add_text("name").text = a.name;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k)
        add_indicator_columns(t, a, cfg, k);
    t.add_real("population", a.population);
    t.add_real("sanitation", a.sanitation);
    t.add_real("risk_index", a.risk_index);
    t.add_real("priority_score", a.priority_score);
    add_list_columns(t, a.lists.back(), "priority");
    std::vector<double> classes;
    for (auto c : a.priority_class)
        classes.push_back(c ? static_cast<double>(c) : kNaN);
    t.add_integer("priority_class", std::move(classes));
    for (const auto& column : a.previous)
        t.columns.push_back(column);
    t.order = a.order;
    return t;
}

} // namespace riskmap
