#pragma once
/// \file
/// compare.previous: with a quarterly cube present, what changed since the last quarter.

#include "pipelines/stage.hpp"

namespace riskmap {

/// Finds the cube's previous quarter (maps.classes then makes the change maps of every rate,
/// this quarter minus the previous one, and of the priority class, previous minus this one:
/// positive means the pixel rose in priority) and adds last quarter's EB rates and ranks as
/// extra village columns.
class CompareWithPrevious final : public RasterStage {
public:
    std::string_view name() const override { return "compare.previous"; }
    std::string_view description() const override {
        return "change since the previous quarter in the cube";
    }
    Parts reads() const override { return {Part::Records, Part::Scores}; }
    Parts produces() const override { return {Part::Previous}; }
    bool applies(const JobState& state) const override {
        return state.has_rasters && !state.config.cube_path.empty() && !state.config.period.empty();
    }
    void run(JobState& state) override;
};

/// The latest period before `period` in a sorted list, or "" when there is none.
std::string previous_period(const std::vector<std::string>& periods, const std::string& period);

} // namespace riskmap
