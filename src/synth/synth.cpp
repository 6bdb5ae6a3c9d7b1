#include "synth/synth.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "core/period.hpp"
#include "core/village_code.hpp"
#include "io/csv.hpp"
#include "io/raster_io.hpp"
#include "io/setup.hpp"
#include "io/staged_output.hpp"
#include "synth/internal.hpp"
#include "synth/national.hpp"

#include <cmath>
#include <fstream>

namespace riskmap::synth {

namespace detail {
namespace {
// ~85 x 85 km (about a tenth of Jawa Barat) holding ~8 million people: 25 regencies of ~20
// kecamatan of ~17 villages, several rivers, lakes and forested hills.
void make_province(Preset& p) {
    p.width = 2830;
    p.height = 2830;
    p.river_width_min_m = 80;
    p.river_width_max_m = 180;
    p.tributaries = 4;
    p.lakes = 5;
    p.lake_semi_major_m = 2500;
    p.lake_semi_minor_m = 1300;
    p.forests = 5;
    p.forest_radius_frac = 0.25;
    p.towns = 200;
    p.town_sigma_max_m = 2200;
    p.town_peak_max = 22;
    p.hamlets = 3200;
    p.population_min = 7.5e6;
    p.population_max = 8.5e6;
    p.risk_bumps = 20;
    p.villages = 8500;
    p.village_spacing_m = 220;
    p.kecamatan = 500;
    p.regencies = 25;
    p.relax_iterations = 10;
    p.first_regency = 1;
    p.tiny_villages = 5;
    p.name_prefixes = 64;
    p.name_suffixes = 64;
}

void make_tiny(Preset& p) {
    p.width = 120;
    p.height = 100;
    p.river = false;
    p.lake_semi_major_m = 180;
    p.lake_semi_minor_m = 110;
    p.forest_radius_frac = 0.3;
    p.towns = 2;
    p.town_sigma_min_m = 120;
    p.town_sigma_max_m = 300;
    p.town_peak_max = 14;
    p.hamlets = 6;
    p.population_min = 14000;
    p.population_max = 18000;
    p.villages = 12;
    p.village_spacing_m = 300;
    p.kecamatan = 2;
    p.tiny_villages = 1;
    p.warp_amplitude_m = 60;
}
} // namespace

// The district is the Preset defaults on a 1000 x 1000 grid.
Preset preset_named(const std::string& name) {
    Preset p;
    p.name = name;
    if (name == "district") {
        p.width = 1000;
        p.height = 1000;
    } else if (name == "province") {
        make_province(p);
    } else if (name == "tiny") {
        make_tiny(p);
    } else {
        throw UsageError("synth: unknown preset '" + name +
                         "'; expected 'national', 'province', 'district' or 'tiny'");
    }
    return p;
}
} // namespace detail

// One random stream per step, so that changing how one step draws leaves the others alone.
detail::Rng detail::stream(std::uint64_t seed, std::uint64_t step) {
    return Rng(seed ^ (0x9E3779B97F4A7C15ULL * (step + 1)));
}

namespace {
using namespace detail;

struct Record {
    std::int64_t measured = 0, stunted = 0, births = 0, deaths = 0;
    bool dotted = false;
};

// Under-fives are ~9 % of Indonesians and posyandu weigh ~80 % of them; births are a crude
// rate of ~18 per 1000 a year, i.e. 0.0045 per person a quarter.
std::vector<Record> simulate_records(const VillageSet& set, Rng& rng) {
    std::vector<Record> out;
    for (const auto& v : set.villages) {
        Record r;
        r.measured = rng.binomial(std::llround(0.09 * v.population), 0.8);
        r.stunted = rng.binomial(r.measured, v.stunting);
        r.births = rng.poisson(0.0045 * v.population);
        r.deaths = rng.poisson(static_cast<double>(r.births) * v.maternal);
        // Half the codes dotted, half plain: registries mix both and riskmap must normalise.
        r.dotted = rng.uniform() < 0.5;
        out.push_back(r);
    }
    return out;
}

void write_lines(const std::string& path, const std::vector<std::vector<std::string>>& rows) {
    std::ofstream out(path, std::ios::binary);
    for (const auto& row : rows)
        out << io::csv_line(row);
    out.close();
    if (!out)
        throw Error("synth: cannot write '" + path + "' (disk full?)");
}

/// One quarter's records drawn from the truth.
struct Quarter {
    std::string period;
    std::vector<Record> records;
};

void write_records(const std::string& path, const VillageSet& set,
                   const std::vector<Quarter>& quarters) {
    std::vector<std::vector<std::string>> rows{{"kode_desa", "nama_desa", "periode",
                                                "children_measured", "children_stunted",
                                                "live_births", "maternal_deaths"}};
    for (const auto& q : quarters) {
        for (std::size_t i = 0; i < q.records.size(); ++i) {
            const Village& v = set.villages[i];
            const Record& r = q.records[i];
            rows.push_back({r.dotted ? dotted_code(v.code) : v.code, v.name, q.period,
                            std::to_string(r.measured), std::to_string(r.stunted),
                            std::to_string(r.births), std::to_string(r.deaths)});
        }
    }
    write_lines(path, rows);
}

/// "2025Q3" moved by `quarters` (negative: earlier).
std::string shift_period(const std::string& period, int quarters) {
    const auto index = quarter_index(period);
    if (!index)
        throw UsageError("synth: period '" + period + "' is not of the form 2025Q3");
    return quarter_label(*index + quarters);
}

/// `count` consecutive quarters ending at `last`, each drawn afresh from the same truth. The
/// last quarter keeps the record stream a single-quarter run uses, so its rows do not change.
std::vector<Quarter> simulate_quarters(const VillageSet& villages, const SynthOptions& o) {
    std::vector<Quarter> out;
    for (int k = o.quarters - 1; k >= 0; --k) {
        Rng rng = stream(o.seed, k == 0 ? 4 : 100 + static_cast<std::uint64_t>(k));
        out.push_back({shift_period(o.period, -k), simulate_records(villages, rng)});
    }
    return out;
}

void write_truth(const std::string& path, const VillageSet& set) {
    std::vector<std::vector<std::string>> rows{
        {"kode_desa", "population", "true_stunting", "true_maternal"}};
    for (const auto& v : set.villages)
        rows.push_back({v.code, format_double(v.population), format_double(v.stunting),
                        format_double(v.maternal)});
    write_lines(path, rows);
}

void check_quarters(const SynthOptions& o) {
    if (o.quarters < 1 || o.quarters > 40)
        throw UsageError("synth: quarters must be 1 to 40, not " + std::to_string(o.quarters));
}

io::MapInfo info(const SynthOptions& o, std::string description, std::string units) {
    io::MapInfo m;
    m.description = std::move(description);
    m.units = std::move(units);
    m.metadata = {{"SYNTH_PRESET", o.preset}, {"SYNTH_SEED", std::to_string(o.seed)}};
    return m;
}

void write_rasters(io::StagedOutput& staged, const Preset& p, const Surfaces& s,
                   const SynthOptions& o) {
    const Grid grid = preset_grid(p);
    io::write_float_map(staged.path("population.tif"), grid, s.population,
                        info(o, "population (synthetic)", "persons per pixel"));
    io::write_float_map(staged.path("sanitation.tif"), preset_grid(p, p.sanitation_factor),
                        s.sanitation,
                        info(o, "households without improved sanitation", "proportion"));
    io::write_float_map(staged.path("truth_stunting.tif"), grid, s.stunting,
                        info(o, "true stunting probability", "proportion"));
    io::write_float_map(staged.path("truth_maternal.tif"), grid, s.maternal,
                        info(o, "true maternal deaths per live birth", "ratio"));
}
} // namespace

void detail::write_records_and_truth(const std::string& records_path, const std::string& truth_path,
                                     const VillageSet& set, const SynthOptions& options) {
    check_quarters(options);
    write_records(records_path, set, simulate_quarters(set, options));
    write_truth(truth_path, set);
}

void generate(const SynthOptions& options) {
    check_quarters(options);
    if (options.preset == "national" &&
        (options.truth_cv >= 0 || options.maternal_events >= 0 || options.stunting_mean >= 0))
        throw UsageError("synth: the calibration options do not apply to the national preset");
    if (options.preset == "national")
        return national::generate_national(options);
    if (!options.villages.empty())
        return detail::generate_over_villages(options);
    if (options.scale != 1)
        throw UsageError("synth: '--scale' applies to the national preset only");
    const Preset preset = preset_named(options.preset);
    if (options.out_dir.empty())
        throw UsageError("synth: no output folder given; set out_dir");
    io::init_gdal();
    Rng land_rng = stream(options.seed, 1);
    const Landscape land = make_landscape(preset, land_rng);
    Rng surface_rng = stream(options.seed, 2);
    Surfaces surfaces = make_surfaces(preset, land, options.seed, surface_rng);
    Rng village_rng = stream(options.seed, 3);
    VillageSet villages = make_village_shapes(preset, land, surfaces.population, village_rng);
    assign_codes(preset, land, villages, village_rng);
    measure_villages(preset, surfaces, villages, village_rng);
    retarget_truth(preset, options, surfaces, villages);
    write_district(preset, surfaces, villages, options);
}

void detail::write_district(const Preset& preset, const Surfaces& surfaces,
                            const VillageSet& villages, const SynthOptions& options) {
    const auto quarters = simulate_quarters(villages, options);
    io::StagedOutput staged(options.out_dir);
    write_rasters(staged, preset, surfaces, options);
    write_villages(staged.path("villages.gpkg"), villages, preset.epsg);
    write_records(staged.path("records.csv"), villages, quarters);
    write_truth(staged.path("truth_villages.csv"), villages);
    staged.commit();
}

} // namespace riskmap::synth
