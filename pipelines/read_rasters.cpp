#include "pipelines/read_rasters.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "kernels/priority.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <cmath>
#include <limits>
#include <mutex>

namespace riskmap {

void ReadRasters::run(JobState& state) {
    const JobConfig& cfg = state.config;
    state.grid().grid = io::read_grid(cfg.population);
    state.grid().population =
        std::make_unique<io::GridBandReader>(cfg.population, state.grid().grid, cfg.population);
    if (!cfg.sanitation.empty()) {
        const Grid own = io::read_grid(cfg.sanitation);
        std::string on_grid = cfg.sanitation;
        if (!own.same_georeference(state.grid().grid) || own.crs_wkt != state.grid().grid.crs_wkt) {
            on_grid = staged_output(state).scratch_path("work-sanitation.tif");
            io::warp_to_grid_file(cfg.sanitation, state.grid().grid, io::Resampling::Bilinear,
                                  on_grid, sched::worker_threads());
        }
        state.grid().sanitation =
            std::make_unique<io::GridBandReader>(on_grid, state.grid().grid, cfg.sanitation);
    }
    state.has_rasters = true;
}

namespace {
const Option kRasterOptions[] = {
    {"inputs.population", "", "population raster; defines the grid (optional: tables only)",
     [](const Settings& s, JobConfig& c) { c.population = s.path("inputs.population"); },
     Option::Kind::Path},
    {"inputs.sanitation", "", "share of households without improved sanitation (optional)",
     [](const Settings& s, JobConfig& c) { c.sanitation = s.path("inputs.sanitation"); },
     Option::Kind::Path},
    {"inputs.sanitation_scale", "1", "1 when sanitation is 0..1, 100 when percent",
     [](const Settings& s, JobConfig& c) {
         c.sanitation_scale = s.number("inputs.sanitation_scale", 0, true);
     }},
    {"run.tile_size", "1024",
     "tile side in pixels, a multiple of 512 (--tile-size); memory grows with tile size x "
     "threads, the maps do not change",
     [](const Settings& s, JobConfig& c) {
         const std::string tile = s.text("run.tile_size");
         const auto ts = parse_count(tile);
         if (!ts || *ts == 0 || *ts % 512 != 0 || *ts > 65536)
             throw UsageError(s.source("run.tile_size") +
                              "the value of 'run.tile_size' (--tile-size) must be a multiple of "
                              "512 up to 65536, not '" +
                              tile + "'");
         c.tile_size = static_cast<int>(*ts);
     }},
};
} // namespace

Options ReadRasters::options() const {
    return kRasterOptions;
}

} // namespace riskmap
