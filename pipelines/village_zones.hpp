#pragma once
/// \file
/// zonal.villages: the first pass over the tiles.

#include "pipelines/stage.hpp"

namespace riskmap {

/// zonal.villages: first pass over the tiles: villages burnt onto each tile (GDAL rasterizer,
/// pixel-centre rule), population and sanitation summed per village, inputs checked.
class VillageZones final : public RasterStage {
public:
    std::string_view name() const override { return "zonal.villages"; }
    std::string_view description() const override {
        return "burn villages onto the grid and sum population and sanitation per village";
    }
    Parts reads() const override { return {Part::Villages, Part::Grid}; }
    Parts produces() const override { return {Part::Zones}; }
    void run(JobState& state) override;
};

} // namespace riskmap
