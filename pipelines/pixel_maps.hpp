#pragma once
/// \file
/// The per-pixel maps, streamed tile by tile (sched/tiles.hpp) into work files in the
/// staging folder: no stage holds a whole layer of the grid.

#include "pipelines/stage.hpp"

namespace riskmap {

/// maps.pixels: per tile with its halo: village counts disaggregated by population, Gaussian
/// sums (fixed or adaptive bandwidth), pixel posteriors, risk index and priority score.
class PixelMaps final : public RasterStage {
public:
    std::string_view name() const override { return "maps.pixels"; }
    std::string_view description() const override {
        return "disaggregate, smooth and score every tile (read, compute, write overlapped)";
    }
    Parts reads() const override {
        // The input digests name the checkpoints a resumed run may reuse.
        return {Part::InputDigests, Part::Records, Part::Grid, Part::Zones, Part::Scores};
    }
    Parts produces() const override { return {Part::PixelMaps}; }
    Options options() const override;
    void run(JobState& state) override;
};

} // namespace riskmap
