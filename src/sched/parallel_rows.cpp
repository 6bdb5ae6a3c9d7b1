#include "sched/parallel_rows.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace riskmap::sched {

#ifdef RISKMAP_STD_THREADS
// ThreadSanitizer builds: Debian's oneTBB is not instrumented, so TSan cannot see the
// synchronisation of a parallel_for's join and reports every later access as a race. Plain
// std::threads (joins TSan understands) over the same row blocks let it check our kernels.
void for_row_blocks(int rows, const std::function<void(int, int)>& body) {
    const int workers = std::max(1u, std::thread::hardware_concurrency());
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            for (int begin; (begin = next.fetch_add(8)) < rows;)
                body(begin, std::min(rows, begin + 8));
        });
    for (auto& t : threads)
        t.join();
}

void for_each_index(int count, const std::function<void(int)>& body) {
    const int workers = std::max(1u, std::thread::hardware_concurrency());
    std::atomic<int> next{0};
    std::mutex mutex;
    std::exception_ptr failure; // the first, rethrown after the join as oneTBB does
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            try {
                for (int i; (i = next.fetch_add(1)) < count;)
                    body(i);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!failure)
                    failure = std::current_exception();
                next = count;
            }
        });
    for (auto& t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}
#else
void for_each_index(int count, const std::function<void(int)>& body) {
    tbb::parallel_for(
        tbb::blocked_range<int>(0, count, 1),
        [&](const tbb::blocked_range<int>& r) {
            for (int i = r.begin(); i < r.end(); ++i)
                body(i);
        },
        tbb::simple_partitioner());
}

void for_row_blocks(int rows, const std::function<void(int, int)>& body) {
    // 8 rows per task: enough work per task to hide scheduling, small enough to balance.
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 8),
                      [&](const tbb::blocked_range<int>& r) { body(r.begin(), r.end()); });
}
#endif

void for_chunks(int count, int chunk, const std::function<void(int, int)>& body) {
    for_row_blocks((count + chunk - 1) / chunk,
                   [&](int begin, int end) { body(begin * chunk, std::min(count, end * chunk)); });
}

struct ThreadLimit::Impl {
    std::unique_ptr<tbb::global_control> control;
};

ThreadLimit::ThreadLimit(int threads) : impl_(new Impl) {
    if (threads > 0)
        impl_->control = std::make_unique<tbb::global_control>(
            tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
}

ThreadLimit::~ThreadLimit() {
    delete impl_;
}

} // namespace riskmap::sched
