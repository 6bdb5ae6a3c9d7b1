#pragma once
/// \file
/// Everything a quarterly run needs to know, resolved from the INI file and the command line
/// (src/cli parses; the pipeline only reads this struct).

#include "core/indicator.hpp"
#include "core/language.hpp"
#include "core/village_code.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace riskmap {

/// [uncertainty] How village, kecamatan and pixel posteriors treat the prior (DESIGN.md
/// section 3, "Posterior and exceedance" and "Pixel uncertainty").
struct UncertaintyConfig {
    /// true: (m, kappa) integrated over a grid (kernels/hyperprior.hpp); false: the spdep /
    /// GeoDa plug-in moment prior ("plugin"), every posterior as before that existed.
    bool integrated = true;
    double kappa_scale = 1; ///< half-normal scale of the between-area CV kappa
    /// Areas' priors may centre on their neighbourhood (strength integrated, 0 to 1).
    bool spatial = true;
    double mean_sd = 2.3; ///< sd of log m (logit m) about the indicator's target
    /// Pixels: the stated variation of the true rate inside one village, which village counts
    /// cannot see: its sd as a share of the between-village sd, and a floor CV.
    double subvillage_share = 0.5;
    double subvillage_cv = 0.05;
    /// Pixels: weight of the global between-area variance against the local estimate under
    /// the kernel, in areas.
    double local_prior_areas = 10;
    int self_check_replicates = 10; ///< simulations of the run's own self-check; 0: none
    std::uint64_t seed = 1;         ///< of every random draw a run makes
};

/// [priority] Targeting lists and their certainty (DESIGN.md section 3).
struct PriorityConfig {
    /// Areas in "the top" whose probability each area gets; 0: a fifth of the ranked areas.
    int top_k = 0;
    int draws = 200; ///< posterior draws behind P(top K) and the rank intervals
};

enum class RejectPolicy {
    Report, ///< rejected rows go to rejects.csv, the run goes on
    Fail    ///< any rejected row fails the run (exit 3) and nothing is written
};

struct JobConfig {
    std::string config_path; ///< the INI file, for messages and run.json

    // [inputs] — paths already resolved against the config file's folder.
    std::string villages;
    std::string villages_layer;
    std::string village_code = "kode_desa";
    std::string village_name;
    std::optional<AreaUnit> unit = AreaUnit::Village; ///< nullopt: from the codes' length
    bool repair_geometry = false;
    std::string records;
    std::string records_sheet;      ///< spreadsheets: the sheet; empty: the only one
    std::string record_name;        ///< join by this name column instead of codes
    std::string record_parent_code; ///< by name: the kecamatan (or regency) code column
    std::string record_puskesmas;   ///< join by this puskesmas column through puskesmas_table
    std::string puskesmas_table;    ///< CSV: puskesmas, code of the area it serves
    std::string code_crosswalk;     ///< records' codes -> polygons' codes; empty: the same codes
    bool children = false;          ///< records are a child-level register (inputs.records_kind)
    std::string child_id, child_haz, child_status, child_age; ///< its columns
    std::string record_code = "kode_desa";
    std::string record_period; ///< column holding the period; empty: none
    std::string period;        ///< this run's quarter, e.g. 2025Q3
    char delimiter = 0;        ///< 0: detect ',' or ';'
    RejectPolicy on_reject = RejectPolicy::Report;
    std::string population; ///< empty: tables only, no maps
    std::string sanitation;
    double sanitation_scale = 1; ///< 100 when the raster holds percent

    std::vector<IndicatorSpec> indicators;

    UncertaintyConfig uncertainty;
    PriorityConfig priority;

    // [smoothing]
    double bandwidth_m = 2000;
    /// Adaptive bandwidth: ascending ladder in metres; empty means the fixed bandwidth_m.
    std::vector<double> bandwidth_ladder_m;

    // [neighbours] Vertices closer than this (in the villages' CRS units) are one point, as
    // spdep::poly2nb's snap, whose default sqrt(double epsilon) this is.
    double neighbour_snap = 1.4901161193847656e-08;
    double neighbour_snap_m = 0; ///< polygons this close (metres) are neighbours too

    // [risk]
    double sanitation_weight = 1;

    // [output]
    std::string output_dir = "out";
    bool report = false; ///< [output] report: report_<period>.html after the run
    /// [output] public: also write public_* tables with small counts withheld (disclosure)
    bool public_set = false;
    double min_count = 5; ///< [output] min_count: the smallest count a public table may show
    Language language = Language::English; ///< [output] language of what people read
    /// The quarterly cube (riskmap.nc) that keeps every period; empty: none.
    std::string cube_path;

    int threads = 0;      ///< 0: all cores
    int tile_size = 1024; ///< tile side in pixels, a multiple of sched::kBlock
    bool resume = false;  ///< reuse the tiles a killed run with the same inputs finished
    /// run.trace: where maps.pixels writes its per-tile costs (CSV); "" for none. Under MPI
    /// each rank writes its own, ".rank<k>" before the extension.
    std::string trace_path;
    /// Work rasters that fit in this many MiB stay in memory, unwritten, and their tiles are
    /// not checkpointed (a run that small takes seconds); 0 streams every grid through work
    /// files. The outputs are the same bytes either way.
    std::int64_t work_memory_mib = 1024;
    bool quiet = false;

    /// Every setting as key = value after resolution, for --dump-config and run.json.
    std::vector<std::pair<std::string, std::string>> resolved;
};

} // namespace riskmap
