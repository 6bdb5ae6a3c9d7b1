#include "pipelines/village_style.hpp"

#include "core/village_code.hpp"
#include "io/map_style.hpp"
#include "pipelines/map_styles.hpp"

#include <algorithm>
#include <map>

namespace riskmap {

namespace {
std::string words(std::string name) {
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

std::string top_label(const JobConfig& cfg) {
    const int k = cfg.priority.top_k;
    return k > 0 ? "top " + std::to_string(k) : "top fifth";
}

/// Columns every indicator has, by the suffix after "<indicator>_".
std::string indicator_column(const std::string& suffix, const IndicatorSpec& spec,
                             const JobConfig& cfg) {
    static const std::map<std::string, std::string> fixed = {
        {"crude", "crude rate (proportion)"},
        {"eb", "global EB rate (spdep EBest)"},
        {"ebl", "local EB rate (GeoDa EBlocal)"},
        {"local", "neighbourhood relative rate"},
        {"mean", "posterior mean rate (proportion)"},
        {"lo", "95 % interval, low"},
        {"hi", "95 % interval, high"},
        {"class", "prevalence class"},
        {"p_increase", "P(rate rose since last quarter)"},
        {"expected", "expected cases"},
        {"excess", "excess cases above target"},
        {"rank", "rank by excess cases"},
        {"rank_lo", "rank, 95 % interval low"},
        {"rank_hi", "rank, 95 % interval high"},
        {"withheld", "count withheld (1: below the minimum, 2: protects a total)"}};
    if (const auto it = fixed.find(suffix); it != fixed.end())
        return it->second;
    if (suffix == "num")
        return words(spec.numerator) + " (count)";
    if (suffix == "den")
        return words(spec.denominator) + " (count)";
    if (suffix == "exceed")
        return "P(rate > target " + display_label(spec.target, spec) + ")";
    if (suffix == "p_top")
        return "P(in the " + top_label(cfg) + ")";
    if (suffix.rfind("p_above_", 0) == 0) {
        std::string value = suffix.substr(8);
        std::replace(value.begin(), value.end(), 'p', '.');
        return "P(rate > " + value + " " + spec.display_unit + ")";
    }
    return {};
}

std::string overall_column(const std::string& column, const JobConfig& cfg) {
    static const std::map<std::string, std::string> fixed = {
        {"name", "Name"},
        {"population", "population (persons)"},
        {"sanitation", "sanitation coverage (proportion)"},
        {"risk_index", "risk index (context, 0-1)"},
        {"priority_score", "priority score (weighted excess cases)"},
        {"priority_rank", "overall priority rank"},
        {"priority_rank_lo", "overall rank, 95 % interval low"},
        {"priority_rank_hi", "overall rank, 95 % interval high"},
        {"priority_class", "priority class (1 highest)"}};
    if (const auto it = fixed.find(column); it != fixed.end())
        return it->second;
    if (column == "code")
        return cfg.unit ? code_noun(*cfg.unit) : "area code";
    if (column == "priority_p_top")
        return "overall: P(in the " + top_label(cfg) + ")";
    return {};
}
} // namespace

std::string column_alias(const std::string& column, const JobConfig& cfg) {
    if (column.ends_with("_prev")) {
        const std::string base = column.substr(0, column.size() - 5);
        const std::string alias = column_alias(base, cfg);
        return alias == base ? column : alias + ", last quarter";
    }
    if (std::string alias = overall_column(column, cfg); !alias.empty())
        return alias;
    for (const auto& spec : cfg.indicators)
        if (column.size() > spec.name.size() + 1 && column.rfind(spec.name + "_", 0) == 0)
            if (std::string alias =
                    indicator_column(column.substr(spec.name.size() + 1), spec, cfg);
                !alias.empty())
                return spec.name + ": " + alias;
    return column;
}

namespace {
std::string rgba(const std::array<std::uint8_t, 3>& rgb, int alpha) {
    return std::to_string(rgb[0]) + "," + std::to_string(rgb[1]) + "," + std::to_string(rgb[2]) +
           "," + std::to_string(alpha);
}

/// A fill symbol: `alpha` of the colour (0: no fill), a thin grey outline.
std::string fill_symbol(int index, const std::array<std::uint8_t, 3>& rgb, int alpha) {
    const auto prop = [](const char* k, const std::string& v) {
        return std::string("            <prop k=\"") + k + "\" v=\"" + v + "\"/>\n";
    };
    return "        <symbol type=\"fill\" name=\"" + std::to_string(index) +
           "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
           "          <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n" +
           prop("color", rgba(rgb, alpha)) + prop("outline_color", "90,90,90,255") +
           prop("outline_style", "solid") + prop("outline_width", "0.15") +
           prop("outline_width_unit", "MM") + prop("style", alpha == 0 ? "no" : "solid") +
           "          </layer>\n        </symbol>\n";
}

std::string renderer(const std::string& title, Language lang) {
    const io::MapStyle classes = localised(priority_style(title), lang);
    std::string categories, symbols;
    int index = 0;
    for (const auto& stop : classes.stops) {
        const std::string value = std::to_string(static_cast<int>(stop.value));
        categories += "      <category value=\"" + value + "\" symbol=\"" + std::to_string(index) +
                      "\" label=\"" + io::xml_escape(stop.label) + "\" render=\"true\"/>\n";
        // Three quarters opaque: the pixel maps under the layer still show through.
        symbols += fill_symbol(index++, stop.rgb, 190);
    }
    categories += "      <category value=\"\" symbol=\"" + std::to_string(index) + "\" label=\"" +
                  io::xml_escape(localise("no data", lang)) + "\" render=\"true\"/>\n";
    symbols += fill_symbol(index, {255, 255, 255}, 0);
    return "  <renderer-v2 type=\"categorizedSymbol\" attr=\"priority_class\" "
           "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <categories>\n" +
           categories + "    </categories>\n    <symbols>\n" + symbols +
           "    </symbols>\n  </renderer-v2>\n";
}

std::string aliases(const Table& table, const JobConfig& cfg) {
    std::string out = "  <aliases>\n";
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        const std::string& name = table.columns[i].name;
        out += "    <alias field=\"" + io::xml_escape(name) + "\" index=\"" + std::to_string(i) +
               "\" name=\"" + io::xml_escape(localise(column_alias(name, cfg), cfg.language)) +
               "\"/>\n";
    }
    return out + "  </aliases>\n";
}
} // namespace

std::string village_layer_qml(const Table& table, const JobConfig& cfg) {
    const std::string title = "priority class" + (cfg.period.empty() ? "" : " " + cfg.period);
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\">\n" +
           renderer(title, cfg.language) + aliases(table, cfg) +
           "  <previewExpression>\"name\"</previewExpression>\n"
           "  <layerGeometryType>2</layerGeometryType>\n</qgis>\n";
}

io::LayerStyle village_layer_style(const Table& table, const JobConfig& cfg) {
    io::LayerStyle style;
    style.name = "riskmap priority class";
    style.qml = village_layer_qml(table, cfg);
    return style;
}

} // namespace riskmap
