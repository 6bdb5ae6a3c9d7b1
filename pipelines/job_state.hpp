#pragma once
/// \file
/// What the stages of a quarterly job hand each other. Each stage fills its part; the list of
/// stages in quarterly_job.cpp says who writes what.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/table.hpp"
#include "core/village_table.hpp"
#include "io/map_style.hpp"
#include "io/vector_io.hpp"
#include "kernels/contiguity.hpp"
#include "kernels/disaggregate.hpp"
#include "kernels/empirical_bayes.hpp"
#include "pipelines/job_config.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace riskmap {

struct RejectedRecord {
    std::size_t line = 0;
    std::string code;
    std::string reason;
};

struct RecordCounts {
    std::size_t rows = 0;         ///< data rows in the file
    std::size_t other_period = 0; ///< rows of other quarters, skipped
    std::size_t joined = 0;
    std::size_t rejected = 0;
};

/// Per-area statistics of one indicator (areas are villages or kecamatan).
struct IndicatorScores {
    std::vector<double> crude, eb, lower, upper, exceed;
    kernels::Prior prior;
    std::vector<double> local_eb; ///< over queen neighbours and the area itself
};

/// Counts, scores and ranking of a set of areas.
struct AreaScores {
    std::vector<std::string> code;
    std::vector<std::string> name;
    kernels::NeighbourLists neighbours;  ///< queen contiguity, one sorted list per area
    std::vector<IndicatorCounts> counts; ///< per indicator
    std::vector<IndicatorScores> scores; ///< per indicator
    std::vector<double> population;      ///< NaN without a population raster
    std::vector<double> sanitation;      ///< population-weighted deficit, NaN if unknown
    std::vector<double> risk_index;
    std::vector<double> priority_score;
    std::vector<double> rank; ///< 1 = highest priority, NaN when unscored
    std::vector<std::uint8_t> priority_class;
    std::vector<std::size_t> order; ///< areas by rank
    /// Last quarter's values of some columns ("stunting_eb_prev", ...), NaN where unknown.
    std::vector<TableColumn> previous;
};

struct NamedMap {
    std::string name; ///< file stem
    Layer<float> values;
    std::string description;
    std::string units;
    std::vector<std::pair<std::string, std::string>> metadata;
    io::MapStyle style; ///< QGIS style and quicklook
};

struct JobState {
    explicit JobState(const JobConfig& c) : config(c) {}
    const JobConfig& config;

    io::VillageLayer villages;
    kernels::NeighbourLists neighbours;  ///< queen contiguity of the villages
    std::size_t islands = 0;             ///< villages without a neighbour
    std::vector<IndicatorCounts> counts; ///< per indicator, per village
    std::vector<RejectedRecord> rejects;
    RecordCounts records;

    bool has_rasters = false;
    Grid grid;
    Layer<float> population;
    Layer<float> sanitation; ///< deficit 0..1 on the grid; empty without a sanitation raster
    io::RasterizedVillages raster;
    kernels::VillageFootprint footprint;
    double unplaced_events = 0; ///< counts of villages outside the grid

    std::vector<Layer<float>> pixel_numerator, pixel_denominator; ///< per indicator
    std::vector<Layer<float>> smooth_numerator, smooth_denominator;
    std::vector<Layer<float>> bandwidth_used; ///< per indicator, adaptive runs only

    AreaScores village_scores;
    AreaScores kecamatan_scores;
    std::vector<NamedMap> maps;
    Layer<std::uint8_t> priority_class_map;

    std::string previous_period; ///< the cube's latest quarter before this one, if any
    std::vector<std::pair<std::string, std::string>> checksums; ///< input file, SHA-256
    std::vector<std::pair<std::string, double>> timings;        ///< stage name, seconds
    std::vector<std::string> warnings;
};

} // namespace riskmap
