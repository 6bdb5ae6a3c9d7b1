#pragma once
/// \file
/// Stages that turn counts into rates, posteriors, risk and priority.

#include "pipelines/raster_stages.hpp"

namespace riskmap {

/// neighbours.queen: queen contiguity of the villages from their shared boundary points.
class QueenNeighbours final : public Stage {
public:
    std::string_view name() const override { return "neighbours.queen"; }
    std::string_view description() const override {
        return "queen contiguity from shared boundary vertices (as spdep::poly2nb)";
    }
    void run(JobState& state) override;
};

/// score.areas: village and kecamatan statistics and ranking.
class ScoreAreas final : public Stage {
public:
    std::string_view name() const override { return "score.areas"; }
    std::string_view description() const override {
        return "empirical Bayes rates, intervals, exceedance, risk and priority per area";
    }
    void run(JobState& state) override;
};

} // namespace riskmap
