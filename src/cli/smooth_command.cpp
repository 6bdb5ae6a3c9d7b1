#include "cli/smooth_command.hpp"

#include "cli/flags.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/raster_io.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/smooth.hpp"

#include <boost/program_options.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>

namespace po = boost::program_options;

namespace riskmap::cli {
namespace {

const char* kSmoothUsage =
    R"(Usage: riskmap smooth IN OUT (--bandwidth-m H | --bandwidth-px P) [--threads N]

Gaussian kernel smoothing of band 1 of any GDAL raster (sigma = bandwidth). No-data pixels
contribute nothing (normalised convolution: the smoothed value x valid is divided by the
smoothed valid mask), so coasts and map edges are not biased; they stay no-data in OUT. On
geographic grids a bandwidth in metres follows the pixel size row by row. OUT is a tiled,
compressed GeoTIFF with NaN as no-data. The whole band is read into memory.

Example:
  riskmap smooth population.tif population_h2000.tif --bandwidth-m 2000 --threads 4

)";

struct SmoothOptions {
    std::string input, output;
    std::optional<double> bandwidth_m, bandwidth_px;
    int threads = 0;
};

/// A positive number for `option`, or a UsageError quoting the value.
double positive(const std::string& option, const std::string& text) {
    const auto v = parse_double(text);
    if (!v || !(*v > 0) || !std::isfinite(*v))
        throw UsageError("riskmap smooth: the value of '--" + option +
                         "' must be a positive number, not '" + text + "'");
    return *v;
}

SmoothOptions check(const po::variables_map& vm) {
    SmoothOptions opt;
    if (!vm.count("input") || !vm.count("output"))
        throw UsageError("riskmap smooth needs IN and OUT rasters; see riskmap smooth --help");
    opt.input = vm["input"].as<std::string>();
    opt.output = vm["output"].as<std::string>();
    if (vm.count("bandwidth-m") == vm.count("bandwidth-px"))
        throw UsageError("riskmap smooth needs exactly one of --bandwidth-m and --bandwidth-px");
    if (vm.count("bandwidth-m"))
        opt.bandwidth_m = positive("bandwidth-m", vm["bandwidth-m"].as<std::string>());
    else
        opt.bandwidth_px = positive("bandwidth-px", vm["bandwidth-px"].as<std::string>());
    const std::string threads = vm["threads"].as<std::string>();
    const auto n = parse_count(threads);
    if (!n || *n > 4096)
        throw UsageError("riskmap smooth: the value of '--threads' must be a whole number "
                         "from 0 (all cores) to 4096, not '" +
                         threads + "'");
    opt.threads = static_cast<int>(*n);
    return opt;
}

std::optional<SmoothOptions> parse(const std::vector<std::string>& args) {
    po::options_description desc("riskmap smooth options");
    desc.add_options()("help,h", "show this help")("bandwidth-m", po::value<std::string>(),
                                                   "Gaussian sigma in metres")(
        "bandwidth-px", po::value<std::string>(), "Gaussian sigma in pixels (both axes)")(
        "threads", po::value<std::string>()->default_value("0"), "worker threads, 0 = all cores")(
        "input", po::value<std::string>(), "input raster")("output", po::value<std::string>(),
                                                           "output GeoTIFF");
    po::positional_options_description positional;
    positional.add("input", 1).add("output", 1);
    const po::variables_map vm = parse_flags(args, desc, positional, "smooth");
    if (vm.count("help")) {
        std::cout << kSmoothUsage << desc;
        return std::nullopt;
    }
    return check(vm);
}

/// Normalised convolution: sum(K * v * valid) / sum(K * valid), NaN where the input is NaN.
Layer<float> smooth_band(const Layer<float>& band, const kernels::GaussianRows& rows) {
    Layer<float> values(band.width(), band.height()), valid(band.width(), band.height());
    for (std::size_t i = 0; i < band.size(); ++i) {
        const bool ok = !std::isnan(band[i]);
        values[i] = ok ? band[i] : 0.0f;
        valid[i] = ok ? 1.0f : 0.0f;
    }
    const Layer<float> num = sched::gaussian_sum(values, rows);
    const Layer<float> den = sched::gaussian_sum(valid, rows);
    Layer<float> out(band.width(), band.height());
    for (std::size_t i = 0; i < band.size(); ++i)
        out[i] = valid[i] > 0 ? num[i] / den[i] : std::numeric_limits<float>::quiet_NaN();
    return out;
}

} // namespace

int smooth_command(const std::vector<std::string>& args) {
    const auto opt = parse(args);
    if (!opt)
        return kExitOk;
    if (!std::filesystem::exists(opt->input))
        throw InputError("riskmap smooth: input raster '" + opt->input + "' does not exist");
    const sched::ThreadLimit limit(opt->threads);
    const Grid grid = io::read_grid(opt->input);
    const Layer<float> band = io::read_band(opt->input, grid);
    kernels::GaussianRows rows;
    std::string bandwidth;
    if (opt->bandwidth_m) {
        rows = sched::gaussian_rows_for(grid, *opt->bandwidth_m);
        bandwidth = format_double(*opt->bandwidth_m) + " m";
    } else {
        rows.sigma_x_px.assign(grid.height, *opt->bandwidth_px);
        rows.sigma_y_px.assign(grid.height, *opt->bandwidth_px);
        bandwidth = format_double(*opt->bandwidth_px) + " px";
    }
    io::MapInfo info;
    info.description = "Gaussian kernel smoothing of '" +
                       std::filesystem::path(opt->input).filename().string() + "'";
    info.metadata["RISKMAP_BANDWIDTH"] = bandwidth;
    io::write_float_map(opt->output, grid, smooth_band(band, rows), info);
    return kExitOk;
}

} // namespace riskmap::cli
