#include "io/report_parts.hpp"

#include "io/csv.hpp"

#include <cmath>

namespace riskmap::io::report_detail {

namespace fs = std::filesystem;

CsvTable read_csv(const std::filesystem::path& path) {
    CsvTable t;
    if (!fs::exists(path))
        return t;
    CsvReader csv(path.string());
    t.header = csv.header();
    CsvRow row;
    while (csv.next(row))
        t.rows.push_back(row.fields);
    return t;
}

/// Three significant digits, but whole numbers from 100 on ("4820", not "4.82e+03").
std::string number_text(std::optional<double> v, int digits) {
    if (!v || !std::isfinite(*v))
        return "–";
    return std::abs(*v) >= 100 ? format_double(std::round(*v), 15) : format_double(*v, digits);
}

std::vector<Indicator> indicators(const CPLJSONObject& config) {
    std::vector<Indicator> out;
    for (const auto& item : config.GetChildren()) {
        const std::string key = item.GetName(), suffix = ".numerator";
        if (key.rfind("indicator.", 0) != 0 || key.size() <= 10 + suffix.size() ||
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        Indicator ind;
        ind.name = key.substr(10, key.size() - 10 - suffix.size());
        const std::string p = "indicator." + ind.name + ".";
        ind.cases = item.ToString();
        std::replace(ind.cases.begin(), ind.cases.end(), '_', ' ');
        ind.unit = config.GetString(p + "display_unit", "");
        ind.scale = parse_double(config.GetString(p + "display_scale", "1")).value_or(1);
        const std::string targets = config.GetString(p + "target", "0");
        ind.target = parse_double(targets.substr(0, targets.find(','))).value_or(0);
        ind.weight = parse_double(config.GetString(p + "priority_weight", "1")).value_or(1);
        out.push_back(ind);
    }
    return out;
}

} // namespace riskmap::io::report_detail
