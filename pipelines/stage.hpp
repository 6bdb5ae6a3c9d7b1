#pragma once
/// \file
/// A stage is one step of a job: a name, what it does, the parts of the job state it reads
/// and produces, the options it owns, and run(). Errors thrown inside a stage reach the user
/// prefixed with the stage's name.

#include "pipelines/job_state.hpp"
#include "pipelines/options.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace riskmap {

/// The parts of JobState that stages hand each other (job_state.hpp groups its members by
/// them).
enum class Part : std::uint8_t {
    InputDigests, ///< SHA-256 of the input files
    Villages,     ///< the village layer
    Records,      ///< counts joined to villages, pools, rejects
    Neighbours,   ///< queen contiguity (computed beside the raster stages)
    Grid,         ///< the analysis grid, its population and sanitation readers, the tiling
    Zones,        ///< villages burnt onto the grid: footprints, sums, land per tile
    Scores,       ///< village and kecamatan statistics and lists (public sets too)
    Previous,     ///< the cube's previous quarter and last quarter's columns
    PixelMaps,    ///< maps.pixels' work files, the score histogram
    ClassMaps,    ///< priority classes and change maps
    Outputs,      ///< the files in the output folder
};
inline constexpr int kParts = 11;
std::string_view part_name(Part part);

/// A set of parts, for the contracts.
class Parts {
public:
    constexpr Parts() = default;
    constexpr Parts(std::initializer_list<Part> parts) {
        for (Part p : parts)
            bits_ |= bit(p);
    }
    constexpr bool has(Part p) const { return bits_ & bit(p); }
    constexpr void add(Parts other) { bits_ |= other.bits_; }

private:
    static constexpr std::uint32_t bit(Part p) { return std::uint32_t{1} << static_cast<int>(p); }
    std::uint32_t bits_ = 0;
};

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
