// Micro-benchmarks of the numerical kernels (Mpx/s). Run:
//   build/benchmarks/riskmap_bench_kernels --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
// With --raster=PATH [--sigma-px=S] it also times the Gaussian that `riskmap smooth` runs on
// band 1 of that raster (BM_GaussianRaster/THREADS), so benchmarks/run.sh can set the kernel
// beside its peers on the very same array.
// Results go into benchmarks/RESULTS.md with the command that produced them.

#include "core/grid.hpp"
#include "core/numbers.hpp"
#include "io/pyramid.hpp"
#include "io/raster_io.hpp"
#include "kernels/disaggregate.hpp"
#include "kernels/empirical_bayes.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/smooth.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace riskmap;

namespace {
Layer<float> noise(int w, int h) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0, 10);
    Layer<float> l(w, h);
    for (auto& v : l.values())
        v = u(rng);
    return l;
}

Grid grid_30m(int size) {
    Grid g;
    g.width = g.height = size;
    g.geotransform = {400000, 30, 0, 9230000, 0, -30};
    return g;
}

/// Gaussian sum of a 1000 x 1000 layer; argument = bandwidth in pixels.
void BM_GaussianSum(benchmark::State& state) {
    const int size = 1000;
    const auto in = noise(size, size);
    const auto params = sched::gaussian_rows_for(grid_30m(size), 30.0 * state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(sched::gaussian_sum(in, params));
    state.counters["Mpx/s"] = benchmark::Counter(static_cast<double>(size) * size / 1e6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_GaussianSum)->Arg(2)->Arg(5)->Arg(20)->Arg(67)->Unit(benchmark::kMillisecond);

/// The exact truncated kernel and the recursive one (Deriche) separately, same layer and sigmas;
/// BM_GaussianSum above is whichever the scheduler picks. Arguments: bandwidth in pixels, side
/// of the square layer (1000: a district, 2830: a province). Wall time (all threads at work).
template <Layer<float> (*Sum)(const Layer<float>&, const kernels::GaussianRows&)>
void BM_GaussianKernel(benchmark::State& state) {
    const int size = static_cast<int>(state.range(1));
    const auto in = noise(size, size);
    const auto params = sched::gaussian_rows_for(grid_30m(size), 30.0 * state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(Sum(in, params));
    state.counters["Mpx/s"] = benchmark::Counter(static_cast<double>(size) * size / 1e6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_GaussianKernel<sched::gaussian_sum_exact>)
    ->Name("BM_GaussianExact")
    ->ArgsProduct({{2, 5, 20, 67}, {1000}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GaussianKernel<sched::gaussian_sum_fast>)
    ->Name("BM_GaussianFast")
    ->ArgsProduct({{2, 5, 20, 67, 200}, {1000, 2830}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Disaggregate(benchmark::State& state) {
    const int size = 1000, villages = 240;
    Layer<std::int32_t> ids(size, size);
    for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c)
            ids(r, c) = (r / 64 * 16 + c / 64) % villages;
    const auto pop = noise(size, size);
    const auto fp = kernels::village_footprint(ids.view(), pop.view(), villages);
    const std::vector<double> counts(villages, 100.0);
    const std::vector<std::int64_t> points(villages, 0);
    for (auto _ : state) {
        Layer<double> out(size, size, 0.0);
        kernels::disaggregate(ids.view(), pop.view(), fp, counts, points, out.view());
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["Mpx/s"] = benchmark::Counter(static_cast<double>(size) * size / 1e6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Disaggregate)->Unit(benchmark::kMillisecond);

// Overview levels of one 1024 x 1024 map tile (the COG's three levels of a province map),
// a tenth of it NaN (Mpx/s of the tile).
void BM_MeanPyramid(benchmark::State& state) {
    Layer<float> tile = noise(1024, 1024);
    for (std::size_t i = 0; i < tile.size(); i += 10)
        tile[i] = std::nanf("");
    for (auto _ : state)
        benchmark::DoNotOptimize(io::mean_pyramid(tile.view(), 3));
    state.counters["Mpx/s"] = benchmark::Counter(double(tile.size()) * state.iterations() / 1e6,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MeanPyramid)->Unit(benchmark::kMillisecond);

/// Pixel posterior (exceedance, Boost.Math) per second, for both models.
void BM_Posterior(benchmark::State& state) {
    const auto model = state.range(0) ? RateModel::Binomial : RateModel::Poisson;
    const std::vector<double> y{5, 30, 12, 40, 3, 0}, n{50, 100, 60, 120, 70, 40};
    const auto prior = kernels::fit_global_prior(model, y, n);
    double k = 0;
    for (auto _ : state) {
        k += 1;
        benchmark::DoNotOptimize(kernels::posterior(prior, 10 + k * 1e-6, 80, 0.2));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Posterior)->Arg(0)->Arg(1);

/// pixel_posterior() over 4096 (y, n) pairs spread as in a map: n from 0.5 to ~3000 (most
/// pixels small), y up to twice the prior mean rate, some y = 0. Arg 0 = Poisson (maternal
/// deaths per birth), 1 = binomial (stunting); arg 2 = 1 adds a diffuse prior (alpha 0.015).
void BM_PixelPosterior(benchmark::State& state) {
    const bool binomial = state.range(0) != 0;
    kernels::Prior prior;
    prior.model = binomial ? RateModel::Binomial : RateModel::Poisson;
    prior.mean = binomial ? 0.2 : 0.002;
    prior.variance = binomial ? 0.004 : 1e-6;
    prior.alpha = state.range(1) ? 0.015 : binomial ? 7.8 : 4.0;
    prior.beta = prior.alpha * (1 - prior.mean) / prior.mean;
    if (!binomial)
        prior.beta = prior.alpha / prior.mean;
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> y(4096), n(4096);
    for (std::size_t i = 0; i < y.size(); ++i) {
        n[i] = 0.5 + 3000 * u(rng) * u(rng);
        y[i] = u(rng) < 0.1 ? 0 : std::min(n[i], n[i] * prior.mean * 2 * u(rng));
    }
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(kernels::pixel_posterior(prior, y[i], n[i], prior.mean * 1.3));
        i = (i + 1) % y.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PixelPosterior)->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1});

/// pixel_posteriors() along a map row (binomial): smoothed counts change slowly from pixel to
/// pixel, here n from 50 to 3000 and back over 4096 pixels, the rate wandering around the
/// prior mean; per pixel. Arg 1: one pixel_posterior() call per pixel instead.
void BM_PixelPosteriorsRow(benchmark::State& state) {
    kernels::Prior prior;
    prior.model = RateModel::Binomial;
    prior.mean = 0.2;
    prior.variance = 0.004;
    prior.alpha = 7.8;
    prior.beta = prior.alpha * (1 - prior.mean) / prior.mean;
    std::vector<double> y(4096), n(4096);
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double t = double(i) / double(y.size());
        n[i] = 50 + 2950 * std::sin(3.14159 * t) * std::sin(3.14159 * t);
        y[i] = n[i] * prior.mean * (1 + 0.5 * std::sin(20 * t));
    }
    std::vector<kernels::Posterior> out(y.size());
    for (auto _ : state) {
        if (state.range(0) == 0) {
            kernels::pixel_posteriors(prior, y, n, prior.mean * 1.3, out);
        } else { // one pixel at a time
            for (std::size_t i = 0; i < y.size(); ++i)
                out[i] = kernels::pixel_posterior(prior, y[i], n[i], prior.mean * 1.3);
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(y.size()));
}
BENCHMARK(BM_PixelPosteriorsRow)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

/// Band 1 of a raster with nodata as 0, as the peers in benchmarks/smooth_peers.py see it.
Layer<float> raster_with_zeros(const std::string& path) {
    Layer<float> band = io::read_band(path, io::read_grid(path));
    for (float& v : band.values())
        v = std::isnan(v) ? 0.0f : v;
    return band;
}

/// The Gaussian of `riskmap smooth --bandwidth-px S` on one raster; argument = threads.
void register_raster_benchmark(const std::string& path, double sigma_px) {
    auto run = [path, sigma_px](benchmark::State& state) {
        const auto in = raster_with_zeros(path);
        kernels::GaussianRows rows;
        rows.sigma_x_px.assign(in.height(), sigma_px);
        rows.sigma_y_px.assign(in.height(), sigma_px);
        const sched::ThreadLimit limit(static_cast<int>(state.range(0)));
        for (auto _ : state)
            benchmark::DoNotOptimize(sched::gaussian_sum(in, rows));
        state.counters["Mpx/s"] = benchmark::Counter(static_cast<double>(in.size()) / 1e6,
                                                     benchmark::Counter::kIsIterationInvariantRate);
    };
    benchmark::RegisterBenchmark("BM_GaussianRaster", run)
        ->Arg(1)
        ->Arg(2)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

/// Takes --raster=PATH and --sigma-px=S out of argv (Google Benchmark rejects unknown flags).
struct RasterFlags {
    std::string path;
    double sigma_px = 20;
};

RasterFlags take_raster_flags(int& argc, char** argv) {
    RasterFlags flags;
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg.starts_with("--raster="))
            flags.path = arg.substr(9);
        else if (arg.starts_with("--sigma-px="))
            flags.sigma_px = parse_double(arg.substr(11)).value_or(0);
        else
            rest.push_back(argv[i]);
    }
    argc = static_cast<int>(rest.size());
    std::copy(rest.begin(), rest.end(), argv);
    return flags;
}
} // namespace

int main(int argc, char** argv) {
    const RasterFlags flags = take_raster_flags(argc, argv);
    if (!(flags.sigma_px > 0)) {
        std::fprintf(stderr, "--sigma-px must be a positive number\n");
        return 1;
    }
    if (!flags.path.empty())
        register_raster_benchmark(flags.path, flags.sigma_px);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
