#include "pipelines/map_styles.hpp"

#include "core/numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace riskmap {

namespace {
// ColorBrewer YlOrRd, 5 classes (Brewer & Harrower, colorbrewer2.org): sequential, readable
// in grey and by most colour-blind readers.
const std::array<std::array<std::uint8_t, 3>, 5> kYlOrRd{
    {{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}}};

double round_to(double v, int significant) {
    if (v == 0 || !std::isfinite(v))
        return v;
    const double scale = std::pow(10.0, significant - 1 - std::floor(std::log10(std::abs(v))));
    return std::round(v * scale) / scale;
}

std::vector<double> percentiles(const Layer<float>& values, std::initializer_list<double> ps) {
    std::vector<float> finite;
    for (float v : values.values())
        if (std::isfinite(v))
            finite.push_back(v);
    std::vector<double> out;
    if (finite.empty())
        return out;
    std::sort(finite.begin(), finite.end());
    for (double p : ps)
        out.push_back(finite[static_cast<std::size_t>(p * static_cast<double>(finite.size() - 1))]);
    return out;
}

io::MapStyle ramp(const std::string& title, const std::string& legend,
                  const std::vector<std::pair<double, std::string>>& stops) {
    io::MapStyle style{title, legend, false, {}};
    for (std::size_t i = 0; i < stops.size(); ++i) {
        // Spread the five colours over however many stops there are, interpolating between
        // them so that no two legend rows share a colour.
        const double at = stops.size() == 1 ? 0 : 4.0 * double(i) / double(stops.size() - 1);
        const std::size_t lo = std::min<std::size_t>(3, static_cast<std::size_t>(at));
        const double f = at - double(lo);
        std::array<std::uint8_t, 3> rgb{};
        for (int k = 0; k < 3; ++k)
            rgb[k] = static_cast<std::uint8_t>(
                std::lround((1 - f) * kYlOrRd[lo][k] + f * kYlOrRd[lo + 1][k]));
        style.stops.push_back({stops[i].first, rgb, stops[i].second});
    }
    return style;
}
} // namespace

std::string display_number(double value) {
    if (std::abs(value) < 0.005)
        return "0";
    const double rounded = round_to(value, 2);
    // Fixed notation with the digits two significant figures need: "1600", "14", "0.35".
    const int decimals =
        std::max(0, 1 - static_cast<int>(std::floor(std::log10(std::abs(rounded)))));
    char buf[64];
    const auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::fixed, decimals);
    return ec == std::errc{} ? std::string(buf, end) : format_double(rounded);
}

std::string display_label(double proportion, const IndicatorSpec& spec) {
    return display_number(proportion * spec.display_scale) + " " + spec.display_unit;
}

io::MapStyle rate_style(const Layer<float>& values, const IndicatorSpec& spec,
                        const std::string& title) {
    std::vector<double> breaks;
    for (double p : percentiles(values, {0.02, 0.25, 0.5, 0.75, 0.98}))
        breaks.push_back(round_to(p * spec.display_scale, 2) / spec.display_scale);
    if (breaks.empty())
        breaks = {0, spec.target};
    // The target is always a stop, even outside the rates' range: "every village is above
    // 14 %" is what a planner needs to read off the legend.
    breaks.push_back(spec.target);
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    std::vector<std::pair<double, std::string>> stops;
    for (double b : breaks)
        stops.emplace_back(b, display_label(b, spec) + (b == spec.target ? " (target)" : ""));
    return ramp(title, spec.name + " rate, " + spec.display_unit, stops);
}

io::MapStyle probability_style(const std::string& title, const std::string& legend) {
    // A planner reads "80 % chance" more readily than "0.8".
    return ramp(title, legend,
                {{0, "0 % chance"},
                 {0.2, "20 % chance"},
                 {0.5, "50 % chance"},
                 {0.8, "80 % chance"},
                 {0.95, "95 % chance or more"}});
}

io::MapStyle index_style(const std::string& title, const std::string& legend) {
    return ramp(title, legend,
                {{0, "0 (lowest)"},
                 {0.2, "index 0.2"},
                 {0.5, "index 0.5"},
                 {0.8, "index 0.8"},
                 {0.95, "0.95 or more (highest)"}});
}

io::MapStyle bandwidth_style(const std::vector<double>& ladder_m, const std::string& title) {
    std::vector<std::pair<double, std::string>> stops;
    for (double h : ladder_m)
        stops.emplace_back(h,
                           h >= 1000 ? format_double(h / 1000) + " km" : format_double(h) + " m");
    return ramp(title, "kernel bandwidth", stops);
}

io::MapStyle change_style(const Layer<float>& change, const IndicatorSpec& spec,
                          const std::string& title) {
    Layer<float> magnitude = change;
    for (float& v : magnitude.values())
        v = std::abs(v);
    const auto p = percentiles(magnitude, {0.98});
    const double top = p.empty() || !(p[0] > 0) ? spec.target : round_to(p[0], 2);
    const std::string unit = change_unit(spec);
    const auto label = [&](double v) {
        return display_number(v * spec.display_scale) + " " + unit;
    };
    io::MapStyle style{title, spec.name + " rate change, " + unit, false, {}};
    style.stops = {{-top, {33, 102, 172}, "-" + label(top)},
                   {0, {247, 247, 247}, "no change"},
                   {top, {178, 24, 43}, "+" + label(top)}};
    return style;
}

std::string change_unit(const IndicatorSpec& spec) {
    // A difference of two percentages is in percentage points, not percent of anything.
    return spec.display_scale == 100 ? "percentage points" : spec.display_unit;
}

std::string denominator_label(const IndicatorSpec& spec) {
    std::string label = spec.denominator;
    std::replace(label.begin(), label.end(), '_', ' ');
    return label;
}

io::MapStyle information_style(const Layer<float>& values, const IndicatorSpec& spec,
                               const std::string& title) {
    std::vector<double> breaks;
    for (double p : percentiles(values, {0.02, 0.25, 0.5, 0.75, 0.98}))
        breaks.push_back(round_to(p, 2));
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    if (breaks.empty())
        breaks = {0};
    std::vector<std::pair<double, std::string>> stops;
    for (double b : breaks)
        stops.emplace_back(b, display_number(b) + " " + denominator_label(spec));
    return ramp(title, "effective " + denominator_label(spec) + " under the kernel", stops);
}

io::MapStyle class_change_style(const std::string& title) {
    // ColorBrewer RdBu, reversed so that rising priority is red; one entry per possible change.
    const std::array<std::array<std::uint8_t, 3>, 9> colors{{{5, 48, 97},
                                                             {33, 102, 172},
                                                             {67, 147, 195},
                                                             {146, 197, 222},
                                                             {247, 247, 247},
                                                             {244, 165, 130},
                                                             {214, 96, 77},
                                                             {178, 24, 43},
                                                             {103, 0, 31}}};
    io::MapStyle style{title, "classes (positive: higher priority now)", true, {}};
    for (int d = -4; d <= 4; ++d) {
        const std::string label = d == 0  ? "same"
                                  : d > 0 ? std::to_string(d) + " higher"
                                          : std::to_string(-d) + " lower";
        style.stops.push_back({static_cast<double>(d + kClassChangeOffset), colors[d + 4], label});
    }
    return style;
}

std::vector<std::string> prevalence_labels(const IndicatorSpec& spec) {
    std::vector<std::string> labels;
    const auto& b = spec.class_breaks;
    for (std::size_t c = 0; c <= b.size(); ++c) {
        const std::string range = c == 0          ? "< " + display_label(b[0], spec)
                                  : c == b.size() ? ">= " + display_label(b[c - 1], spec)
                                                  : display_number(b[c - 1] * spec.display_scale) +
                                                        "-" + display_label(b[c], spec);
        labels.push_back(spec.class_names[c] + " (" + range + ")");
    }
    return labels;
}

std::array<std::uint8_t, 3> sequential_color(std::size_t c, std::size_t classes) {
    return kYlOrRd[classes <= 1 ? 0 : c * 4 / (classes - 1)];
}

io::MapStyle prevalence_style(const IndicatorSpec& spec, const std::string& title) {
    io::MapStyle style{title, spec.name + " prevalence class of the posterior mean", true, {}};
    const auto labels = prevalence_labels(spec);
    for (std::size_t c = 0; c < labels.size(); ++c)
        style.stops.push_back(
            {static_cast<double>(c + 1), sequential_color(c, labels.size()), labels[c]});
    return style;
}

io::MapStyle priority_style(const std::string& title) {
    io::MapStyle style{title, "priority class (population fifths)", true, {}};
    const char* labels[] = {"1 highest", "2 high", "3 medium", "4 low", "5 lowest"};
    for (int c = 1; c <= 5; ++c)
        style.stops.push_back({static_cast<double>(c), kYlOrRd[5 - c], labels[c - 1]});
    return style;
}

io::MapStyle localised(io::MapStyle style, Language lang) {
    style.title = localise(style.title, lang);
    style.legend = localise(style.legend, lang);
    for (auto& stop : style.stops)
        stop.label = localise(stop.label, lang);
    return style;
}

} // namespace riskmap
