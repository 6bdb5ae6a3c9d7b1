#pragma once
/// \file
/// A job's settings, declared once: each option is one row (key, default, help and the
/// function that validates its value into the JobConfig), owned by the stage that uses it, as
/// PDAL's addArgs and GDAL's algorithm arguments do. src/cli only finds the values (command
/// line > INI file > default) and hands them over through Settings.

#include "pipelines/job_config.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace riskmap {

/// The values of the settings, whatever their source. The typed readers check the value and
/// throw UsageError naming the key, and the file and line when it came from the config file.
class Settings {
public:
    virtual ~Settings() = default;
    /// The value as written; throws UsageError when the key has no value and no default.
    virtual std::string text(const std::string& key) const = 0;
    /// "'FILE' line N: " when the key's value came from the config file, else "".
    virtual std::string source(const std::string& key) const = 0;
    /// A path: relative ones from the config file are taken from the file's folder.
    virtual std::string path(const std::string& key) const = 0;

    double number(const std::string& key, double min, bool min_exclusive) const;
    bool flag(const std::string& key) const;
    /// Comma-separated positive numbers in ascending order, at least one.
    std::vector<double> ladder(const std::string& key) const;
    /// Comma-separated numbers, ascending when `ascending`; empty text gives none.
    std::vector<double> numbers(const std::string& key, bool ascending) const;
    /// Comma-separated words, each trimmed; empty text gives none.
    std::vector<std::string> words(const std::string& key) const;
    std::string choice(const std::string& key, const std::vector<std::string>& allowed) const;
    /// A whole number from `min` to `max`; `what` completes "must be a whole number ...";
    /// `shorthand` names the flag that may have given it (e.g. "--threads").
    std::int64_t count(const std::string& key, std::int64_t min, std::int64_t max,
                       const std::string& what, const char* shorthand = nullptr) const;
};

/// One option. `bind` reads its value (and, for checks across options, others') from the
/// settings into the config (null: another option's bind reads it); options bind in the
/// order of quarterly_options().
struct Option {
    enum class Kind {
        Text, ///< run.json and --dump-config show the value as given
        Path  ///< ... resolved against the config file's folder
    };
    const char* key;
    const char* fallback; ///< default value; nullptr: required
    const char* help;
    void (*bind)(const Settings&, JobConfig&);
    Kind kind = Kind::Text;
};

using Options = std::span<const Option>;

/// The options of the whole job rather than of one stage: the threads, and the smoothing
/// bandwidth both the areas' offsets and the pixel maps use.
Options job_options();

/// The keys of `[indicator.NAME]` (the defaults of DESIGN.md section 1 for stunting and
/// maternal; another indicator must give its own columns, model, target and share).
struct IndicatorOption {
    std::string key; ///< indicator.NAME.KEY
    std::optional<std::string> fallback;
    const char* help;
};
std::vector<IndicatorOption> indicator_options(const std::string& name);

/// Reads every `[indicator.NAME]` into config.indicators, in the order of `names`.
void bind_indicators(const Settings& s, const std::vector<std::string>& names, JobConfig& c);

} // namespace riskmap
