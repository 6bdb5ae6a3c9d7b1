#include "cli/synth_commands.hpp"

#include "cli/flags.hpp"
#include "core/error.hpp"
#include "core/numbers.hpp"
#include "pipelines/calibration.hpp"
#include "synth/accuracy.hpp"
#include "synth/synth.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace riskmap::cli {

namespace po = boost::program_options;

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
        "calibration: population-weighted mean true stunting prevalence (0..1)")(
        "villages", po::value<std::string>(&opt.villages),
        "real geometry: make the district over these village polygons (any OGR source) on a "
        "100 m UTM grid, instead of a preset's invented villages")(
        "villages-layer", po::value<std::string>(&opt.villages_layer),
        "with --villages: the layer (e.g. desa)")(
        "village-code", po::value<std::string>(&opt.village_code)->default_value(opt.village_code),
        "with --villages: the 10-digit code field")("village-name",
                                                    po::value<std::string>(&opt.village_name),
                                                    "with --villages: the name field");
    const po::variables_map vm = parse_flags(args, desc, {}, "synth");
    if (vm.count("help")) {
        std::cout << "Usage: riskmap synth --preset national|province|district|tiny --out DIR "
                     "[--seed N]\n\n"
                  << "Examples:\n  riskmap synth --preset district --out data/district\n"
                  << "  riskmap synth --preset national --out data/national   "
                     "(then: riskmap run --config data/national/national.ini)\n"
                  << "  riskmap synth --villages samples/boundaries/boundaries_3303.gpkg "
                     "--villages-layer desa --village-code kode10 --village-name nama "
                     "--quarters 5 --out data/purbalingga\n\n"
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

} // namespace riskmap::cli
