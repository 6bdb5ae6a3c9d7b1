#pragma once
/// \file
/// run.trace: what each tile of maps.pixels cost (seconds to read, compute and keep it, and its
/// land pixels) and what finishing each map cost, one CSV per process, the input of
/// benchmarks/scaling_model.py.

#include "pipelines/job_state.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace riskmap {

/// Seconds since `start` on the steady clock.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class TileTrace {
public:
    /// Records nothing when the run has no run.trace.
    explicit TileTrace(const JobState& state);
    /// One tile, after it was kept. `phase`: "compute" (computed or resumed here) or
    /// "assemble" (under MPI, a rank taking the tile from the checkpoints: the writer for every
    /// map, another rank for the maps it finishes).
    void add(std::size_t tile, const char* phase, bool resumed, double read_s, double compute_s,
             double keep_s);
    /// One map finished (COG, overviews, style, quicklook, cube chunks) in `seconds`, on one of the
    /// threads finishing maps side by side: phase "finish" (a map of maps.pixels, which MPI
    /// ranks share) or "finish-writer" (one only the writer finishes), the map's index in the
    /// tile column, the seconds in keep_s.
    void add_finish(std::size_t map, bool shared, double seconds);
    /// The CSV (temporary name, then rename); nothing without run.trace.
    void write() const;

private:
    const JobState& state_;
    std::string rows_;
};

} // namespace riskmap
