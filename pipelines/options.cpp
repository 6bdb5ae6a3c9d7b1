#include "pipelines/options.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace riskmap {

double Settings::number(const std::string& key, double min, bool min_exclusive) const {
    const std::string value = text(key);
    const auto v = parse_double(value);
    if (!v || *v < min || (min_exclusive && *v == min))
        throw UsageError(source(key) + "the value of '" + key + "' must be a number " +
                         (min_exclusive ? "above " : "of at least ") + format_double(min) +
                         ", not '" + value + "'");
    return *v;
}

bool Settings::flag(const std::string& key) const {
    const std::string v = text(key);
    if (v == "true" || v == "yes" || v == "1" || v == "on")
        return true;
    if (v == "false" || v == "no" || v == "0" || v == "off")
        return false;
    throw UsageError(source(key) + "the value of '" + key + "' must be true or false, not '" + v +
                     "'");
}

std::vector<double> Settings::ladder(const std::string& key) const {
    const std::string text_value = text(key);
    std::vector<double> out;
    std::stringstream items(text_value);
    for (std::string item; std::getline(items, item, ',');) {
        const auto v = parse_double(item);
        if (!v || *v <= 0 || (!out.empty() && *v <= out.back()))
            throw UsageError(source(key) + "the value of '" + key +
                             "' must be positive numbers in ascending order separated by "
                             "commas, not '" +
                             text_value + "'");
        out.push_back(*v);
    }
    if (out.empty())
        throw UsageError(source(key) + "the value of '" + key + "' is empty");
    return out;
}

std::vector<double> Settings::numbers(const std::string& key, bool ascending) const {
    const std::string value = text(key);
    std::vector<double> out;
    std::stringstream items(value);
    for (std::string item; std::getline(items, item, ',');) {
        const auto v = parse_double(trim(item));
        if (!v || (ascending && !out.empty() && *v <= out.back()))
            throw UsageError(source(key) + "the value of '" + key + "' must be numbers" +
                             (ascending ? " in ascending order" : "") +
                             " separated by commas, not '" + value + "'");
        out.push_back(*v);
    }
    return out;
}

std::vector<std::string> Settings::words(const std::string& key) const {
    std::vector<std::string> out;
    std::stringstream items(text(key));
    for (std::string item; std::getline(items, item, ',');)
        out.emplace_back(trim(item));
    return out;
}

std::string Settings::choice(const std::string& key,
                             const std::vector<std::string>& allowed) const {
    std::string v = text(key);
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end())
        return v;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "'" : ", '") + a + "'";
    throw UsageError(source(key) + "the value of '" + key + "' must be one of " + list + ", not '" +
                     v + "'");
}

std::int64_t Settings::count(const std::string& key, std::int64_t min, std::int64_t max,
                             const std::string& what, const char* shorthand) const {
    const std::string value = text(key);
    const auto n = parse_count(value);
    if (!n || *n < min || *n > max)
        throw UsageError(source(key) + "the value of '" + key + "'" +
                         (shorthand ? std::string(" (") + shorthand + ")" : "") +
                         " must be a whole number " + what + ", not '" + value + "'");
    return *n;
}

namespace {
const Option kJobOptions[] = {
    {"smoothing.bandwidth_m", "2000",
     "Gaussian kernel bandwidth (standard deviation) in metres: the pixel maps' smoothing and "
     "the areas' neighbourhood offsets",
     [](const Settings& s, JobConfig& c) {
         c.bandwidth_m = s.number("smoothing.bandwidth_m", 0, true);
     }},
    {"run.threads", "0",
     "worker threads, 0: all cores (--threads; the outputs are the same bytes whatever it is)",
     [](const Settings& s, JobConfig& c) {
         c.threads =
             static_cast<int>(s.count("run.threads", 0, 4096, "from 0 to 4096", "--threads"));
     }},
};

struct IndicatorKey {
    const char* key;
    const char* help;
};
const IndicatorKey kIndicatorKeys[] = {
    {"numerator", "records column with the events"},
    {"denominator", "records column with the population at risk"},
    {"model", "binomial (proportions) or poisson (rare events)"},
    {"target", "planning target (proportion): exceedance and excess cases; more, comma "
               "separated, add P(rate > each)"},
    {"class_breaks", "ascending prevalence class breaks (proportions) of the posterior mean"},
    {"class_names", "one name per class, comma separated"},
    {"priority_weight", "priority points per expected excess case in the overall list"},
    {"display_scale", "100 for percent, 100000 for per 100,000"},
    {"display_unit", "legend unit after display_scale, e.g. % or per 100,000 live births"},
    {"weight", "weight in the risk index"},
    {"population_share", "share of the population that is this indicator's denominator"},
    {"min_denominator", "smoothed denominator below which a pixel is nodata"},
    {"pool_periods", "periods to sum counts over (empty: inputs.pool_periods)"},
};

// Defaults of the two indicators of DESIGN.md section 1.
const std::map<std::string, std::map<std::string, std::string>> kKnownIndicators = {
    {"stunting",
     {{"numerator", "children_stunted"},
      {"denominator", "children_measured"},
      {"model", "binomial"},
      {"target", "0.14, 0.20, 0.30"},
      {"class_breaks", "0.025, 0.10, 0.20, 0.30"},
      {"class_names", "very low, low, medium, high, very high"},
      {"priority_weight", "1"},
      {"display_scale", "100"},
      {"display_unit", "% of children measured"},
      {"weight", "1"},
      {"population_share", "0.09"},
      {"min_denominator", "0"},
      {"pool_periods", ""}}},
    {"maternal",
     {{"numerator", "maternal_deaths"},
      {"denominator", "live_births"},
      {"model", "poisson"},
      {"target", "0.00183"},
      {"class_breaks", ""},
      {"class_names", ""},
      {"priority_weight", "200"},
      {"display_scale", "100000"},
      {"display_unit", "per 100,000 live births"},
      {"weight", "1"},
      {"population_share", "0.0045"},
      {"min_denominator", "0"},
      {"pool_periods", ""}}},
};

// Any other indicator: neutral display and weights; its columns, model, target and
// population share must be set, never borrowed from stunting.
const std::map<std::string, std::string> kOtherIndicatorDefaults = {
    {"class_breaks", ""}, {"class_names", ""}, {"priority_weight", "1"}, {"display_scale", "1"},
    {"display_unit", ""}, {"weight", "1"},     {"min_denominator", "0"}, {"pool_periods", ""}};

/// Periods to pool: the indicator's own key, else inputs.pool_periods (auto: a rolling year of
/// quarters for rare events, one quarter for proportions).
int pool_periods_from(const Settings& s, const std::string& name, RateModel model) {
    const std::string own = "indicator." + name + ".pool_periods";
    const std::string key = s.text(own).empty() ? "inputs.pool_periods" : own;
    if (s.text(key) == "auto")
        return model == RateModel::Poisson ? 4 : 1;
    return static_cast<int>(s.count(
        key, 1, 40, key == own ? "of periods from 1 to 40" : "of periods from 1 to 40 or 'auto'"));
}

void targets_from(const Settings& s, const std::string& p, IndicatorSpec& spec) {
    const auto targets = s.numbers(p + "target", false);
    if (targets.empty() || targets.front() <= 0)
        throw UsageError(s.source(p + "target") + "the value of '" + p +
                         "target' must be one or more numbers above 0, not '" +
                         s.text(p + "target") + "'");
    spec.target = targets.front();
    spec.more_targets.assign(targets.begin() + 1, targets.end());
    for (double t : targets)
        if (t <= 0 || (spec.model == RateModel::Binomial && t >= 1))
            throw UsageError(s.source(p + "target") + "the value of '" + p + "target' holds " +
                             format_double(t) +
                             (t <= 0 ? ", not above 0" : ", not a proportion below 1"));
}

void classes_from(const Settings& s, const std::string& p, IndicatorSpec& spec) {
    spec.class_breaks = s.numbers(p + "class_breaks", true);
    spec.class_names = s.words(p + "class_names");
    if (!spec.class_breaks.empty() && spec.class_names.size() != spec.class_breaks.size() + 1)
        throw UsageError(s.source(p + "class_names") + "'" + p + "class_names' must name " +
                         std::to_string(spec.class_breaks.size() + 1) +
                         " classes (one more "
                         "than '" +
                         p + "class_breaks'), not " + std::to_string(spec.class_names.size()));
}

IndicatorSpec indicator_from(const Settings& s, const std::string& name) {
    const std::string p = "indicator." + name + ".";
    IndicatorSpec spec;
    spec.name = name;
    spec.numerator = s.text(p + "numerator");
    spec.denominator = s.text(p + "denominator");
    spec.model = s.choice(p + "model", {"binomial", "poisson"}) == "binomial" ? RateModel::Binomial
                                                                              : RateModel::Poisson;
    targets_from(s, p, spec);
    classes_from(s, p, spec);
    spec.priority_weight = s.number(p + "priority_weight", 0, false);
    spec.display_scale = s.number(p + "display_scale", 0, true);
    spec.display_unit = s.text(p + "display_unit");
    spec.weight = s.number(p + "weight", 0, false);
    spec.population_share = s.number(p + "population_share", 0, false);
    spec.min_denominator = s.number(p + "min_denominator", 0, false);
    spec.pool_periods = pool_periods_from(s, name, spec.model);
    return spec;
}
} // namespace

Options job_options() {
    return kJobOptions;
}

std::vector<IndicatorOption> indicator_options(const std::string& name) {
    const auto known = kKnownIndicators.find(name);
    std::vector<IndicatorOption> out;
    for (const auto& k : kIndicatorKeys) {
        std::optional<std::string> fallback;
        if (known != kKnownIndicators.end())
            fallback = known->second.at(k.key);
        else if (const auto neutral = kOtherIndicatorDefaults.find(k.key);
                 neutral != kOtherIndicatorDefaults.end())
            fallback = neutral->second;
        out.push_back({"indicator." + name + "." + k.key, fallback, k.help});
    }
    return out;
}

void bind_indicators(const Settings& s, const std::vector<std::string>& names, JobConfig& c) {
    for (const auto& name : names)
        c.indicators.push_back(indicator_from(s, name));
}

} // namespace riskmap
