// This machine's memory bandwidth, the yardstick benchmarks/run.sh holds the kernels against:
// McCalpin's STREAM triad a[i] = b[i] + s * c[i] on three arrays of 128 MiB each (far beyond
// any cache), split into contiguous chunks over THREADS threads (the benchmark argument).
//   build/benchmarks/riskmap_bench_memory --benchmark_repetitions=5
// Bytes counted as STREAM does: 24 per element (two reads and one write of a double; the
// cache's write-allocate read of `a` is not counted).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace {
constexpr std::size_t kElements = std::size_t{1} << 24; // 128 MiB per array of double

/// Runs body(begin, end) over [0, n) split into `threads` contiguous chunks, one per thread.
template <class Body> void split(std::size_t n, int threads, const Body& body) {
    std::vector<std::jthread> workers;
    const std::size_t chunk = (n + threads - 1) / threads;
    for (int t = 0; t < threads; ++t) {
        const std::size_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
        workers.emplace_back([&body, begin, end] { body(begin, end); });
    }
}

void BM_StreamTriad(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    // Not std::vector: its value-initialisation would touch every page from one thread.
    std::unique_ptr<double[]> a(new double[kElements]), b(new double[kElements]),
        c(new double[kElements]);
    split(kElements, threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
    });
    const double scalar = 3.0;
    for (auto _ : state) {
        split(kElements, threads, [&](std::size_t begin, std::size_t end) {
            double* __restrict out = a.get();
            const double* __restrict x = b.get();
            const double* __restrict y = c.get();
            for (std::size_t i = begin; i < end; ++i)
                out[i] = x[i] + scalar * y[i];
        });
        benchmark::DoNotOptimize(a.get());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(
        static_cast<std::int64_t>(state.iterations() * 3 * kElements * sizeof(double)));
}
BENCHMARK(BM_StreamTriad)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
} // namespace

BENCHMARK_MAIN();
