#include "pipelines/public_set.hpp"

#include "core/village_code.hpp"
#include "pipelines/area_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace riskmap {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_withheld(kernels::Suppression s) {
    return s == kernels::Suppression::Primary || s == kernels::Suppression::Complementary;
}

/// Each area's parent, whose total the public parent table shows; none without a parent level.
std::vector<std::size_t> parent_groups(const AreaScores& areas, AreaUnit unit) {
    std::vector<std::size_t> group(areas.code.size(), kernels::kUngrouped);
    if (!parent_unit(unit))
        return group;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < areas.code.size(); ++i)
        group[i] = index.emplace(parent_code(areas.code[i], unit), index.size()).first->second;
    return group;
}

PublicAreas public_areas(const AreaScores& areas, const std::vector<std::size_t>& group,
                         const JobConfig& cfg) {
    PublicAreas p;
    p.scores = areas;
    // One period's counts (P(increase)) and last quarter's values are not protected here.
    p.scores.entering.clear();
    p.scores.leaving.clear();
    p.scores.previous.clear();
    p.reported = areas.counts;
    for (auto& counts : p.scores.counts) {
        std::vector<double> value(counts.numerator.size(), kNaN);
        for (std::size_t i = 0; i < value.size(); ++i)
            if (counts.reported[i])
                value[i] = counts.numerator[i];
        auto withheld = kernels::suppress_small_counts(value, group, cfg.min_count);
        for (std::size_t i = 0; i < value.size(); ++i)
            if (is_withheld(withheld[i])) {
                counts.reported[i] = 0;
                counts.numerator[i] = counts.denominator[i] = 0;
            }
        p.withheld.push_back(std::move(withheld));
    }
    score_areas(p.scores, cfg);
    return p;
}

TableColumn* find_column(Table& t, const std::string& name) {
    for (auto& c : t.columns)
        if (c.name == name)
            return &c;
    return nullptr;
}
} // namespace

void make_public_set(JobState& state) {
    const JobConfig& cfg = state.config;
    state.scores().public_villages =
        public_areas(state.scores().villages,
                     parent_groups(state.scores().villages, state.villages().unit), cfg);
    state.scores().public_parents.reset();
    if (!state.scores().parents.code.empty()) // the level above has no published total over it
        state.scores().public_parents = public_areas(
            state.scores().parents,
            std::vector<std::size_t>(state.scores().parents.code.size(), kernels::kUngrouped), cfg);
}

Table public_area_table(const PublicAreas& areas, const JobConfig& cfg) {
    Table t = area_table(areas.scores, cfg);
    for (std::size_t k = 0; k < cfg.indicators.size(); ++k) {
        const std::string& name = cfg.indicators[k].name;
        const auto& withheld = areas.withheld[k];
        std::vector<double> code(withheld.size(), kNaN);
        TableColumn* den = find_column(t, name + "_den");
        for (std::size_t i = 0; i < withheld.size(); ++i) {
            if (withheld[i] != kernels::Suppression::NotReported)
                code[i] = static_cast<double>(withheld[i]);
            if (is_withheld(withheld[i]))
                den->number[i] = areas.reported[k].denominator[i];
        }
        const auto at = std::find_if(t.columns.begin(), t.columns.end(),
                                     [&](const TableColumn& c) { return c.name == name + "_den"; });
        t.columns.insert(
            at + 1,
            TableColumn{name + "_withheld", TableColumn::Kind::Integer, {}, std::move(code)});
    }
    std::erase_if(t.columns, [](const TableColumn& c) { return c.name.ends_with("_p_increase"); });
    return t;
}

} // namespace riskmap
