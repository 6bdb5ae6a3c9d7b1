#pragma once
/// \file
/// A stage is one step of a job: a name, what it does, and run(). Errors thrown inside a stage
/// reach the user prefixed with the stage's name.

#include "pipelines/job_state.hpp"

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace riskmap {

class Stage {
public:
    virtual ~Stage() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    /// Whether the stage applies to this job (raster stages skip table-only runs).
    virtual bool applies(const JobState&) const { return true; }
    virtual void run(JobState& state) = 0;
};

using Pipeline = std::vector<std::unique_ptr<Stage>>;

/// Told before each stage runs: its position, the stage count and its name.
using ProgressFn = std::function<void(std::size_t index, std::size_t total, std::string_view)>;

/// Runs the stages in order, timing each into state.timings.
void run_pipeline(const Pipeline& pipeline, JobState& state, const ProgressFn& progress = {});

} // namespace riskmap
