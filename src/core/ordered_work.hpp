#pragma once
/// \file
/// An ordered pipeline as a value, so that a library below the scheduler (io's cube encoder)
/// can run its work on the scheduler's threads without linking it: the caller injects
/// sched::ordered_runner(); the default runs every item on the calling thread, with the same
/// result (items are made and kept in order either way).

#include <cstddef>
#include <functional>
#include <memory>

namespace riskmap {

/// Work in flight for one item (a tile, a strip of a file), owned by the pipeline between its
/// steps.
struct WorkItem {
    virtual ~WorkItem() = default;
};

using MakeWork = std::function<std::unique_ptr<WorkItem>(std::size_t)>;
using DoWork = std::function<void(WorkItem&)>;

/// Runs items 0 .. count-1 through make (serial, in order) -> work (any thread) -> keep
/// (serial, in order), at most `in_flight` alive at once; exceptions stop it and are rethrown.
struct OrderedRunner {
    std::function<void(std::size_t count, int in_flight, const MakeWork& make, const DoWork& work,
                       const DoWork& keep)>
        run;
    int threads = 1; ///< threads `run` may use, to size in_flight
};

/// One item at a time on the calling thread.
inline OrderedRunner serial_runner() {
    return {
        [](std::size_t count, int, const MakeWork& make, const DoWork& work, const DoWork& keep) {
            for (std::size_t i = 0; i < count; ++i) {
                const auto item = make(i);
                work(*item);
                keep(*item);
            }
        },
        1};
}

} // namespace riskmap
