/// riskmap command line: `riskmap run`, `riskmap synth`. Errors are caught only here and
/// mapped to the exit codes of DESIGN.md section 4.

#include "cli/flags.hpp"
#include "cli/run_options.hpp"
#include "cli/smooth_command.hpp"
#include "cli/synth_commands.hpp"
#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"
#include "io/cube.hpp"
#include "io/info.hpp"
#include "io/report.hpp"
#include "io/setup.hpp"
#include "pipelines/join_records.hpp"
#include "pipelines/quarterly_job.hpp"
#include "sched/ranks.hpp"

#include <boost/program_options.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
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
  riskmap cube pack CUBE OUT                             the quarterly cube as one file
  riskmap report OUT_DIR                                 the quarter's report (HTML, PDF)
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

/// report_<period>.html (and its PDF where Chromium is installed) in `out_dir`.
void write_report(const std::string& out_dir, bool quiet) {
    const std::string page = io::write_report(out_dir);
    const auto pdf = io::print_report_pdf(page);
    if (!quiet)
        std::cerr << "riskmap: report '" << page << "'" << (pdf ? " and '" + *pdf + "'" : "")
                  << "\n";
}

/// The report, by the writer alone; under MPI the other ranks wait for it and learn whether it
/// failed (it is the last thing a run writes, after the job's own agreements).
void write_report_on_writer(const JobConfig& config) {
    int code = kExitOk;
    std::string message;
    try {
        if (sched::is_writer())
            write_report(config.output_dir, config.quiet);
    } catch (const Error& e) {
        if (sched::ranks() == 1)
            throw;
        code = e.exit_code(), message = std::string("report: ") + e.what();
    }
    if (const sched::Outcome o = sched::agree(code, message); o.code)
        sched::throw_outcome(o);
}

void run_one(const JobConfig& config) {
    JobSummary summary;
    {
        StageBar bar(config.quiet || !sched::is_writer());
        summary = run_quarterly_job(config, bar.callback());
    }
    if (config.report)
        write_report_on_writer(config);
    if (!sched::is_writer())
        return; // the writer reports for every rank
    if (!config.quiet) {
        for (const auto& w : summary.warnings)
            std::cerr << "riskmap: warning: " << w << "\n";
        std::cerr << "riskmap: " << (config.period.empty() ? "" : config.period + ": ")
                  << summary.villages << " villages, " << summary.joined << " records joined, "
                  << summary.rejected << " rejected; outputs in '" << config.output_dir << "'\n";
    }
}

/// --periods: the quarters to run, oldest first.
std::vector<std::string> periods_to_run(const std::string& spec, const JobConfig& config) {
    if (spec == "all")
        return record_quarters(config);
    std::vector<std::string> out;
    std::string item;
    for (std::size_t i = 0; i <= spec.size(); ++i) {
        if (i < spec.size() && spec[i] != ',') {
            item.push_back(spec[i]);
            continue;
        }
        const std::string label(trim(item));
        if (!quarter_index(label))
            throw UsageError("--periods: '" + label +
                             "' is not a quarter such as 2025Q3 (or use "
                             "--periods all)");
        out.push_back(label);
        item.clear();
    }
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        return *quarter_index(a) < *quarter_index(b);
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

/// The job of one quarter of a --periods run: its outputs in OUTPUT/QUARTER, the cube where
/// the config puts it (resolved against OUTPUT already), run.json saying both.
JobConfig quarter_job(const JobConfig& base, const std::string& quarter) {
    JobConfig c = base;
    c.period = quarter;
    c.output_dir = (std::filesystem::path(base.output_dir) / quarter).string();
    for (auto& [key, value] : c.resolved) {
        if (key == "inputs.period")
            value = c.period;
        else if (key == "output.dir")
            value = c.output_dir;
        else if (key == "output.cube")
            value = c.cube_path;
    }
    return c;
}

int run_command(const std::vector<std::string>& args) {
    const RunRequest req = parse_run_options(args);
    if (req.stages) {
        std::cout << req.help_text;
        return kExitOk;
    }
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
    if (req.periods.empty()) {
        run_one(req.config);
        return kExitOk;
    }
    // Oldest first, so each quarter finds the one before it in the cube (change maps).
    for (const std::string& quarter : periods_to_run(req.periods, req.config))
        run_one(quarter_job(req.config, quarter));
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

int cube_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "Usage: riskmap cube pack CUBE OUT\n\n"
                  << "Writes the quarterly cube CUBE (riskmap.nc with its riskmap.quarters/\n"
                  << "folder) as one self-contained NetCDF-4 file OUT to share: every quarter's\n"
                  << "layers and village tables, no virtual datasets.\n\nExample:\n"
                  << "  riskmap cube pack out/riskmap.nc riskmap_2025.nc\n";
        return args.empty() ? kExitUsage : kExitOk;
    }
    if (args[0] != "pack" || args.size() != 3)
        throw UsageError("usage: riskmap cube pack CUBE OUT (see riskmap cube --help)");
    if (std::filesystem::weakly_canonical(args[1]) == std::filesystem::weakly_canonical(args[2]))
        throw UsageError("riskmap cube pack: OUT must not be the cube itself");
    io::cube_pack(args[1], args[2]);
    std::cerr << "riskmap: packed '" << args[1] << "' into '" << args[2] << "'\n";
    return kExitOk;
}

int report_command(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0] == "--help" || args[0] == "-h") {
        std::cout << "Usage: riskmap report OUT_DIR\n\n"
                  << "Writes OUT_DIR/report_<period>.html, one self-contained page for a district\n"
                  << "meeting (headline figures, maps, targeting lists, changes, data quality,\n"
                  << "provenance), and report_<period>.pdf printed from it where Chromium is\n"
                  << "installed.\n\nExample:\n  riskmap report out/\n";
        return args.size() == 1 ? kExitOk : kExitUsage;
    }
    write_report(args[0], false);
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
    if (sched::ranks() > 1)
        throw UsageError("only 'riskmap run' shares its work between MPI ranks; run 'riskmap " +
                         all[0] + "' without mpirun or srun");
    if (all[0] == "synth")
        return synth_command(rest);
    if (all[0] == "accuracy")
        return accuracy_command(rest);
    if (all[0] == "info")
        return info_command(rest);
    if (all[0] == "smooth")
        return smooth_command(rest);
    if (all[0] == "cube")
        return cube_command(rest);
    if (all[0] == "report")
        return report_command(rest);
    throw UsageError("unknown command '" + all[0] +
                     "'; commands: run, synth, accuracy, info, smooth, cube (see riskmap --help)");
}

} // namespace
} // namespace riskmap::cli

namespace {
/// The exit code, the error printed once. Under MPI every rank ends with the same code: an
/// error the ranks have not agreed on yet is agreed on here (its rank may have failed before
/// the others reached a collective; they meet this one at their next), and only rank 0 prints.
int report_error(int code, const std::string& message, bool agreed) {
    namespace sched = riskmap::sched;
    if (sched::ranks() > 1 && !agreed) {
        const sched::Outcome o = sched::agree(code, message);
        code = o.code;
        if (sched::is_writer())
            std::cerr << "riskmap: error: rank " << o.failed_rank << " of " << sched::ranks()
                      << ": " << o.message << "\n";
        return code;
    }
    if (sched::is_writer())
        std::cerr << "riskmap: error: " << message << "\n";
    return code;
}

int run_main(int argc, char** argv) {
    try {
        riskmap::sched::start_ranks(argc, argv);
        riskmap::io::init_gdal();
        return riskmap::cli::dispatch(argc, argv);
    } catch (const riskmap::AgreedError& e) {
        return report_error(e.exit_code(), e.what(), true);
    } catch (const riskmap::Error& e) {
        return report_error(e.exit_code(), e.what(), false);
    } catch (const std::exception& e) {
        return report_error(riskmap::kExitRuntime, e.what(), false);
    }
}
} // namespace

int main(int argc, char** argv) {
    const int code = run_main(argc, argv);
    riskmap::sched::stop_ranks();
    return code;
}
