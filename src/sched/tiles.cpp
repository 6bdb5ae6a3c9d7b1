#include "sched/tiles.hpp"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace riskmap::sched {

Rect grow_clipped(const Rect& r, int margin, int width, int height) {
    const int x0 = std::max(0, r.x0 - margin), y0 = std::max(0, r.y0 - margin);
    const int x1 = std::min(width, r.x1() + margin), y1 = std::min(height, r.y1() + margin);
    return {x0, y0, x1 - x0, y1 - y0};
}

TileLayout::TileLayout(int width, int height, int tile_size)
    : tile_(std::max(1, (tile_size + kBlock - 1) / kBlock) * kBlock) {
    for (int y = 0; y < height; y += tile_)
        for (int x = 0; x < width; x += tile_)
            tiles_.push_back({x, y, std::min(tile_, width - x), std::min(tile_, height - y)});
}

void run_tile_pipeline(const TileLayout& layout, int in_flight,
                       const std::function<std::unique_ptr<TileWork>(std::size_t)>& read,
                       const std::function<void(TileWork&)>& compute,
                       const std::function<void(TileWork&)>& write) {
    run_ordered_pipeline(layout.count(), in_flight, read, compute, write);
}

OrderedRunner ordered_runner() {
    return {[](std::size_t count, int in_flight, const MakeWork& make, const DoWork& work,
               const DoWork& keep) { run_ordered_pipeline(count, in_flight, make, work, keep); },
            worker_threads()};
}

int worker_threads() {
    return static_cast<int>(
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

#ifdef RISKMAP_STD_THREADS
// ThreadSanitizer builds (see parallel_rows.cpp): the same contract on std::threads. Tiles are
// computed in parallel in waves of `in_flight`, each wave read and written in tile order.
void run_ordered_pipeline(std::size_t count, int in_flight,
                          const std::function<std::unique_ptr<TileWork>(std::size_t)>& read,
                          const std::function<void(TileWork&)>& compute,
                          const std::function<void(TileWork&)>& write) {
    const std::size_t wave = static_cast<std::size_t>(std::max(1, in_flight));
    for (std::size_t first = 0; first < count; first += wave) {
        const std::size_t last = std::min(count, first + wave);
        std::vector<std::unique_ptr<TileWork>> work;
        for (std::size_t i = first; i < last; ++i)
            work.push_back(read(i));
        std::vector<std::exception_ptr> errors(work.size());
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < work.size(); ++i)
            threads.emplace_back([&, i] {
                try {
                    compute(*work[i]);
                } catch (...) {
                    errors[i] = std::current_exception();
                }
            });
        for (auto& t : threads)
            t.join();
        for (std::size_t i = 0; i < work.size(); ++i) {
            if (errors[i])
                std::rethrow_exception(errors[i]);
            write(*work[i]);
        }
    }
}

void for_each_tile(const TileLayout& layout, const std::function<void(std::size_t)>& body) {
    const int workers = std::max(1u, std::thread::hardware_concurrency());
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            for (std::size_t i; (i = next.fetch_add(1)) < layout.count();) {
                try {
                    body(i);
                } catch (...) {
                    std::lock_guard lock(error_mutex);
                    error = std::current_exception();
                }
            }
        });
    for (auto& t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
}
#else
void run_ordered_pipeline(std::size_t count, int in_flight,
                          const std::function<std::unique_ptr<TileWork>(std::size_t)>& read,
                          const std::function<void(TileWork&)>& compute,
                          const std::function<void(TileWork&)>& write) {
    // Items travel between the filters by index; the slots own them, so an item in flight
    // when an exception cancels the pipeline is freed with the slots.
    std::vector<std::unique_ptr<TileWork>> slots(count);
    std::size_t next = 0;
    const auto source = [&](tbb::flow_control& fc) -> std::size_t {
        if (next == count) {
            fc.stop();
            return 0;
        }
        slots[next] = read(next);
        return next++;
    };
    const auto work = [&](std::size_t i) {
        compute(*slots[i]);
        return i;
    };
    const auto sink = [&](std::size_t i) {
        write(*slots[i]);
        slots[i].reset();
    };
    tbb::parallel_pipeline(
        static_cast<std::size_t>(std::max(1, in_flight)),
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
            tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel, work) &
            tbb::make_filter<std::size_t, void>(tbb::filter_mode::serial_in_order, sink));
}

void for_each_tile(const TileLayout& layout, const std::function<void(std::size_t)>& body) {
    tbb::parallel_for(std::size_t{0}, layout.count(), [&](std::size_t i) { body(i); });
}
#endif

} // namespace riskmap::sched
