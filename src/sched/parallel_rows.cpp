#include "sched/parallel_rows.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <memory>

namespace riskmap::sched {

void for_row_blocks(int rows, const std::function<void(int, int)>& body) {
    // 8 rows per task: enough work per task to hide scheduling, small enough to balance.
    tbb::parallel_for(tbb::blocked_range<int>(0, rows, 8),
                      [&](const tbb::blocked_range<int>& r) { body(r.begin(), r.end()); });
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
