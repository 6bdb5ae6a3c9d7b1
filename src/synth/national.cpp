// The national preset from end to end: islands, geography, seeds, registry, village polygons,
// then the rasters streamed strip by strip (gathering each village's people on the way), the
// records drawn from them, and a ready-to-run config.

#include "synth/national.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/setup.hpp"
#include "sched/parallel_rows.hpp"

#include <cmath>
#include <fstream>
#include <optional>

namespace riskmap::synth::national {

namespace {
void set_village_rates(const Geography& geo, const VillageSums& sums, Registry& registry) {
    auto& villages = registry.set.villages;
    for (std::size_t v = 0; v < villages.size(); ++v) {
        const auto k = static_cast<std::size_t>(registry.seed_of[v]);
        detail::Village& village = villages[v];
        const double people = sums.population[k];
        village.population = people;
        // A village without people (all forest) keeps the rates at its seed.
        village.stunting = people > 0 ? sums.stunting[k] / people
                                      : geo.fields.at(village.x, village.y, Lattice::kStunting);
        village.maternal = people > 0 ? sums.maternal[k] / people
                                      : geo.fields.at(village.x, village.y, Lattice::kMaternal);
    }
}

double land_km2(const std::vector<Island>& islands) {
    double total = 0;
    for (const Island& i : islands)
        total += i.area_km2;
    return total;
}

std::string config_text(const SynthOptions& o, const NationalPreset& p, std::size_t villages,
                        double people, double land) {
    return "# Quarterly stunting and maternal-mortality maps for the synthetic national data set\n"
           "# made by `riskmap synth --preset national --seed " +
           std::to_string(o.seed) + " --scale " + format_double(p.scale) + "`:\n# " +
           std::to_string(villages) + " villages, " + std::to_string(std::llround(people)) +
           " people, " + std::to_string(std::llround(land)) +
           " km2 of land.\n"
           "# Relative paths are relative to this file; every key can be overridden on the "
           "command line.\n\n"
           "[inputs]\nvillages = villages.gpkg\nvillages_layer = villages\n"
           "village_code = kode_desa\nvillage_name = nama_desa\nrecords = records.csv\n"
           "record_code = kode_desa\nrecord_period = periode\nperiod = " +
           o.period +
           "\npopulation = population.tif\nsanitation = sanitation.tif\n\n"
           "[indicator.stunting]\nnumerator = children_stunted\n"
           "denominator = children_measured\nmodel = binomial\ntarget = 0.14\n"
           "display_scale = 100\npopulation_share = 0.07\nmin_denominator = 20\n\n"
           "[indicator.maternal]\nnumerator = maternal_deaths\ndenominator = live_births\n"
           "model = poisson\ntarget = 0.00183\ndisplay_scale = 100000\n"
           "population_share = 0.0045\nmin_denominator = 50\n\n"
           "[smoothing]\n# Gaussian standard deviation in metres\nbandwidth_m = " +
           format_double(p.bandwidth_m) +
           "\nadaptive = false\nladder_m = 2500,5000,10000,20000,40000\n\n"
           "[risk]\nsanitation_weight = 1\n\n[output]\ndir = out\n";
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out)
        throw Error("synth: cannot write '" + path + "' (disk full?)");
}
} // namespace

void generate_national(const SynthOptions& o) {
    const NationalPreset p = national_preset(o.scale);
    if (o.out_dir.empty())
        throw UsageError("synth: no output folder given; set out_dir");
    if (o.threads < 0)
        throw UsageError("synth: the value of '--threads' must be 0 (all cores) or more, not " +
                         std::to_string(o.threads));
    const sched::ThreadLimit limit(o.threads);
    io::init_gdal();
    Rng island_rng = detail::stream(o.seed, 11);
    const std::vector<Island> islands = make_islands(p, island_rng);
    const LandIndex land(islands, p);
    Rng geo_rng = detail::stream(o.seed, 12);
    const Geography geo = make_geography(p, land, geo_rng);
    Rng seed_rng = detail::stream(o.seed, 13);
    const std::vector<Seed> seeds = place_seeds(p, islands, land, geo, seed_rng);
    const VillageLocator locator(seeds, islands);
    Rng code_rng = detail::stream(o.seed, 14);
    Registry registry = assign_national_codes(p, seeds, islands, code_rng);
    make_village_polygons(islands, seeds, locator, registry);

    io::StagedOutput staged(o.out_dir);
    VillageSums sums{std::vector<double>(seeds.size(), 0.0), std::vector<double>(seeds.size(), 0.0),
                     std::vector<double>(seeds.size(), 0.0)};
    const RasterReport report = write_national_rasters(staged, p, land, geo, locator, o, sums);
    set_village_rates(geo, sums, registry);
    detail::write_villages(staged.path("villages.gpkg"), registry.set, 4326);
    detail::write_records_and_truth(staged.path("records.csv"), staged.path("truth_villages.csv"),
                                    registry.set, o);
    write_text(staged.path("national.ini"), config_text(o, p, registry.set.villages.size(),
                                                        report.population, land_km2(islands)));
    staged.commit();
}

} // namespace riskmap::synth::national
