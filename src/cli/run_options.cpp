#include "cli/run_options.hpp"

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/numbers.hpp"
#include "pipelines/quarterly_job.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace riskmap::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {
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
        for (const Option& o : quarterly_options())
            add(o.key, o.fallback ? std::optional<std::string>(o.fallback) : std::nullopt, o.help);
        for (const auto& name : indicators)
            for (const auto& o : indicator_options(name))
                add(o.key, o.fallback, o.help);
    }

    const po::options_description& keys() const { return keys_; }
    const std::optional<std::string>& fallback(const std::string& key) const {
        return fallbacks_.at(key);
    }

private:
    void add(const std::string& key, std::optional<std::string> fallback, const char* help) {
        keys_.add_options()(key.c_str(), po::value<std::string>(), help);
        fallbacks_[key] = std::move(fallback);
    }
    po::options_description keys_;
    std::map<std::string, std::optional<std::string>> fallbacks_;
};

/// The settings after the command line, the file and the defaults, in that precedence. The
/// short flags --threads, --tile-size and --work-memory stand for their run.* keys.
class CommandLineSettings final : public Settings {
public:
    CommandLineSettings(const OptionSet& set, const po::variables_map& cli,
                        const po::variables_map& file, std::string config_path)
        : set_(set), cli_(cli), file_(file), config_path_(std::move(config_path)) {}

    std::string text(const std::string& key) const override {
        if (const char* flag = short_flag(key); flag && cli_.count(flag))
            return cli_[flag].as<std::string>();
        if (cli_.count(key))
            return cli_[key].as<std::string>();
        if (file_.count(key))
            return file_[key].as<std::string>();
        if (const auto& f = set_.fallback(key))
            return *f;
        throw UsageError("setting '" + key + "' is required" + where_to_set(key));
    }

    std::string path(const std::string& key) const override {
        std::string v = text(key);
        if (v.empty() || on_command_line(key) || fs::path(v).is_absolute() || config_path_.empty())
            return v;
        return (fs::path(config_path_).parent_path() / v).lexically_normal().string();
    }

    std::string source(const std::string& key) const override {
        if (on_command_line(key) || !file_.count(key))
            return "";
        const std::size_t line = line_of_key(config_path_, key);
        return "'" + config_path_ + "'" + (line ? " line " + std::to_string(line) : "") + ": ";
    }

private:
    static const char* short_flag(const std::string& key) {
        if (key == "run.threads")
            return "threads";
        if (key == "run.tile_size")
            return "tile-size";
        if (key == "run.work_memory")
            return "work-memory";
        return nullptr;
    }
    bool on_command_line(const std::string& key) const {
        const char* flag = short_flag(key);
        return cli_.count(key) || (flag && cli_.count(flag));
    }
    std::string where_to_set(const std::string& key) const {
        return config_path_.empty() ? " (give --config FILE or --" + key + ")"
                                    : " (add it to '" + config_path_ + "' or give --" + key + ")";
    }
    const OptionSet& set_;
    const po::variables_map& cli_;
    const po::variables_map& file_;
    std::string config_path_;
};

std::string job_keys(const std::vector<std::string>& indicators) {
    std::string keys;
    for (const Option& o : job_options())
        keys += std::string(o.key) + ", ";
    for (const auto& name : indicators)
        keys += "indicator." + name + ".*, ";
    return keys.substr(0, keys.size() - 2);
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
        "work-memory", po::value<std::string>(), "the same as --run.work_memory")(
        "stages", "list the job's stages: what each reads, produces and the keys it owns, then "
                  "exit")("quiet,q", "no progress or warnings on stderr");
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
    if (cli.count("stages")) {
        req.stages = true;
        req.help_text = "The job's own options, which any stage may read: " + job_keys(indicators) +
                        ".\n\n" + describe_pipeline(quarterly_pipeline(true));
        return req;
    }
    const po::variables_map file = parse_file(config_path, set);
    const CommandLineSettings settings(set, cli, file, config_path);
    req.config = bind_quarterly_job(settings, indicators);
    req.config.config_path = config_path;
    req.dump_config = cli.count("dump-config") > 0;
    req.config.quiet = cli.count("quiet") > 0;
    req.config.resume = cli.count("resume") > 0;
    if (cli.count("periods"))
        req.periods = cli["periods"].as<std::string>();
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
