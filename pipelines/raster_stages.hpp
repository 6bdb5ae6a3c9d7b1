#pragma once
/// \file
/// Stages on the analysis grid; all skip table-only runs (no population raster).

#include "pipelines/stage.hpp"

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
        return "read population (the analysis grid) and warp sanitation onto it";
    }
    bool applies(const JobState& state) const override { return !state.config.population.empty(); }
    void run(JobState& state) override;
};

/// rasterize.villages: village index per pixel centre with GDAL's rasterizer.
class RasterizeVillages final : public RasterStage {
public:
    std::string_view name() const override { return "rasterize.villages"; }
    std::string_view description() const override {
        return "burn village indices onto the grid (pixel-centre rule)";
    }
    void run(JobState& state) override;
};

/// disaggregate.population: village counts to pixels in proportion to population.
class Disaggregate final : public RasterStage {
public:
    std::string_view name() const override { return "disaggregate.population"; }
    std::string_view description() const override {
        return "spread village counts over their pixels by population, conserving totals";
    }
    void run(JobState& state) override;
};

/// smooth.gaussian: kernel sums of every numerator and denominator layer.
class SmoothGaussian final : public RasterStage {
public:
    std::string_view name() const override { return "smooth.gaussian"; }
    std::string_view description() const override {
        return "Gaussian kernel sums (bandwidth in metres) of numerators and denominators";
    }
    void run(JobState& state) override;
};

} // namespace riskmap
