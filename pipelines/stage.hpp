#pragma once
/// \file
/// A stage is one step of a job: a name, what it does, the parts of the job state it reads
/// and produces, the options it owns, and run(). Errors thrown inside a stage reach the user
/// prefixed with the stage's name.

#include "pipelines/job_state.hpp"
#include "pipelines/options.hpp"
#include "pipelines/parts.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace riskmap {

class Stage {
public:
    virtual ~Stage() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    /// The parts it needs: an earlier stage of the pipeline must produce each. A part whose
    /// stage did not apply is empty (no rasters in a table-only run), which readers allow for.
    virtual Parts reads() const = 0;
    virtual Parts produces() const = 0;
    /// The options it owns (declared once, in its own file).
    virtual Options options() const { return {}; }
    /// Whether the stage applies to this job (raster stages skip table-only runs).
    virtual bool applies(const JobState&) const { return true; }
    virtual void run(JobState& state) = 0;
};

/// A stage on the analysis grid: skipped by table-only runs (no population raster). Such stages
/// stream the grid tile by tile (sched/tiles.hpp): none holds a whole layer.
class RasterStage : public Stage {
public:
    bool applies(const JobState& state) const override { return state.has_rasters; }
};

using Pipeline = std::vector<std::unique_ptr<Stage>>;

/// Told before each stage runs: its position, the stage count and its name.
using ProgressFn = std::function<void(std::size_t index, std::size_t total, std::string_view)>;

/// Throws std::logic_error naming the first stage that reads a part no earlier stage
/// produces: a pipeline listed in the wrong order fails before anything runs.
void check_contracts(const Pipeline& pipeline);

/// Checks the contracts, then runs the stages in order, timing each into state.timings.
void run_pipeline(const Pipeline& pipeline, JobState& state, const ProgressFn& progress = {});

/// The stages as a table for people: name, what it does, what it reads and produces, and the
/// keys it owns (`riskmap run --stages`).
std::string describe_pipeline(const Pipeline& pipeline);

} // namespace riskmap
