#pragma once
/// \file
/// Stages on the analysis grid; all skip table-only runs (no population raster). They stream
/// the grid tile by tile (sched/tiles.hpp): no stage holds a whole layer.

#include "pipelines/stage.hpp"

#include <cstdint>

namespace riskmap {

class RasterStage : public Stage {
public:
    bool applies(const JobState& state) const override { return state.has_rasters; }
};

/// read.rasters: population defines the grid; sanitation is warped onto it.
class ReadRasters final : public RasterStage {
public:
    std::string_view name() const override { return "read.rasters"; }
    std::string_view description() const override {
        return "open population (the analysis grid) and warp sanitation onto it";
    }
    bool applies(const JobState& state) const override { return !state.config.population.empty(); }
    void run(JobState& state) override;
};

/// zonal.villages: first pass over the tiles: villages burnt onto each tile (GDAL rasterizer,
/// pixel-centre rule), population and sanitation summed per village, inputs checked.
class VillageZones final : public RasterStage {
public:
    std::string_view name() const override { return "zonal.villages"; }
    std::string_view description() const override {
        return "burn villages onto the grid and sum population and sanitation per village";
    }
    void run(JobState& state) override;
};

/// Population in exact integer units (2^-32 person) for sums whose result must not depend on
/// the order tiles finish in. The largest pixel (1e6) is 4e15 units, a national total (3e8)
/// 1.3e18, within int64.

/// Makes the staging folder outputs go to, once.
io::StagedOutput& staged_output(JobState& state);

} // namespace riskmap
