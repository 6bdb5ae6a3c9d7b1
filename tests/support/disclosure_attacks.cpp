#include "support/disclosure_attacks.hpp"

#include "support/fixtures.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>

namespace riskmap::test {

namespace {
using Row = std::map<std::string, std::string>;

std::optional<double> number(const Row& row, const std::string& column) {
    const auto it = row.find(column);
    if (it == row.end() || it->second.empty())
        return std::nullopt;
    double v = 0;
    const auto [end, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc())
        return std::nullopt;
    return v;
}

bool withheld(const Row& row, const std::string& indicator) {
    const auto w = number(row, indicator + "_withheld");
    return w && (*w == 1 || *w == 2);
}

/// Counts read directly, or as rate x denominator.
void read_off(const std::string& table, const std::vector<Row>& rows, const std::string& ind,
              double min_count, std::vector<std::string>& found) {
    for (const auto& row : rows) {
        const std::string where = table + " " + row.at("code") + " " + ind;
        if (const auto n = number(row, ind + "_num"); n && *n < min_count)
            found.push_back(where + ": the count " + std::to_string(*n) + " is shown");
        const auto crude = number(row, ind + "_crude"), den = number(row, ind + "_den");
        if (crude && den && std::round(*crude * *den) < min_count)
            found.push_back(where + ": rate x denominator gives " +
                            std::to_string(std::round(*crude * *den)));
    }
}

/// The parent's total less its published areas: the sum of the withheld ones.
void subtract_from_parents(const PublicTables& t, const std::vector<Row>& areas,
                           const std::vector<Row>& parents, const std::string& ind,
                           double min_count, std::vector<std::string>& found) {
    std::map<std::string, std::pair<double, int>> published_and_withheld;
    for (const auto& row : areas) {
        auto& [sum, hidden] = published_and_withheld[row.at("code").substr(0, t.parent_digits)];
        if (withheld(row, ind))
            ++hidden;
        else if (const auto n = number(row, ind + "_num"))
            sum += *n;
    }
    for (const auto& parent : parents) {
        const auto total = number(parent, ind + "_num");
        if (!total)
            continue;
        const auto [sum, hidden] = published_and_withheld[parent.at("code")];
        const double rest = *total - sum;
        const std::string where = t.parent + " " + parent.at("code") + " " + ind;
        if (hidden == 1)
            found.push_back(where + ": its one withheld area holds " + std::to_string(rest));
        else if (hidden >= 2 && rest < min_count)
            found.push_back(where + ": its " + std::to_string(hidden) + " withheld areas hold " +
                            std::to_string(rest) + " together");
        else if (hidden == 0 && rest != 0)
            found.push_back(where + ": the total does not add up (" + std::to_string(rest) + ")");
    }
}
} // namespace

std::vector<std::string> disclosure_attacks(const PublicTables& tables,
                                            const std::vector<std::string>& indicators,
                                            double min_count) {
    std::vector<std::string> found;
    const auto areas = csv_rows(tables.areas);
    const auto parents = tables.parent.empty() ? std::vector<Row>{} : csv_rows(tables.parent);
    for (const auto& ind : indicators) {
        read_off(tables.areas, areas, ind, min_count, found);
        read_off(tables.parent, parents, ind, min_count, found);
        if (!parents.empty())
            subtract_from_parents(tables, areas, parents, ind, min_count, found);
    }
    return found;
}

} // namespace riskmap::test
