#pragma once
/// \file
/// The scheduler decides how rows are split between threads; kernels only see row ranges.
/// Every kernel run through here computes each output row independently and in a fixed order,
/// so the bytes never depend on the thread count.

#include <functional>

namespace riskmap::sched {

/// Calls body(row_begin, row_end) over [0, rows) in blocks, in parallel (oneTBB).
void for_row_blocks(int rows, const std::function<void(int, int)>& body);

/// Calls body(i) for every i in [0, count), one task each (for a few large jobs such as whole
/// files), in parallel (oneTBB).
void for_each_index(int count, const std::function<void(int)>& body);

/// Calls body(begin, end) over [0, count) in parallel, in ranges of whole `chunk`s (the last
/// range may end short): for kernels whose work unit is wider than one row or column.
void for_chunks(int count, int chunk, const std::function<void(int, int)>& body);

/// Limits oneTBB to `threads` workers while alive (0 = all cores).
class ThreadLimit {
public:
    explicit ThreadLimit(int threads);
    ~ThreadLimit();
    ThreadLimit(const ThreadLimit&) = delete;
    ThreadLimit& operator=(const ThreadLimit&) = delete;

private:
    struct Impl;
    Impl* impl_;
};

} // namespace riskmap::sched
