#pragma once
/// \file
/// score.areas: counts into rates, posteriors, risk and priority, for villages and kecamatan.

#include "pipelines/stage.hpp"

namespace riskmap {

/// score.areas: village and kecamatan statistics and ranking.
class ScoreAreas final : public Stage {
public:
    std::string_view name() const override { return "score.areas"; }
    std::string_view description() const override {
        return "empirical Bayes rates, intervals, exceedance, risk and priority per area";
    }
    Parts reads() const override {
        return {Part::Villages, Part::Records, Part::Neighbours, Part::Zones};
    }
    Parts produces() const override { return {Part::Scores}; }
    Options options() const override;
    void run(JobState& state) override;
};

} // namespace riskmap
