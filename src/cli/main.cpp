/// riskmap command line: `riskmap run`, `riskmap synth`. Errors are caught only here and
/// mapped to the exit codes of DESIGN.md section 4.

#include "cli/flags.hpp"
#include "cli/run_options.hpp"
#include "cli/smooth_command.hpp"
#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/info.hpp"
#include "pipelines/accuracy.hpp"
#include "pipelines/calibration.hpp"
#include "pipelines/quarterly_job.hpp"
#include "pipelines/synth.hpp"

#include <boost/program_options.hpp>

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#ifndef RISKMAP_VERSION
#define RISKMAP_VERSION "unknown"
#endif

namespace po = boost::program_options;

namespace riskmap::cli {
namespace {

const char* kUsage = R"(riskmap — smoothed, uncertainty-aware village risk maps (stunting, maternal
mortality) from quarterly records, population and sanitation rasters.

Usage:
  riskmap run --config FILE [--section.key VALUE ...]   the quarterly job
  riskmap synth --preset district --out DIR [--seed N]   realistic synthetic inputs
                                                         (tiny, district, province, national)
  riskmap accuracy --truth DIR RUN_DIR...                 estimates scored against the truth
  riskmap info PATH                                      summary of an output folder or map
  riskmap smooth IN OUT --bandwidth-m H                  Gaussian smoothing of any raster
  riskmap --version

Examples:
  riskmap synth --preset district --out data/district
  riskmap run --config configs/district.ini
  riskmap run --config configs/district.ini --smoothing.bandwidth_m 3000 --output.dir out/h3000

Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 3 input data error.
Run 'riskmap COMMAND --help' for the options of a command.
)";

/// A one-line stage bar on a terminal; nothing when stderr is a file or pipe (CI logs, cron).
class StageBar {
public:
    explicit StageBar(bool quiet) : enabled_(!quiet && ::isatty(STDERR_FILENO)) {}
    ~StageBar() {
        if (enabled_ && drawn_)
            std::cerr << "\r\033[K" << std::flush;
    }
    StageBar(const StageBar&) = delete;
    StageBar& operator=(const StageBar&) = delete;

    ProgressFn callback() {
        if (!enabled_)
            return {};
        return [this](std::size_t index, std::size_t total, std::string_view stage) {
            const std::size_t width = 24, filled = width * index / total;
            std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, '.')
                      << "] " << index + 1 << "/" << total << " " << stage << std::flush;
            drawn_ = true;
        };
    }

private:
    bool enabled_;
    bool drawn_ = false;
};

int run_command(const std::vector<std::string>& args) {
    const RunRequest req = parse_run_options(args);
    if (req.help) {
        std::cout << "Usage: riskmap run --config FILE [--section.key VALUE ...]\n\n"
                  << "Every key of the INI file can be given on the command line as\n"
                  << "--section.key VALUE and then wins over the file.\n\n"
                  << "Example:\n  riskmap run --config configs/district.ini "
                     "--inputs.period 2025Q3\n\n"
                  << req.help_text;
        return kExitOk;
    }
    if (req.dump_config) {
        std::cout << dump_config(req.config);
        return kExitOk;
    }
    JobSummary summary;
    {
        StageBar bar(req.config.quiet);
        summary = run_quarterly_job(req.config, bar.callback());
    }
    if (!req.config.quiet) {
        for (const auto& w : summary.warnings)
            std::cerr << "riskmap: warning: " << w << "\n";
        std::cerr << "riskmap: " << summary.villages << " villages, " << summary.joined
                  << " records joined, " << summary.rejected << " rejected; outputs in '"
                  << req.config.output_dir << "'\n";
    }
    return kExitOk;
}

int synth_command(const std::vector<std::string>& args) {
    synth::SynthOptions opt;
    std::string seed = "42";
    po::options_description desc("riskmap synth options");
    desc.add_options()("help,h", "show this help")(
        "preset", po::value<std::string>(&opt.preset)->default_value(opt.preset),
        "national (Indonesia-sized, EPSG:4326 at 3 arc seconds, 55200x20400 px, ~84,000 "
        "villages, ~280 million people, streamed: a few minutes, under 2 GiB), province "
        "(2830x2830 px at 30 m, ~8,500 villages in 25 regencies, ~8 million people), district "
        "(1000x1000 px at 30 m, ~240 villages) or tiny (for tests)")(
        "out", po::value<std::string>(&opt.out_dir), "output folder (required)")(
        "seed", po::value<std::string>(&seed)->default_value(seed),
        "random seed")("period", po::value<std::string>(&opt.period)->default_value(opt.period),
                       "last quarter written in the records")(
        "quarters", po::value<int>(&opt.quarters)->default_value(opt.quarters),
        "consecutive quarters of records ending at --period (same truth, fresh counts)")(
        "scale", po::value<double>(&opt.scale)->default_value(opt.scale),
        "national only: pixels per degree x scale over the same box, villages x scale^2; "
        "1200 x scale must be a whole multiple of 3 (e.g. 0.05 for tests)")(
        "threads", po::value<int>(&opt.threads)->default_value(opt.threads),
        "national only: worker threads, 0 = all cores (the output bytes do not depend on it)")(
        "truth-cv", po::value<double>(&opt.truth_cv),
        "calibration: coefficient of variation of the villages' true rates (both indicators; 0: "
        "every village alike)")("maternal-events", po::value<double>(&opt.maternal_events),
                                "calibration: expected maternal deaths per quarter in the map")(
        "stunting-mean", po::value<double>(&opt.stunting_mean),
        "calibration: population-weighted mean true stunting prevalence (0..1)");
    const po::variables_map vm = parse_flags(args, desc, {}, "synth");
    if (vm.count("help")) {
        std::cout << "Usage: riskmap synth --preset national|province|district|tiny --out DIR "
                     "[--seed N]\n\n"
                  << "Examples:\n  riskmap synth --preset district --out data/district\n"
                  << "  riskmap synth --preset national --out data/national   "
                     "(then: riskmap run --config data/national/national.ini)\n\n"
                  << desc;
        return kExitOk;
    }
    if (opt.out_dir.empty())
        throw UsageError("riskmap synth needs --out DIR");
    const auto s = parse_count(seed);
    if (!s)
        throw UsageError("the value of '--seed' must be a whole number, not '" + seed + "'");
    opt.seed = static_cast<std::uint64_t>(*s);
    synth::generate(opt);
    return kExitOk;
}

int accuracy_command(const std::vector<std::string>& args) {
    std::string truth, format = "markdown";
    std::vector<std::string> runs;
    po::options_description desc("riskmap accuracy options");
    desc.add_options()("help,h", "show this help")("truth", po::value<std::string>(&truth),
                                                   "folder written by riskmap synth (required)")(
        "run", po::value<std::vector<std::string>>(&runs), "riskmap run output folder(s)")(
        "format", po::value<std::string>(&format)->default_value(format), "markdown or csv")(
        "calibration", "instead: raw calibration sums of one run as CSV (interval coverage, "
                       "PIT, exceedance reliability, P(increase); benchmarks/calibration.sh)");
    po::positional_options_description positional;
    positional.add("run", -1);
    const po::variables_map vm = parse_flags(args, desc, positional, "accuracy");
    if (vm.count("help")) {
        std::cout << "Usage: riskmap accuracy --truth SYNTH_DIR RUN_DIR [RUN_DIR ...]\n\n"
                  << "Scores crude, global EB and local EB (from the first run) and the kernel\n"
                  << "estimate of every run against the true surfaces of a synthetic data set.\n\n"
                  << "Example:\n  riskmap accuracy --truth data/district out/fixed out/adaptive\n\n"
                  << desc;
        return kExitOk;
    }
    if (truth.empty() || runs.empty())
        throw UsageError("riskmap accuracy needs --truth DIR and at least one run folder");
    if (format != "markdown" && format != "csv")
        throw UsageError("the value of '--format' must be 'markdown' or 'csv', not '" + format +
                         "'");
    if (vm.count("calibration")) {
        if (runs.size() != 1)
            throw UsageError("riskmap accuracy --calibration takes one run folder");
        std::cout << calibration::csv(calibration::evaluate(truth, runs[0]));
        return kExitOk;
    }
    const auto rows = accuracy::evaluate(truth, runs);
    std::cout << (format == "csv" ? accuracy::csv(rows) : accuracy::markdown(rows));
    return kExitOk;
}

int info_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "Usage: riskmap info PATH\n\n"
                  << "Summarises a riskmap output folder (run, maps, top villages), a run.json\n"
                  << "or one map.\n\nExample:\n  riskmap info out/\n";
        return args.empty() ? kExitUsage : kExitOk;
    }
    std::cout << io::describe(args[0]);
    return kExitOk;
}

int dispatch(int argc, char** argv) {
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
        std::cout << kUsage;
        return all.empty() ? kExitUsage : kExitOk;
    }
    if (all[0] == "--version") {
        std::cout << "riskmap " << RISKMAP_VERSION << "\n";
        return kExitOk;
    }
    const std::vector<std::string> rest(all.begin() + 1, all.end());
    if (all[0] == "run")
        return run_command(rest);
    if (all[0] == "synth")
        return synth_command(rest);
    if (all[0] == "accuracy")
        return accuracy_command(rest);
    if (all[0] == "info")
        return info_command(rest);
    if (all[0] == "smooth")
        return smooth_command(rest);
    throw UsageError("unknown command '" + all[0] +
                     "'; commands: run, synth, accuracy, info (see riskmap --help)");
}

} // namespace
} // namespace riskmap::cli

int main(int argc, char** argv) {
    try {
        riskmap::io::init_gdal();
        return riskmap::cli::dispatch(argc, argv);
    } catch (const riskmap::Error& e) {
        std::cerr << "riskmap: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "riskmap: error: " << e.what() << "\n";
        return riskmap::kExitRuntime;
    }
}
