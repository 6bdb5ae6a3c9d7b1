// `riskmap synth --villages FILE`: a synthetic district over given polygons. The geometry is
// real (for instance the five regencies of ../shared/data/boundaries); population, sanitation,
// true risk and records are drawn as for the built-in presets, on a 100 m UTM grid (the
// WorldPop resolution) around the polygons, with the land outside them left as nodata.

#include "core/error.hpp"
#include "io/setup.hpp"
#include "io/shapes.hpp"
#include "io/vector_io.hpp"
#include "synth/internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace riskmap::synth::detail {

namespace {
constexpr double kPixelM = 100;

/// The polygons in UTM with their codes, names and kecamatan (the first 6 code digits).
VillageSet given_villages(const io::VillageLayer& layer, int epsg, const std::string& path) {
    std::vector<io::Shape> shapes = io::multipolygons_in(layer, epsg, path);
    VillageSet set;
    std::map<std::string, int> kecamatan;
    for (std::size_t i = 0; i < layer.table.size(); ++i) {
        Village v;
        v.code = layer.table[i].code;
        v.name = layer.table[i].name.empty() ? "Desa " + dotted_code(v.code) : layer.table[i].name;
        v.geometry = std::move(shapes[i]);
        if (const auto centre = io::centroid(v.geometry))
            v.x = centre->x, v.y = centre->y;
        const auto [it, fresh] = kecamatan.emplace(v.code.substr(0, 6), int(kecamatan.size()));
        if (fresh) {
            set.kecamatan_codes.push_back(it->first);
            set.kecamatan_names.push_back("Kecamatan " + dotted_code(it->first));
        }
        v.kecamatan = it->second;
        set.villages.push_back(std::move(v));
    }
    std::sort(set.villages.begin(), set.villages.end(),
              [](const Village& a, const Village& b) { return a.code < b.code; });
    return set;
}

/// The district preset stretched over the polygons' extent: settlements, rural density and
/// risk bumps scaled with the area, no river or lakes drawn across real villages.
Preset preset_around(const VillageSet& set, int epsg) {
    io::Box all;
    for (const auto& v : set.villages)
        all.merge(io::envelope(v.geometry));
    Preset p = preset_named("district");
    p.name = "given";
    p.epsg = epsg;
    p.pixel_m = kPixelM;
    p.x0 = std::floor(all.min_x / kPixelM) * kPixelM - 2 * kPixelM;
    p.y0 = std::ceil(all.max_y / kPixelM) * kPixelM + 2 * kPixelM;
    p.width = static_cast<int>(std::ceil((all.max_x + 2 * kPixelM - p.x0) / kPixelM));
    p.height = static_cast<int>(std::ceil((p.y0 - all.min_y + 2 * kPixelM) / kPixelM));
    const double km2 = p.width * p.height * kPixelM * kPixelM / 1e6;
    const double district_km2 = 900; // the district preset: 1000 x 1000 pixels of 30 m
    const double scale = std::max(1.0, km2 / district_km2);
    p.river = false;
    p.lakes = 0;
    p.towns = static_cast<int>(std::lround(p.towns * scale));
    p.hamlets = static_cast<int>(std::lround(p.hamlets * scale));
    p.risk_bumps = static_cast<int>(std::lround(p.risk_bumps * std::sqrt(scale)));
    // About 600 people per km² of the box (Jawa's regencies hold 800-1,300 per km² of land).
    p.population_min = 540 * km2;
    p.population_max = 660 * km2;
    p.villages = static_cast<int>(set.villages.size());
    return p;
}

/// Land outside every polygon is nodata, as the sea is in the presets.
void mask_outside(const Preset& p, const VillageSet& set, Surfaces& s) {
    const Layer<std::int32_t> owner = village_owner(preset_grid(p), set);
    for (int r = 0; r < p.height; ++r)
        for (int c = 0; c < p.width; ++c)
            if (owner(r, c) < 0)
                s.population(r, c) = std::numeric_limits<float>::quiet_NaN();
}
} // namespace

void generate_over_villages(const SynthOptions& o) {
    if (o.out_dir.empty())
        throw UsageError("synth: no output folder given; set out_dir");
    io::init_gdal();
    // Real boundaries carry invalid rings (a self-intersection in Purbalingga, nested shells
    // in Banyuwangi): repaired here, so the generated villages.gpkg is valid.
    const io::VillageLayer layer = io::read_villages(
        {o.villages, o.villages_layer, o.village_code, AreaUnit::Village, o.village_name, true});
    if (!layer.srs)
        throw InputError("'" + o.villages + "': the villages have no CRS");
    const int epsg = io::utm_epsg_of(layer);
    VillageSet villages = given_villages(layer, epsg, o.villages);
    const Preset preset = preset_around(villages, epsg);
    Rng land_rng = stream(o.seed, 1);
    const Landscape land = make_landscape(preset, land_rng);
    Rng surface_rng = stream(o.seed, 2);
    Surfaces surfaces = make_surfaces(preset, land, o.seed, surface_rng);
    mask_outside(preset, villages, surfaces);
    Rng village_rng = stream(o.seed, 3);
    measure_villages(preset, surfaces, villages, village_rng);
    retarget_truth(preset, o, surfaces, villages);
    write_district(preset, surfaces, villages, o);
}

} // namespace riskmap::synth::detail
