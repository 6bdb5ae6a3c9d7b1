#include "cli/smooth_command.hpp"

#include "cli/flags.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/atomic_file.hpp"
#include "io/raster_io.hpp"
#include "io/tile_io.hpp"
#include "kernels/normalised_convolution.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/smooth.hpp"
#include "sched/tiled_smooth.hpp"
#include "sched/tiles.hpp"

#include <boost/program_options.hpp>

#include <atomic>
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
compressed GeoTIFF (COG) with NaN as no-data. The raster is streamed tile by tile (memory grows
with tile size x threads, not with the raster); the output bytes do not depend on either.

Example:
  riskmap smooth population.tif population_h2000.tif --bandwidth-m 2000 --threads 4

)";

struct SmoothOptions {
    std::string input, output;
    std::optional<double> bandwidth_m, bandwidth_px;
    int threads = 0;
    int tile_size = 1024;
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
    const std::string tile = vm["tile-size"].as<std::string>();
    const auto t = parse_count(tile);
    if (!t || *t == 0 || *t % 512 != 0 || *t > 65536)
        throw UsageError("riskmap smooth: the value of '--tile-size' must be a multiple of 512 "
                         "up to 65536, not '" +
                         tile + "'");
    opt.tile_size = static_cast<int>(*t);
    return opt;
}

std::optional<SmoothOptions> parse(const std::vector<std::string>& args) {
    po::options_description desc("riskmap smooth options");
    desc.add_options()("help,h", "show this help")("bandwidth-m", po::value<std::string>(),
                                                   "Gaussian sigma in metres")(
        "bandwidth-px", po::value<std::string>(), "Gaussian sigma in pixels (both axes)")(
        "threads", po::value<std::string>()->default_value("0"), "worker threads, 0 = all cores")(
        "tile-size", po::value<std::string>()->default_value("1024"),
        "tile side in pixels, a multiple of 512")(
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

/// Whether every valid pixel is >= 0: then sums are clamped at 0 like the whole-grid kernel
/// does (sched/smooth.hpp), decided once for the grid so tiles agree.
bool non_negative(const io::GridBandReader& reader, const sched::TileLayout& layout) {
    std::atomic<bool> negative{false};
    sched::for_each_tile(layout, [&](std::size_t i) {
        const Layer<float> tile = reader.read(layout.tile(i));
        for (float v : tile.values())
            if (v < 0)
                negative = true;
    });
    return !negative;
}

struct SmoothTile final : sched::TileWork {
    Rect core, window;
    Layer<float> band; ///< window
    Layer<float> out;  ///< core
};

void smooth_tile(const sched::TiledGaussian& gauss, bool clamp, SmoothTile& t) {
    const auto sum = [&](const Layer<float>& window, bool clamp_sum) {
        return gauss.sum(window.view(), t.window, t.core, clamp_sum);
    };
    t.out =
        kernels::normalised_convolution(t.band, t.core.y0 - t.window.y0, t.core.x0 - t.window.x0,
                                        t.core.width, t.core.height, sum, clamp);
}

/// Streams IN through the tiles into a work file beside OUT, copies it into a COG under a
/// temporary name and renames that into place: OUT is never half-written.
void smooth_file(const SmoothOptions& opt, const Grid& grid, const kernels::GaussianRows& rows,
                 const io::MapInfo& info) {
    const io::GridBandReader reader(opt.input, grid, opt.input);
    const sched::TiledGaussian gauss(rows, grid.width);
    const sched::TileLayout layout(grid.width, grid.height, opt.tile_size);
    const bool clamp = non_negative(reader, layout);
    io::TiledMapFile file(opt.output + ".riskmap-work.tif", grid, io::PixelType::Float32, info,
                          io::Overviews::FromTiles);
    sched::run_tile_pipeline(
        layout, 2 * sched::worker_threads(),
        [&](std::size_t i) {
            auto t = std::make_unique<SmoothTile>();
            t->core = layout.tile(i);
            t->window = sched::grow_clipped(t->core, gauss.halo(), grid.width, grid.height);
            t->band = reader.read(t->window);
            return t;
        },
        [&](sched::TileWork& w) { smooth_tile(gauss, clamp, static_cast<SmoothTile&>(w)); },
        [&](sched::TileWork& w) {
            auto& t = static_cast<SmoothTile&>(w);
            file.write(t.core, t.out.data());
        });
    io::replace_file(
        opt.output, [&](const std::string& part) { file.finish(part, sched::worker_threads()); },
        io::Replacement{"write", opt.output + ".riskmap-part.tif"});
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
    smooth_file(*opt, grid, rows, info);
    return kExitOk;
}

} // namespace riskmap::cli
