#pragma once
/// \file
/// read.rasters: population defines the analysis grid and its tiling; sanitation is warped
/// onto it.

#include "pipelines/stage.hpp"

namespace riskmap {

class ReadRasters final : public RasterStage {
public:
    std::string_view name() const override { return "read.rasters"; }
    std::string_view description() const override {
        return "open population (the analysis grid) and warp sanitation onto it";
    }
    Parts reads() const override { return {}; }
    Parts produces() const override { return {Part::Grid}; }
    Options options() const override;
    bool applies(const JobState& state) const override { return !state.config.population.empty(); }
    void run(JobState& state) override;
};

} // namespace riskmap
