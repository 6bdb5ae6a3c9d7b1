#include "cli/run_options.hpp"

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/numbers.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

namespace riskmap::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {
struct KeySpec {
    const char* key;
    const char* fallback; ///< default value; nullptr: no default
    const char* help;
};

// One line per option: name, default, help (PDAL style).
const KeySpec kInputKeys[] = {
    {"inputs.villages", nullptr, "village polygons, any OGR source"},
    {"inputs.villages_layer", "", "layer name (optional when the source has one layer)"},
    {"inputs.village_code", "kode_desa", "code field in the villages"},
    {"inputs.village_name", "", "name field in the villages (optional)"},
    {"inputs.unit", "village",
     "level of the areas and their codes: village (10 digits), kecamatan (6), regency (4), "
     "province (2), auto (read from the first code's length), or any (free-form ids, no "
     "higher-level table)"},
    {"inputs.repair_geometry", "false", "repair invalid polygons instead of failing"},
    {"inputs.records", nullptr, "records: CSV (',' or ';'), or a spreadsheet (.xlsx, .ods, .xls)"},
    {"inputs.records_sheet", "", "the records' sheet in a spreadsheet (optional when it has one)"},
    {"inputs.record_name", "",
     "join records by this village-name column instead of codes (names compared without case, "
     "punctuation or prefixes such as Desa/Kel.; needs inputs.village_name)"},
    {"inputs.record_parent_code", "",
     "by name: the column with each row's kecamatan (or regency) code, to tell apart villages "
     "of the same name"},
    {"inputs.record_puskesmas", "",
     "join records by this puskesmas column instead of codes: each row's counts go to the area "
     "inputs.puskesmas_table lists for it (rows of one area are summed)"},
    {"inputs.puskesmas_table", "",
     "CSV of puskesmas name and the code of the area it serves (its kecamatan in a "
     "kecamatan-level run)"},
    {"inputs.code_crosswalk", "",
     "CSV mapping the records' codes (first column: BPS, or Kemendagri before a split) to the "
     "polygons' codes (second column); unmatched and ambiguous codes are rejected by line"},
    {"inputs.records_kind", "counts",
     "counts: one row per area and period; children: a child-level register (one row per "
     "measurement) aggregated to children measured and stunted"},
    {"inputs.register_indicator", "stunting",
     "children: the (binomial) indicator the register's counts feed; the only one mapped"},
    {"inputs.child_id", "",
     "children: child id column; a child's latest measurement per quarter "
     "counts (empty: every row is another child)"},
    {"inputs.child_haz", "", "children: height-for-age z-score column (stunted below -2)"},
    {"inputs.child_status", "",
     "children: status column (Sangat Pendek, Pendek, Normal, Tinggi) where no z-score is given"},
    {"inputs.child_age", "", "children: age in months column (rows outside 0..59 rejected)"},
    {"inputs.record_code", "kode_desa", "code column in the records"},
    {"inputs.record_period", "", "period column in the records (optional)"},
    {"inputs.period", "", "this run's quarter, e.g. 2025Q3"},
    {"inputs.delimiter", "auto", "records delimiter: auto, ',', ';' or tab"},
    {"inputs.on_reject", "report", "report: rejected rows to rejects.csv; fail: exit 3"},
    {"inputs.pool_periods", "auto",
     "sum each village's counts over this many periods ending at inputs.period; auto: 4 (a "
     "rolling year) for poisson indicators, 1 for binomial ones"},
    {"inputs.population", "", "population raster; defines the grid (optional: tables only)"},
    {"inputs.sanitation", "", "share of households without improved sanitation (optional)"},
    {"inputs.sanitation_scale", "1", "1 when sanitation is 0..1, 100 when percent"},
    {"smoothing.bandwidth_m", "2000", "Gaussian kernel bandwidth (standard deviation) in metres"},
    {"smoothing.adaptive", "false",
     "per pixel the smallest ladder bandwidth whose smoothed denominator reaches the "
     "indicator's min_denominator"},
    {"smoothing.ladder_m", "500,1000,2000,4000,8000", "adaptive bandwidths in metres, ascending"},
    {"neighbours.snap_m", "0",
     "villages whose polygons lie within this many metres are neighbours too (real boundaries "
     "simplified polygon by polygon leave gaps; 1 is a good value for them); 0: vertices only"},
    {"neighbours.snap", "1.4901161193847656e-08",
     "vertices closer than this (villages' CRS units) touch; spdep::poly2nb's default"},
    {"risk.sanitation_weight", "1",
     "weight of the sanitation deficit in the risk index (context only: ranks use excess "
     "cases)"},
    {"priority.top_k", "fifth",
     "areas counted as the top of a list for P(top K): a number, or fifth (a fifth of them)"},
    {"priority.draws", "200", "posterior draws behind P(top K) and the 95 % rank intervals"},
    {"uncertainty.method", "integrated",
     "integrated: the prior's mean and between-area CV weighted on a grid by the marginal "
     "likelihood and a hyperprior; plugin: spdep/GeoDa moment estimates taken as known"},
    {"uncertainty.spatial", "true",
     "villages' and kecamatan priors may centre on their neighbourhood (a leave-one-out "
     "kernel rate at smoothing.bandwidth_m); how far is weighed by the data"},
    {"uncertainty.kappa_scale", "1",
     "scale of the half-normal prior on the between-area coefficient of variation"},
    {"uncertainty.mean_sd", "2.3",
     "standard deviation of the prior on log (poisson) or logit (binomial) of the mean rate, "
     "centred on the target; 2.3 is a factor of 10"},
    {"uncertainty.subvillage_share", "0.5",
     "pixels: stated sd of the true rate inside a village, as a share of the sd between "
     "villages"},
    {"uncertainty.subvillage_cv", "0.05",
     "pixels: stated floor of the coefficient of variation of the true rate inside a village"},
    {"uncertainty.local_prior_areas", "10",
     "pixels: weight, in areas, of the global between-area variance against the local one"},
    {"uncertainty.self_check", "10",
     "simulations from the fitted model whose expected coverage goes to run.json (0: none)"},
    {"uncertainty.seed", "1", "seed of the run's random draws (self-check)"},
    {"run.threads", "0",
     "worker threads, 0: all cores (--threads; the outputs are the same bytes whatever it is)"},
    {"run.tile_size", "1024",
     "tile side in pixels, a multiple of 512 (--tile-size); memory grows with tile size x "
     "threads, the maps do not change"},
    {"run.work_memory", "1024",
     "MiB in which a small grid's work rasters are kept unwritten (--work-memory; about 12 Mpx "
     "of grid per 1024); larger grids, or 0, stream through work files and checkpoint their "
     "tiles for --resume. The outputs are the same bytes"},
    {"run.trace", "",
     "CSV file for maps.pixels' per-tile costs (land pixels, seconds to read, compute and keep "
     "each tile; one file per MPI rank, '.rank<k>' before the extension), the input of "
     "benchmarks/scaling_model.py; empty: none"},
    {"output.dir", "out", "output folder"},
    {"output.cube", "riskmap.nc",
     "quarterly cube, relative to output.dir; each run adds or replaces its period "
     "(empty: no cube)"},
    {"output.language", "en",
     "language of map titles, legends, quicklooks and the village layer's style: en or id "
     "(Bahasa Indonesia, decimal commas); tables, run.json and band metadata stay English"},
    {"output.report", "false",
     "after the run, write report_<period>.html for a district meeting (and a PDF of it where "
     "Chromium is installed), as `riskmap report` does"},
    {"output.public", "false",
     "also write public_villages.csv/.gpkg and public_<parent>.csv, safe to publish: no count "
     "below output.min_count can be read or worked out from them"},
    {"output.min_count", "5", "the smallest count the public tables show (whole number, 1-1000)"},
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

/// NAME of "indicator.NAME..." when `text` starts with the prefix and NAME is a plain word.
std::string indicator_of(std::string_view text, std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix)
        return "";
    text.remove_prefix(prefix.size());
    const auto word_end = std::find_if(text.begin(), text.end(), [](char c) {
        return !(std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    });
    return std::string(text.begin(), word_end);
}

std::vector<std::string> indicator_names(const std::string& config_path,
                                         const std::vector<std::string>& args) {
    std::vector<std::string> names;
    const auto add = [&](const std::string& n) {
        if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end())
            names.push_back(n);
    };
    std::ifstream in(config_path);
    std::string line;
    while (!config_path.empty() && std::getline(in, line)) {
        const std::string_view t = trim(line);
        if (t.size() > 2 && t.front() == '[' && t.back() == ']')
            add(indicator_of(t.substr(1, t.size() - 2), "indicator."));
    }
    for (const auto& a : args)
        add(indicator_of(a, "--indicator."));
    if (names.empty())
        names = {"stunting", "maternal"};
    return names;
}

std::string suggestion(const std::string& unknown, const po::options_description& known) {
    std::string best;
    std::size_t best_distance = 4;
    for (const auto& opt : known.options()) {
        const std::string& name = opt->long_name();
        const std::size_t d = edit_distance(unknown, name);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

/// 1-based line of `section.key` in an INI file, 0 if not found.
std::size_t line_of_key(const std::string& path, const std::string& full_key) {
    std::ifstream in(path);
    std::string line, section;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        const std::string_view t = trim(line);
        if (t.size() > 2 && t.front() == '[' && t.back() == ']') {
            section = std::string(t.substr(1, t.size() - 2));
            continue;
        }
        const auto eq = t.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string key(trim(t.substr(0, eq)));
        if ((section.empty() ? key : section + "." + key) == full_key)
            return n;
    }
    return 0;
}

class OptionSet {
public:
    explicit OptionSet(const std::vector<std::string>& indicators) : keys_("settings") {
        for (const auto& k : kInputKeys)
            add(k.key, k.fallback ? std::optional<std::string>(k.fallback) : std::nullopt, k.help);
        for (const auto& name : indicators) {
            const auto known = kKnownIndicators.find(name);
            for (const auto& k : kIndicatorKeys) {
                std::optional<std::string> fallback;
                if (known != kKnownIndicators.end())
                    fallback = known->second.at(k.key);
                else if (const auto neutral = kOtherIndicatorDefaults.find(k.key);
                         neutral != kOtherIndicatorDefaults.end())
                    fallback = neutral->second;
                add("indicator." + name + "." + k.key, fallback, k.help);
            }
        }
    }

    const po::options_description& keys() const { return keys_; }
    const std::vector<std::string>& names() const { return names_; }
    const std::optional<std::string>& fallback(const std::string& key) const {
        return fallbacks_.at(key);
    }

private:
    void add(const std::string& key, std::optional<std::string> fallback, const char* help) {
        keys_.add_options()(key.c_str(), po::value<std::string>(), help);
        names_.push_back(key);
        fallbacks_[key] = std::move(fallback);
    }
    po::options_description keys_;
    std::vector<std::string> names_;
    std::map<std::string, std::optional<std::string>> fallbacks_;
};

/// The settings after the command line, the file and the defaults, in that precedence.
class Settings {
public:
    Settings(const OptionSet& set, const po::variables_map& cli, const po::variables_map& file,
             std::string config_path)
        : set_(set), cli_(cli), file_(file), config_path_(std::move(config_path)) {}

    std::string text(const std::string& key) const {
        if (cli_.count(key))
            return cli_[key].as<std::string>();
        if (file_.count(key))
            return file_[key].as<std::string>();
        if (const auto& f = set_.fallback(key))
            return *f;
        throw UsageError("setting '" + key + "' is required" + where_to_set(key));
    }

    double number(const std::string& key, double min, bool min_exclusive) const {
        const std::string value = text(key);
        const auto v = parse_double(value);
        if (!v || *v < min || (min_exclusive && *v == min))
            throw UsageError(source(key) + "the value of '" + key + "' must be a number " +
                             (min_exclusive ? "above " : "of at least ") + format_double(min) +
                             ", not '" + value + "'");
        return *v;
    }

    bool flag(const std::string& key) const {
        const std::string v = text(key);
        if (v == "true" || v == "yes" || v == "1" || v == "on")
            return true;
        if (v == "false" || v == "no" || v == "0" || v == "off")
            return false;
        throw UsageError(source(key) + "the value of '" + key + "' must be true or false, not '" +
                         v + "'");
    }

    /// Comma-separated positive numbers in ascending order.
    std::vector<double> ladder(const std::string& key) const {
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

    /// Comma-separated numbers, ascending when `ascending`; empty text gives none.
    std::vector<double> numbers(const std::string& key, bool ascending) const {
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

    /// Comma-separated words, each trimmed; empty text gives none.
    std::vector<std::string> words(const std::string& key) const {
        std::vector<std::string> out;
        std::stringstream items(text(key));
        for (std::string item; std::getline(items, item, ',');)
            out.emplace_back(trim(item));
        return out;
    }

    std::string choice(const std::string& key, const std::vector<std::string>& allowed) const {
        std::string v = text(key);
        if (std::find(allowed.begin(), allowed.end(), v) != allowed.end())
            return v;
        std::string list;
        for (const auto& a : allowed)
            list += (list.empty() ? "'" : ", '") + a + "'";
        throw UsageError(source(key) + "the value of '" + key + "' must be one of " + list +
                         ", not '" + v + "'");
    }

    /// A path; relative ones from the file are taken from the config file's folder.
    std::string path(const std::string& key) const {
        std::string v = text(key);
        if (v.empty() || cli_.count(key) || fs::path(v).is_absolute() || config_path_.empty())
            return v;
        return (fs::path(config_path_).parent_path() / v).lexically_normal().string();
    }

    std::string source(const std::string& key) const {
        if (cli_.count(key) || !file_.count(key))
            return "";
        const std::size_t line = line_of_key(config_path_, key);
        return "'" + config_path_ + "'" + (line ? " line " + std::to_string(line) : "") + ": ";
    }

private:
    std::string where_to_set(const std::string& key) const {
        return config_path_.empty() ? " (give --config FILE or --" + key + ")"
                                    : " (add it to '" + config_path_ + "' or give --" + key + ")";
    }
    const OptionSet& set_;
    const po::variables_map& cli_;
    const po::variables_map& file_;
    std::string config_path_;
};

/// Periods to pool: the indicator's own key, else inputs.pool_periods (auto: a rolling year of
/// quarters for rare events, one quarter for proportions).
int pool_periods_from(const Settings& s, const std::string& name, RateModel model) {
    const std::string own = "indicator." + name + ".pool_periods";
    const std::string key = s.text(own).empty() ? "inputs.pool_periods" : own;
    const std::string value = s.text(key);
    if (value == "auto")
        return model == RateModel::Poisson ? 4 : 1;
    const auto count = parse_count(value);
    if (!count || *count < 1 || *count > 40)
        throw UsageError(s.source(key) + "the value of '" + key +
                         "' must be a whole number of periods from 1 to 40" +
                         (key == own ? "" : " or 'auto'") + ", not '" + value + "'");
    return static_cast<int>(*count);
}

IndicatorSpec indicator_from(const Settings& s, const std::string& name) {
    const std::string p = "indicator." + name + ".";
    IndicatorSpec spec;
    spec.name = name;
    spec.numerator = s.text(p + "numerator");
    spec.denominator = s.text(p + "denominator");
    spec.model = s.choice(p + "model", {"binomial", "poisson"}) == "binomial" ? RateModel::Binomial
                                                                              : RateModel::Poisson;
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
    spec.class_breaks = s.numbers(p + "class_breaks", true);
    spec.class_names = s.words(p + "class_names");
    if (!spec.class_breaks.empty() && spec.class_names.size() != spec.class_breaks.size() + 1)
        throw UsageError(s.source(p + "class_names") + "'" + p + "class_names' must name " +
                         std::to_string(spec.class_breaks.size() + 1) +
                         " classes (one more "
                         "than '" +
                         p + "class_breaks'), not " + std::to_string(spec.class_names.size()));
    spec.priority_weight = s.number(p + "priority_weight", 0, false);
    spec.display_scale = s.number(p + "display_scale", 0, true);
    spec.display_unit = s.text(p + "display_unit");
    spec.weight = s.number(p + "weight", 0, false);
    spec.population_share = s.number(p + "population_share", 0, false);
    spec.min_denominator = s.number(p + "min_denominator", 0, false);
    spec.pool_periods = pool_periods_from(s, name, spec.model);
    return spec;
}

PriorityConfig priority_from(const Settings& s) {
    PriorityConfig p;
    const std::string top = s.text("priority.top_k");
    const auto k = parse_count(top);
    if (top != "fifth" && (!k || *k < 1 || *k > 100000000))
        throw UsageError(s.source("priority.top_k") +
                         "the value of 'priority.top_k' must be a whole number of areas or "
                         "'fifth', not '" +
                         top + "'");
    p.top_k = top == "fifth" ? 0 : static_cast<int>(*k);
    const auto draws = parse_count(s.text("priority.draws"));
    if (!draws || *draws < 20 || *draws > 100000)
        throw UsageError(s.source("priority.draws") +
                         "the value of 'priority.draws' must be a whole number from 20 to "
                         "100000, not '" +
                         s.text("priority.draws") + "'");
    p.draws = static_cast<int>(*draws);
    return p;
}

UncertaintyConfig uncertainty_from(const Settings& s) {
    UncertaintyConfig u;
    u.integrated = s.choice("uncertainty.method", {"integrated", "plugin"}) == "integrated";
    u.kappa_scale = s.number("uncertainty.kappa_scale", 0, true);
    u.spatial = s.flag("uncertainty.spatial");
    u.mean_sd = s.number("uncertainty.mean_sd", 0, true);
    u.subvillage_share = s.number("uncertainty.subvillage_share", 0, false);
    u.subvillage_cv = s.number("uncertainty.subvillage_cv", 0, false);
    u.local_prior_areas = s.number("uncertainty.local_prior_areas", 0, false);
    const auto replicates = parse_count(s.text("uncertainty.self_check"));
    if (!replicates || *replicates > 10000)
        throw UsageError(s.source("uncertainty.self_check") +
                         "the value of 'uncertainty.self_check' must be a whole number of "
                         "simulations from 0 to 10000, not '" +
                         s.text("uncertainty.self_check") + "'");
    u.self_check_replicates = static_cast<int>(*replicates);
    const auto seed = parse_count(s.text("uncertainty.seed"));
    if (!seed)
        throw UsageError(s.source("uncertainty.seed") +
                         "the value of 'uncertainty.seed' must be a whole number, not '" +
                         s.text("uncertainty.seed") + "'");
    u.seed = static_cast<std::uint64_t>(*seed);
    return u;
}

char delimiter_from(const Settings& s) {
    const std::string d = s.choice("inputs.delimiter", {"auto", ",", ";", "tab"});
    return d == "auto" ? char(0) : d == "tab" ? '\t' : d[0];
}

/// inputs.records_kind = children: the register's columns, and only the indicator it feeds.
void register_from(const Settings& s, JobConfig& c) {
    c.children = s.choice("inputs.records_kind", {"counts", "children"}) == "children";
    if (!c.children)
        return;
    c.child_id = s.text("inputs.child_id");
    c.child_haz = s.text("inputs.child_haz");
    c.child_status = s.text("inputs.child_status");
    c.child_age = s.text("inputs.child_age");
    const std::string name = s.text("inputs.register_indicator");
    const auto it = std::find_if(c.indicators.begin(), c.indicators.end(),
                                 [&](const IndicatorSpec& i) { return i.name == name; });
    if (it == c.indicators.end() || it->model != RateModel::Binomial)
        throw UsageError("inputs.register_indicator '" + name +
                         "' must name a binomial indicator of the job (a child register holds "
                         "children measured and stunted)");
    if (c.child_haz.empty() && c.child_status.empty())
        throw UsageError("inputs.records_kind = children needs inputs.child_haz (a "
                         "height-for-age z-score column) or inputs.child_status");
    c.indicators = {*it};
}

JobConfig job_config_from(const Settings& s, const OptionSet& set,
                          const std::vector<std::string>& indicators) {
    JobConfig c;
    c.villages = s.path("inputs.villages");
    c.villages_layer = s.text("inputs.villages_layer");
    c.village_code = s.text("inputs.village_code");
    c.village_name = s.text("inputs.village_name");
    const std::string unit =
        s.choice("inputs.unit", {"village", "kecamatan", "regency", "province", "auto", "any"});
    c.unit = unit == "auto" ? std::nullopt : unit_from_name(unit);
    c.repair_geometry = s.flag("inputs.repair_geometry");
    c.records = s.path("inputs.records");
    c.records_sheet = s.text("inputs.records_sheet");
    c.code_crosswalk = s.path("inputs.code_crosswalk");
    c.record_name = s.text("inputs.record_name");
    c.record_parent_code = s.text("inputs.record_parent_code");
    c.record_puskesmas = s.text("inputs.record_puskesmas");
    c.puskesmas_table = s.path("inputs.puskesmas_table");
    const int joins =
        !c.record_name.empty() + !c.code_crosswalk.empty() + !c.record_puskesmas.empty();
    if (joins > 1)
        throw UsageError("inputs.record_name, inputs.record_puskesmas and inputs.code_crosswalk "
                         "exclude each other: rows are joined one way");
    if (c.record_puskesmas.empty() != c.puskesmas_table.empty())
        throw UsageError("inputs.record_puskesmas and inputs.puskesmas_table go together");
    c.record_code = s.text("inputs.record_code");
    c.record_period = s.text("inputs.record_period");
    c.period = s.text("inputs.period");
    c.delimiter = delimiter_from(s);
    c.on_reject = s.choice("inputs.on_reject", {"report", "fail"}) == "fail" ? RejectPolicy::Fail
                                                                             : RejectPolicy::Report;
    c.population = s.path("inputs.population");
    c.sanitation = s.path("inputs.sanitation");
    c.sanitation_scale = s.number("inputs.sanitation_scale", 0, true);
    c.bandwidth_m = s.number("smoothing.bandwidth_m", 0, true);
    if (s.flag("smoothing.adaptive"))
        c.bandwidth_ladder_m = s.ladder("smoothing.ladder_m");
    c.neighbour_snap = s.number("neighbours.snap", 0, false);
    c.neighbour_snap_m = s.number("neighbours.snap_m", 0, false);
    c.sanitation_weight = s.number("risk.sanitation_weight", 0, false);
    c.uncertainty = uncertainty_from(s);
    c.priority = priority_from(s);
    c.output_dir = s.path("output.dir");
    c.trace_path = s.text("run.trace").empty() ? "" : s.path("run.trace");
    c.report = s.flag("output.report");
    c.public_set = s.flag("output.public");
    const auto min_count = parse_count(s.text("output.min_count"));
    if (!min_count || *min_count < 1 || *min_count > 1000)
        throw UsageError(s.source("output.min_count") +
                         "the value of 'output.min_count' must be a whole number from 1 to "
                         "1000, not '" +
                         s.text("output.min_count") + "'");
    c.min_count = static_cast<double>(*min_count);
    c.language = *parse_language(s.choice("output.language", {"en", "id"}));
    const std::string cube = s.text("output.cube");
    c.cube_path = cube.empty() || std::filesystem::path(cube).is_absolute()
                      ? cube
                      : (std::filesystem::path(c.output_dir) / cube).string();
    for (const auto& name : indicators)
        c.indicators.push_back(indicator_from(s, name));
    register_from(s, c);
    const std::set<std::string> paths{
        "inputs.villages",   "inputs.records",         "inputs.population", "inputs.code_crosswalk",
        "inputs.sanitation", "inputs.puskesmas_table", "output.dir"};
    for (const auto& key : set.names())
        c.resolved.emplace_back(key, paths.count(key) ? s.path(key) : s.text(key));
    return c;
}

std::string config_arg(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size())
            return args[i + 1];
        if (args[i].rfind("--config=", 0) == 0)
            return args[i].substr(9);
    }
    return "";
}

po::options_description command_flags() {
    po::options_description flags("riskmap run flags");
    flags.add_options()("help,h", "show this help")("config", po::value<std::string>(),
                                                    "INI file with the settings below")(
        "dump-config", "print the settings actually used as INI, then exit")(
        "threads", po::value<std::string>(), "the same as --run.threads")(
        "tile-size", po::value<std::string>(), "the same as --run.tile_size")(
        "resume", "reuse the map tiles a killed run with the same inputs and settings finished "
                  "(kept in OUTPUT/.riskmap-resume); the outputs are the same bytes")(
        "periods", po::value<std::string>(),
        "run several quarters in order, each into OUTPUT/QUARTER and the one cube: all (every "
        "quarter in the records) or a comma-separated list such as 2025Q1,2025Q2")(
        "work-memory", po::value<std::string>(),
        "the same as --run.work_memory")("quiet,q", "no progress or warnings on stderr");
    return flags;
}

po::variables_map parse_file(const std::string& path, const OptionSet& set) {
    po::variables_map vm;
    if (path.empty())
        return vm;
    std::ifstream in(path);
    if (!fs::exists(path) || !in)
        throw UsageError("config file '" + path + "' not found or unreadable");
    try {
        po::store(po::parse_config_file(in, set.keys(), false), vm);
    } catch (const po::unknown_option& e) {
        const std::size_t line = line_of_key(path, e.get_option_name());
        throw UsageError("'" + path + "'" + (line ? " line " + std::to_string(line) : "") +
                         ": unknown key '" + e.get_option_name() + "'" +
                         suggestion(e.get_option_name(), set.keys()));
    } catch (const po::error& e) {
        throw UsageError("'" + path + "': " + e.what());
    }
    return vm;
}
} // namespace

namespace {
/// [run] threads, tile_size and work_memory: keys like the others (so --dump-config and
/// run.json show them), with the short flags --threads, --tile-size and --work-memory winning.
void apply_run_settings(const Settings& s, const po::variables_map& cli, JobConfig& c) {
    const auto value = [&](const char* key, const char* flag) {
        const std::string v = cli.count(flag) ? cli[flag].as<std::string>() : s.text(key);
        for (auto& [name, resolved] : c.resolved)
            if (name == key)
                resolved = v;
        return std::tuple{v, parse_count(v), cli.count(flag) ? std::string() : s.source(key)};
    };
    const auto [threads, t, threads_at] = value("run.threads", "threads");
    if (!t || *t > 4096)
        throw UsageError(threads_at +
                         "the value of 'run.threads' (--threads) must be a whole number from 0 "
                         "to 4096, not '" +
                         threads + "'");
    c.threads = static_cast<int>(*t);
    const auto [memory, m, memory_at] = value("run.work_memory", "work-memory");
    if (!m || *m > (std::int64_t{1} << 30))
        throw UsageError(memory_at +
                         "the value of 'run.work_memory' (--work-memory) must be a whole number "
                         "of MiB, not '" +
                         memory + "'");
    c.work_memory_mib = static_cast<std::int64_t>(*m);
    const auto [tile, ts, tile_at] = value("run.tile_size", "tile-size");
    if (!ts || *ts == 0 || *ts % 512 != 0 || *ts > 65536)
        throw UsageError(tile_at +
                         "the value of 'run.tile_size' (--tile-size) must be a multiple of 512 "
                         "up to 65536, not '" +
                         tile + "'");
    c.tile_size = static_cast<int>(*ts);
}
} // namespace

RunRequest parse_run_options(const std::vector<std::string>& args) {
    const std::string config_path = config_arg(args);
    const auto indicators = indicator_names(config_path, args);
    OptionSet set(indicators);
    po::options_description all;
    all.add(command_flags()).add(set.keys());
    po::variables_map cli;
    try {
        // No prefix guessing: '--smoothing.bandwidth' must not silently mean bandwidth_m.
        const int style =
            po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(args).options(all).style(style).run(), cli);
    } catch (const po::unknown_option& e) {
        throw UsageError("unknown option '" + e.get_option_name() + "'" +
                         suggestion(e.get_option_name().substr(2), all) +
                         "; see riskmap run --help");
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + "; see riskmap run --help");
    }
    RunRequest req;
    if (cli.count("help")) {
        std::ostringstream text;
        text << all;
        req.help = true;
        req.help_text = text.str();
        return req;
    }
    const po::variables_map file = parse_file(config_path, set);
    const Settings settings(set, cli, file, config_path);
    req.config = job_config_from(settings, set, indicators);
    req.config.config_path = config_path;
    req.dump_config = cli.count("dump-config") > 0;
    req.config.quiet = cli.count("quiet") > 0;
    req.config.resume = cli.count("resume") > 0;
    if (cli.count("periods"))
        req.periods = cli["periods"].as<std::string>();
    apply_run_settings(settings, cli, req.config);
    return req;
}

std::string dump_config(const JobConfig& config) {
    std::string out =
        "# riskmap run settings as resolved (command line > config file > defaults)\n";
    std::string section;
    for (const auto& [key, value] : config.resolved) {
        const auto dot = key.rfind('.');
        const std::string sec = key.substr(0, dot);
        if (sec != section) {
            section = sec;
            out += "\n[" + section + "]\n";
        }
        out += key.substr(dot + 1) + " = " + value + "\n";
    }
    return out;
}

} // namespace riskmap::cli
