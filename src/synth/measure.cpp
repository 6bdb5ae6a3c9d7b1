#include "synth/internal.hpp"

#include "core/error.hpp"
#include "io/shapes.hpp"

#include <cmath>

namespace riskmap::synth::detail {

// Village index of every analysis pixel (pixel-centre rule, as riskmap itself rasterizes).
Layer<std::int32_t> village_owner(const Grid& g, const VillageSet& set) {
    std::vector<const io::Shape*> shapes;
    for (const auto& v : set.villages)
        shapes.push_back(&v.geometry);
    return io::burn_shapes(g, shapes);
}

namespace {
struct Sums {
    double pop = 0, pop_p = 0, pop_l = 0, p = 0, l = 0;
    int pixels = 0;
};

std::vector<Sums> village_sums(const Layer<std::int32_t>& owner, const Surfaces& s,
                               std::size_t count) {
    std::vector<Sums> sums(count);
    for (std::size_t i = 0; i < owner.size(); ++i) {
        if (owner[i] < 0 || std::isnan(s.stunting[i]))
            continue;
        Sums& v = sums[static_cast<std::size_t>(owner[i])];
        const double pop = s.population[i];
        v.pop += pop;
        v.pop_p += pop * s.stunting[i];
        v.pop_l += pop * s.maternal[i];
        v.p += s.stunting[i];
        v.l += s.maternal[i];
        ++v.pixels;
    }
    return sums;
}

// Sub-pixel villages (and any other village holding no pixel centre) take the rates of the
// pixel under their centroid and a registry-sized population of their own: the raster cannot
// see them.
void measure_point(const Grid& g, const Surfaces& s, Village& v, Rng& rng) {
    const auto point = v.tiny ? io::centroid(v.geometry) : io::point_on_surface(v.geometry);
    if (!point)
        throw Error("synth: no representative point for village " + v.code);
    const int col =
        static_cast<int>(std::floor((point->x - g.geotransform[0]) / g.geotransform[1]));
    const int row =
        static_cast<int>(std::floor((point->y - g.geotransform[3]) / g.geotransform[5]));
    v.population = std::round(rng.uniform(150, 400));
    v.stunting = v.maternal = std::nan("");
    if (col >= 0 && row >= 0 && col < g.width && row < g.height) {
        v.stunting = s.stunting(row, col);
        v.maternal = s.maternal(row, col);
    }
    if (std::isnan(v.stunting) || std::isnan(v.maternal))
        throw Error("synth: village " + v.code + " lies on water");
}
} // namespace

void measure_villages(const Preset& p, const Surfaces& s, VillageSet& set, Rng& rng) {
    const Grid g = preset_grid(p);
    const auto sums = village_sums(village_owner(g, set), s, set.villages.size());
    for (std::size_t k = 0; k < set.villages.size(); ++k) {
        Village& v = set.villages[k];
        const Sums& m = sums[k];
        if (v.tiny || m.pixels == 0) {
            measure_point(g, s, v, rng);
            continue;
        }
        v.population = m.pop;
        // Population-weighted, as the truth for counts drawn from the village's people; an
        // unpeopled (forest) village falls back to the plain mean.
        v.stunting = m.pop > 0 ? m.pop_p / m.pop : m.p / m.pixels;
        v.maternal = m.pop > 0 ? m.pop_l / m.pop : m.l / m.pixels;
    }
}

void write_villages(const std::string& path, const VillageSet& set, int epsg) {
    std::vector<std::pair<const io::Shape*, std::vector<std::string>>> rows;
    for (const auto& v : set.villages)
        rows.push_back(
            {&v.geometry,
             {v.code, v.name, set.kecamatan_names[static_cast<std::size_t>(v.kecamatan)]}});
    io::write_text_polygons(path, "villages", epsg,
                            {{"kode_desa", 10}, {"nama_desa", 0}, {"kecamatan", 0}}, rows);
}

} // namespace riskmap::synth::detail
