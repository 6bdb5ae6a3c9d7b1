#pragma once
/// \file
/// neighbours.queen: the villages' contiguity, computed on a thread of its own beside the
/// raster stages; score.areas collects it.

#include "pipelines/stage.hpp"

namespace riskmap {

/// neighbours.queen: queen contiguity of the villages from their shared boundary points.
class QueenNeighbours final : public Stage {
public:
    std::string_view name() const override { return "neighbours.queen"; }
    std::string_view description() const override {
        return "queen contiguity from shared boundary vertices (as spdep::poly2nb)";
    }
    Parts reads() const override { return {Part::Villages}; }
    Parts produces() const override { return {Part::Neighbours}; }
    Options options() const override;
    void run(JobState& state) override;
};

} // namespace riskmap
