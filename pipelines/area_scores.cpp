#include "pipelines/area_scores.hpp"

#include "core/village_code.hpp"
#include "kernels/local_eb.hpp"
#include "kernels/priority.hpp"

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

IndicatorScores score_indicator(const IndicatorCounts& counts, const IndicatorSpec& spec,
                                const kernels::NeighbourLists& neighbours) {
    const std::size_t n = counts.numerator.size();
    std::vector<double> y, d;
    for (std::size_t i = 0; i < n; ++i) {
        if (counts.reported[i]) {
            y.push_back(counts.numerator[i]);
            d.push_back(counts.denominator[i]);
        }
    }
    IndicatorScores s{
        std::vector<double>(n, kNaN),      std::vector<double>(n, kNaN),
        std::vector<double>(n, kNaN),      std::vector<double>(n, kNaN),
        std::vector<double>(n, kNaN),      kernels::fit_global_prior(spec.model, y, d),
        local_eb(counts, spec, neighbours)};
    for (std::size_t i = 0; i < n; ++i) {
        if (!counts.reported[i])
            continue;
        const double num = counts.numerator[i];
        const double den = counts.denominator[i];
        s.crude[i] = den > 0 ? num / den : kNaN;
        const auto post = kernels::posterior(s.prior, num, den, spec.target);
        s.eb[i] = post.mean;
        s.lower[i] = post.lower;
        s.upper[i] = post.upper;
        s.exceed[i] = post.exceed;
    }
    return s;
}

double burden(const AreaScores& a, std::size_t i, const JobConfig& cfg) {
    double total = 0;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const double rate = a.scores[k].eb[i];
        if (std::isnan(rate))
            continue;
        // Expected affected persons: rate x the indicator's population; without a population
        // raster the reported denominator is the best count of that population we have.
        const double at_risk = std::isnan(a.population[i])
                                   ? a.counts[k].denominator[i]
                                   : a.population[i] * cfg.indicators[k].population_share;
        total += rate * at_risk;
    }
    return total;
}
} // namespace

double risk_index(const std::vector<double>& exceed, double sanitation, const JobConfig& cfg) {
    double sum = 0, weights = 0;
    for (std::size_t k = 0; k < exceed.size(); ++k) {
        if (std::isnan(exceed[k]))
            continue;
        sum += cfg.indicators[k].weight * exceed[k];
        weights += cfg.indicators[k].weight;
    }
    if (!std::isnan(sanitation)) {
        sum += cfg.sanitation_weight * sanitation;
        weights += cfg.sanitation_weight;
    }
    return weights > 0 ? sum / weights : kNaN;
}

void score_areas(AreaScores& a, const JobConfig& cfg) {
    const std::size_t n = a.code.size();
    a.scores.clear();
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k)
        a.scores.push_back(score_indicator(a.counts[k], cfg.indicators[k], a.neighbours));
    a.risk_index.assign(n, kNaN);
    a.priority_score.assign(n, kNaN);
    std::vector<double> exceed(cfg.indicators.size());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < exceed.size(); ++k)
            exceed[k] = a.scores[k].exceed[i];
        a.risk_index[i] = risk_index(exceed, a.sanitation[i], cfg);
        a.priority_score[i] = a.risk_index[i] * burden(a, i, cfg);
    }
    a.order = kernels::rank_order(a.priority_score);
    a.rank.assign(n, kNaN);
    for (std::size_t r = 0; r < n; ++r)
        if (!std::isnan(a.priority_score[a.order[r]]))
            a.rank[a.order[r]] = static_cast<double>(r + 1);
    a.priority_class = kernels::priority_classes(a.priority_score, a.population);
}

AreaScores village_areas(const JobState& state) {
    AreaScores a;
    const std::size_t n = state.villages.table.size();
    for (const auto& v : state.villages.table.villages()) {
        a.code.push_back(v.code);
        a.name.push_back(v.name);
    }
    a.counts = state.counts;
    a.neighbours = state.neighbours;
    a.population.assign(n, kNaN);
    a.sanitation.assign(n, kNaN);
    if (!state.has_rasters)
        return a;
    a.population = state.footprint.population;
    if (state.sanitation)
        a.sanitation = state.village_sanitation;
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

AreaScores kecamatan_areas(const AreaScores& villages, std::size_t indicator_count) {
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < villages.code.size(); ++i)
        members[kecamatan_of(villages.code[i])].push_back(i);
    AreaScores a;
    a.counts.resize(indicator_count);
    a.neighbours = kecamatan_neighbours(villages, members);
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
        a.sanitation.push_back(san_weight > 0 ? san / san_weight : kNaN);
        for (std::size_t k = 0; k < indicator_count; ++k) {
            double y = 0, d = 0;
            char reported = 0;
            for (std::size_t i : list) {
                y += villages.counts[k].numerator[i];
                d += villages.counts[k].denominator[i];
                reported |= villages.counts[k].reported[i];
            }
            a.counts[k].numerator.push_back(y);
            a.counts[k].denominator.push_back(d);
            a.counts[k].reported.push_back(reported);
        }
    }
    return a;
}

Table area_table(const AreaScores& a, const JobConfig& cfg) {
    Table t;
    t.add_text("code").text = a.code;
    t.add_text("name").text = a.name;
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const std::string& p = cfg.indicators[k].name;
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
        t.add_real(p + "_lo", s.lower);
        t.add_real(p + "_hi", s.upper);
        t.add_real(p + "_exceed", s.exceed);
    }
    t.add_real("population", a.population);
    t.add_real("sanitation", a.sanitation);
    t.add_real("risk_index", a.risk_index);
    t.add_integer("priority_rank", a.rank);
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
