#pragma once
/// \file
/// The per-pixel maps, streamed tile by tile (sched/tiles.hpp) into work files in the
/// staging folder: no stage holds a whole layer of the grid.

#include "pipelines/raster_stages.hpp"

namespace riskmap {

/// maps.pixels: per tile with its halo: village counts disaggregated by population, Gaussian
/// sums (fixed or adaptive bandwidth), pixel posteriors, risk index and priority score.
class PixelMaps final : public RasterStage {
public:
    std::string_view name() const override { return "maps.pixels"; }
    std::string_view description() const override {
        return "disaggregate, smooth and score every tile (read, compute, write overlapped)";
    }
    void run(JobState& state) override;
};

/// maps.classes: population-weighted priority classes of the pixel scores (exact, from a
/// histogram of the scores), and the change maps against the cube's previous quarter.
class PriorityMaps final : public RasterStage {
public:
    std::string_view name() const override { return "maps.classes"; }
    std::string_view description() const override {
        return "priority classes by population fifths, and change since the last quarter";
    }
    void run(JobState& state) override;
};

} // namespace riskmap
