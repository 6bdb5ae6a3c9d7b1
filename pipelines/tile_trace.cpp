#include "pipelines/tile_trace.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/atomic_file.hpp"
#include "io/staged_output.hpp"
#include "sched/ranks.hpp"

#include <filesystem>

namespace riskmap {

TileTrace::TileTrace(const JobState& state) : state_(state) {}

void TileTrace::add(std::size_t tile, const char* phase, bool resumed, double read_s,
                    double compute_s, double keep_s) {
    if (state_.config.trace_path.empty())
        return;
    rows_ += std::to_string(sched::rank()) + "," + phase + "," + std::to_string(tile) + "," +
             std::to_string(state_.zones().tile_land.at(tile)) + "," + (resumed ? "1" : "0") + "," +
             format_double(read_s, 6) + "," + format_double(compute_s, 6) + "," +
             format_double(keep_s, 6) + "\n";
}

void TileTrace::add_finish(std::size_t map, bool shared, double seconds) {
    if (state_.config.trace_path.empty())
        return;
    rows_ += std::to_string(sched::rank()) + (shared ? ",finish," : ",finish-writer,") +
             std::to_string(map) + ",0,0,0,0," + format_double(seconds, 6) + "\n";
}

void TileTrace::write() const {
    if (state_.config.trace_path.empty())
        return;
    std::filesystem::path path = state_.config.trace_path;
    if (sched::ranks() > 1)
        path.replace_filename(path.stem().string() + ".rank" + std::to_string(sched::rank()) +
                              path.extension().string());
    const std::string header = "rank,phase,tile,land_pixels,resumed,read_s,compute_s,keep_s\n";
    io::replace_file_text(path, header + rows_, {"write the trace"});
}

} // namespace riskmap
