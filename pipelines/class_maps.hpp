#pragma once
/// \file
/// maps.classes: the second pass over the pixel scores, and the change maps.

#include "pipelines/stage.hpp"

namespace riskmap {

/// maps.classes: population-weighted priority classes of the pixel scores (exact, from a
/// histogram of the scores), and the change maps against the cube's previous quarter.
class ClassMaps final : public RasterStage {
public:
    std::string_view name() const override { return "maps.classes"; }
    std::string_view description() const override {
        return "priority classes by population fifths, and change since the last quarter";
    }
    Parts reads() const override {
        return {Part::Records, Part::Grid, Part::Previous, Part::PixelMaps};
    }
    Parts produces() const override { return {Part::ClassMaps}; }
    void run(JobState& state) override;
};

} // namespace riskmap
