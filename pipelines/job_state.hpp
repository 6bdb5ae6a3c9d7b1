#pragma once
/// \file
/// What the stages of a quarterly job hand each other: one type per part their contracts
/// name (pipelines/parts.hpp), each behind an accessor that checks the running stage's
/// contract, so a stage can reach only what it declares; run_pipeline checks that the list in
/// quarterly_job.cpp produces each part before a stage reads it.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/table.hpp"
#include "core/village_table.hpp"
#include "io/map_style.hpp"
#include "io/neighbours_io.hpp"
#include "io/staged_output.hpp"
#include "io/tile_io.hpp"
#include "io/vector_io.hpp"
#include "kernels/contiguity.hpp"
#include "kernels/disaggregate.hpp"
#include "kernels/disclosure.hpp"
#include "kernels/empirical_bayes.hpp"
#include "kernels/hyperprior.hpp"
#include "kernels/priority.hpp"
#include "kernels/self_check.hpp"
#include "pipelines/child_register.hpp"
#include "pipelines/job_config.hpp"
#include "pipelines/parts.hpp"

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace riskmap {

class TileTrace;

/// What neighbours.queen found: the lists, the near pairs the snap tolerance linked and those
/// it left apart, and the seconds it took.
struct QueenResult {
    kernels::NeighbourLists lists;
    std::vector<io::NearPair> snapped, near_unlinked;
    double seconds = 0;
};

struct RejectedRecord {
    std::size_t line = 0;
    std::string code;
    std::string reason;
};

struct RecordCounts {
    std::size_t rows = 0;         ///< data rows in the file
    std::size_t other_period = 0; ///< rows of quarters no indicator uses, skipped
    std::size_t joined = 0;       ///< rows of this run's period joined to a village
    std::size_t earlier = 0;      ///< rows of earlier periods joined (pooling, change)
    std::size_t rejected = 0;
};

/// How one indicator's counts were pooled over periods (inputs.pool_periods).
struct PoolInfo {
    std::vector<std::string> periods; ///< the pooled periods, oldest first; one: no pooling
    std::vector<std::string> found;   ///< those with at least one joined row
    std::string leaving; ///< the period that left the pool since last quarter, "" if none
};

/// Per-area statistics of one indicator (areas are villages or kecamatan).
struct IndicatorScores {
    std::vector<double> crude, eb;
    /// Posterior mean, 95 % interval and P(rate > target): from the integrated prior, or the
    /// plug-in prior with uncertainty.method = plugin.
    std::vector<double> mean, lower, upper, exceed;
    kernels::Prior prior;         ///< spdep's moment prior: `eb` and the plug-in method
    std::vector<double> local_eb; ///< over queen neighbours and the area itself
    /// P(rate this period > rate in the period that left the pool), from each period's own
    /// counts (kernels/change_probability.hpp); NaN where either is missing.
    std::vector<double> p_increase;
    std::vector<double> excess_rate; ///< E[(rate - target)+] under the posterior
    /// The population at risk in one period (population x population_share; without
    /// population, the reported denominator over the pooled periods), the cases expected
    /// among it (x E[rate]) and those above the target (x E[(rate - target)+]).
    std::vector<double> at_risk, expected, excess;
    std::vector<std::vector<double>> p_above; ///< P(rate > each of spec.more_targets)
    std::vector<double> prevalence_class;     ///< 1.. by the posterior mean; NaN without
    kernels::HyperPosterior hyper;            ///< integrated method only
    /// The same without spatial offsets: the total between-area variation (kappa of
    /// exchangeable areas), for pixel priors and the signal share.
    kernels::HyperPosterior exchangeable;
    /// Each area's neighbourhood as a relative rate, the prior's spatial offset
    /// (kernels/local_rates.hpp); empty with uncertainty.spatial = false.
    std::vector<double> offset;
    double offset_of(std::size_t i) const { return offset.empty() ? 1.0 : offset[i]; }
    kernels::CoverageCount self_check; ///< simulated coverage of this fit's intervals
};

/// One targeting list: areas ranked by a score of expected excess cases, with the certainty
/// of each rank from posterior draws.
struct TargetList {
    std::string name;          ///< the indicator's, or "priority" for the weighted overall list
    std::vector<double> score; ///< NaN: not ranked
    std::vector<double> rank;  ///< 1 = first; NaN when unscored
    std::vector<double> p_top; ///< P(among the first top_k)
    std::vector<double> rank_lo, rank_hi; ///< 95 % interval of the rank
};

/// Counts, scores and ranking of a set of areas.
struct AreaScores {
    std::vector<std::string> code;
    std::vector<std::string> name;
    kernels::NeighbourLists neighbours;  ///< queen contiguity, one sorted list per area
    std::vector<IndicatorCounts> counts; ///< per indicator
    /// Per indicator: counts of this period alone and of the period that left the pool.
    std::vector<IndicatorCounts> entering, leaving;
    std::vector<IndicatorScores> scores; ///< per indicator
    std::vector<double> periods;         ///< per indicator: periods whose counts were pooled
    std::vector<double> x, y;            ///< representative points in metres (NaN: none)
    double bandwidth_m = 2000;           ///< of the spatial offsets between these areas
    std::vector<double> population;      ///< NaN without a population raster
    std::vector<double> sanitation;      ///< population-weighted deficit, NaN if unknown
    std::vector<double> risk_index;      ///< context: weighted exceedance and sanitation deficit
    /// Per indicator, then the overall list ("priority": sum of priority_weight x excess).
    std::vector<TargetList> lists;
    std::vector<double> priority_score; ///< the overall list's score
    std::vector<double> rank;           ///< 1 = highest priority, NaN when unscored
    std::vector<std::uint8_t> priority_class;
    std::vector<std::size_t> order; ///< areas by rank
    /// Last quarter's values of some columns ("stunting_eb_prev", ...), NaN where unknown.
    std::vector<TableColumn> previous;
};

/// One level of the public set (output.public): the areas scored again from the counts that
/// may be published, as if the withheld ones had never been reported, and what was withheld.
struct PublicAreas {
    AreaScores scores;
    std::vector<std::vector<kernels::Suppression>> withheld; ///< per indicator, per area
    std::vector<IndicatorCounts> reported; ///< as reported: denominators are published
};

/// A map being written tile by tile into a work file in the staging folder.
struct NamedMap {
    std::string name; ///< file stem
    std::unique_ptr<io::TiledMapFile> file;
    io::MapStyle style;  ///< QGIS style and quicklook
    bool in_cube = true; ///< change maps are derived from the cube, not stored in it
};

using kernels::ScoreHistogram;

/// Part::InputDigests (checksum.inputs): input file, SHA-256.
struct InputDigestsPart {
    std::vector<std::pair<std::string, std::string>> checksums;
};

/// Part::Records (join.records).
struct RecordsPart {
    std::vector<IndicatorCounts> counts; ///< per indicator, per village (pooled)
    std::vector<PoolInfo> pools;         ///< per indicator
    /// Per indicator: this period's own counts, and those of the period that left the pool
    /// since last quarter (for P(increase)); `reported` is 0 where a village has no row.
    std::vector<IndicatorCounts> entering, leaving;
    std::vector<RejectedRecord> rejects;
    std::optional<RegisterSummary> register_summary; ///< child-level records: what was counted
    RecordCounts tally;
};

/// Part::Neighbours: neighbours.queen's future, collected into the lists by score.areas.
struct NeighboursPart {
    kernels::NeighbourLists lists;           ///< queen contiguity of the villages
    std::vector<io::NearPair> snapped;       ///< linked only by neighbours.snap_m
    std::vector<io::NearPair> near_unlinked; ///< closer than 1 m (or snap_m) but not linked
    std::size_t islands = 0;                 ///< villages without a neighbour
    /// Computed on its own thread beside the raster stages until score.areas collects it.
    std::future<QueenResult> pending;
};

/// Part::Grid (read.rasters).
struct GridPart {
    Grid grid;
    std::unique_ptr<io::GridBandReader> population;
    std::unique_ptr<io::GridBandReader> sanitation; ///< raw values; null without sanitation
};

/// Part::Zones (zonal.villages).
struct ZonesPart {
    std::unique_ptr<io::VillageBurner> burner;
    kernels::VillageFootprint footprint;
    std::vector<double> village_sanitation; ///< population-weighted deficit, NaN if unknown
    std::vector<std::int64_t> tile_land;    ///< pixels inside a village, per tile (MPI split)
    int tile_size = 0;                      ///< tile side used for this run
    std::size_t tiles = 0;                  ///< tiles in the grid
};

/// Part::Scores (score.areas).
struct ScoresPart {
    AreaScores villages;
    AreaScores parents; ///< the level above the areas (kecamatan of villages); may be empty
    std::optional<PublicAreas> public_villages, public_parents; ///< with output.public
};

/// Part::Previous (compare.previous, with AreaScores::previous).
struct PreviousPart {
    std::string period; ///< the cube's latest quarter before this one, if any
};

/// Part::PixelMaps (maps.pixels); maps.classes adds its maps to `maps`.
struct PixelMapsPart {
    std::vector<NamedMap> maps;
    std::size_t pixel_maps = 0; ///< maps[0, pixel_maps) are maps.pixels' (MPI ranks finish them)
    std::unique_ptr<io::TiledMapFile> score_file; ///< pixel priority scores (work file)
    bool work_in_memory = false; ///< work rasters kept in GDAL's block cache (small grids)
    ScoreHistogram score_histogram;
    double unplaced_events = 0;       ///< counts of villages outside the grid
    std::size_t tiles_resumed = 0;    ///< tiles taken from a killed run
    std::shared_ptr<TileTrace> trace; ///< run.trace, from maps.pixels to the maps' finishing
    std::string writer_staging; ///< under MPI: the writer's staging folder, where ranks finish maps
};

/// Part::ClassMaps (maps.classes).
struct ClassMapsPart {
    bool has_priority_classes = false;
};

class Stage;

/// The state of one job. Its parts are reached through accessors that check the running
/// stage's contract: a stage that touches a part it neither reads nor produces stops with
/// std::logic_error naming the stage and the part (between stages, every part is open).
class JobState {
public:
    explicit JobState(const JobConfig& c) : config(c) {}

    const JobConfig& config;

    // Shared by every stage.
    bool has_rasters = false; ///< a population raster is given: the job maps pixels
    /// Output files go into its staging folder as they are made (maps tile by tile); made by
    /// the first stage that writes (staged_output).
    std::unique_ptr<io::StagedOutput> output;
    std::vector<std::pair<std::string, double>> timings; ///< stage name, seconds
    /// Plain words for the user: English (stderr, run.json "warnings") and, index for index,
    /// Bahasa Indonesia (run.json "warnings_id", the report with output.language = id).
    std::vector<std::string> warnings, warnings_id;
    void warn(std::string english, std::string indonesian) {
        warnings.push_back(std::move(english));
        warnings_id.push_back(std::move(indonesian));
    }

    // The parts (pipelines/parts.hpp), checked against the running stage's contract.
    InputDigestsPart& digests() { return open(digests_, Part::InputDigests); }
    const InputDigestsPart& digests() const { return open(digests_, Part::InputDigests); }
    io::VillageLayer& villages() { return open(villages_, Part::Villages); }
    const io::VillageLayer& villages() const { return open(villages_, Part::Villages); }
    RecordsPart& records() { return open(records_, Part::Records); }
    const RecordsPart& records() const { return open(records_, Part::Records); }
    NeighboursPart& neighbours() { return open(neighbours_, Part::Neighbours); }
    const NeighboursPart& neighbours() const { return open(neighbours_, Part::Neighbours); }
    GridPart& grid() { return open(grid_, Part::Grid); }
    const GridPart& grid() const { return open(grid_, Part::Grid); }
    ZonesPart& zones() { return open(zones_, Part::Zones); }
    const ZonesPart& zones() const { return open(zones_, Part::Zones); }
    ScoresPart& scores() { return open(scores_, Part::Scores); }
    const ScoresPart& scores() const { return open(scores_, Part::Scores); }
    PreviousPart& previous() { return open(previous_, Part::Previous); }
    const PreviousPart& previous() const { return open(previous_, Part::Previous); }
    PixelMapsPart& pixel_maps() { return open(pixel_maps_, Part::PixelMaps); }
    const PixelMapsPart& pixel_maps() const { return open(pixel_maps_, Part::PixelMaps); }
    ClassMapsPart& class_maps() { return open(class_maps_, Part::ClassMaps); }
    const ClassMapsPart& class_maps() const { return open(class_maps_, Part::ClassMaps); }

    /// run_pipeline: the stage whose contract the parts are checked against from now on
    /// (null: none, every part open). Set before the stage's threads start and after they
    /// end; a thread that outlives its stage (neighbours.queen's) must not use the
    /// accessors: it holds references to what it reads, taken when it started.
    void enter(const Stage* stage);

private:
    // Inline: one test per access, cheap enough for tile loops (a pixel loop takes what it
    // needs once, before the loop).
    template <class T> T& open(T& part, Part name) const {
        if (stage_ && !allowed_.has(name))
            undeclared(name);
        return part;
    }
    [[noreturn]] void undeclared(Part part) const;

    const Stage* stage_ = nullptr;
    Parts allowed_;
    InputDigestsPart digests_;
    io::VillageLayer villages_;
    RecordsPart records_;
    GridPart grid_;
    ZonesPart zones_;
    ScoresPart scores_;
    PreviousPart previous_;
    PixelMapsPart pixel_maps_;
    ClassMapsPart class_maps_;
    /// Last: destroyed first, its pending future waits for the thread, which reads villages_.
    NeighboursPart neighbours_;
};

/// Makes the staging folder outputs go to, once (a scratch folder on MPI ranks other than the
/// writer).
io::StagedOutput& staged_output(JobState& state);

} // namespace riskmap
