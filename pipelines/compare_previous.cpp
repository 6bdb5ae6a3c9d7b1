#include "pipelines/compare_previous.hpp"

#include "core/numbers.hpp"
#include "core/period.hpp"
#include "io/cube.hpp"
#include "kernels/change_probability.hpp"
#include "pipelines/map_styles.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace riskmap {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Last quarter's values of `column` for this quarter's villages (matched by code).
TableColumn previous_column(const Table& before, const std::vector<std::string>& codes,
                            const std::string& column) {
    TableColumn out{
        column + "_prev", TableColumn::Kind::Real, {}, std::vector<double>(codes.size(), kNaN)};
    const TableColumn* code_col = nullptr;
    const TableColumn* values = nullptr;
    for (const auto& c : before.columns) {
        code_col = c.name == "code" ? &c : code_col;
        values = c.name == column ? &c : values;
    }
    if (!code_col || !values)
        return out;
    out.kind = values->kind;
    std::map<std::string, std::size_t> row_of;
    for (std::size_t r = 0; r < code_col->text.size(); ++r)
        row_of[code_col->text[r]] = r;
    for (std::size_t i = 0; i < codes.size(); ++i)
        if (const auto it = row_of.find(codes[i]); it != row_of.end())
            out.number[i] = values->number[it->second];
    return out;
}
} // namespace

std::string previous_period(const std::vector<std::string>& periods, const std::string& period) {
    std::string best;
    for (const auto& p : periods)
        if (p < period && p > best) // YYYYQn sorts as text
            best = p;
    return best;
}

namespace {
/// A one-period indicator's last quarter is in the cube even when the records lack it: its
/// stored counts are that quarter's own, so P(increase) can be taken from them.
void increase_from_cube(JobState& state, const Table& before) {
    auto& villages = state.scores().villages;
    for (std::size_t k = 0; k < state.config.indicators.size(); ++k) {
        const IndicatorSpec& spec = state.config.indicators[k];
        if (state.records().pools[k].periods.size() != 1 || k >= villages.entering.size())
            continue;
        const auto num = previous_column(before, villages.code, spec.name + "_num");
        const auto den = previous_column(before, villages.code, spec.name + "_den");
        const IndicatorCounts& now = villages.entering[k];
        auto& p = villages.scores[k].p_increase;
        for (std::size_t i = 0; i < p.size(); ++i)
            if (std::isnan(p[i]) && now.reported[i] && !std::isnan(num.number[i]))
                p[i] = kernels::increase_probability(
                    spec.model, now.numerator[i], now.denominator[i], num.number[i], den.number[i]);
    }
}
} // namespace

void CompareWithPrevious::run(JobState& state) {
    if (!std::filesystem::exists(state.config.cube_path))
        return;
    const std::string before =
        previous_period(io::cube_periods(state.config.cube_path), state.config.period);
    if (before.empty())
        return;
    state.previous().period = before; // maps.classes makes the change maps
    const Table table = io::cube_read_villages(state.config.cube_path, before);
    auto& villages = state.scores().villages;
    if (quarter_index(before) && quarter_index(state.config.period) &&
        *quarter_index(before) + 1 == *quarter_index(state.config.period))
        increase_from_cube(state, table);
    for (const auto& spec : state.config.indicators)
        villages.previous.push_back(previous_column(table, villages.code, spec.name + "_eb"));
    villages.previous.push_back(previous_column(table, villages.code, "risk_index"));
    villages.previous.push_back(previous_column(table, villages.code, "priority_rank"));
}

} // namespace riskmap
