// Village polygons without any raster: per island, the Voronoi edges of its seeds and its coast
// are noded together once and polygonized, so two neighbouring villages share the very same
// border vertices (queen contiguity finds them, nothing overlaps) and the villages of an island
// cover it exactly. A face belongs to the seed nearest to a point inside it, the same rule the
// population raster uses pixel by pixel.

#include "synth/national.hpp"

#include "core/error.hpp"
#include "sched/parallel_rows.hpp"

namespace riskmap::synth::national {

namespace {
struct Piece {
    int seed = -1;
    io::Shape polygon;
};

std::vector<Piece> voronoi_pieces(const GeosContext& ctx, const GEOSGeometry* island, int index,
                                  const std::vector<Seed>& seeds, const std::vector<int>& mine,
                                  const VillageLocator& locator) {
    std::vector<GeosPtr> points;
    for (int k : mine)
        points.push_back(make_point(ctx, seeds[static_cast<std::size_t>(k)].at));
    const GeosPtr sites = make_collection(ctx, GEOS_MULTIPOINT, std::move(points));
    // With the island as envelope, the diagram reaches past every coast.
    std::vector<GeosPtr> lines;
    lines.push_back(own(ctx, GEOSVoronoiDiagram_r(ctx.get(), sites.get(), island, 0, 1),
                        "the Voronoi diagram of island " + std::to_string(index)));
    lines.push_back(own(ctx, GEOSBoundary_r(ctx.get(), island), "a coast"));
    const GeosPtr all = make_collection(ctx, GEOS_GEOMETRYCOLLECTION, std::move(lines));
    const GeosPtr noded = own(ctx, GEOSUnaryUnion_r(ctx.get(), all.get()), "noded village borders");
    const GEOSGeometry* input = noded.get();
    const GeosPtr faces = own(ctx, GEOSPolygonize_r(ctx.get(), &input, 1), "village faces");
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(ctx.get(), island);
    std::vector<Piece> out;
    std::vector<int> near;
    for (const GEOSGeometry* face : polygons_of(ctx, faces.get())) {
        const Point at = point_inside(ctx, face);
        const GeosPtr p = make_point(ctx, at);
        if (GEOSPreparedContains_r(ctx.get(), prepared, p.get()) != 1)
            continue; // sea between the coast and the diagram's frame
        locator.candidates(index, at.x, at.y, at.x, at.y, near);
        out.push_back({locator.nearest(at.x, at.y, near), to_shape(ctx, face)});
    }
    GEOSPreparedGeom_destroy_r(ctx.get(), prepared);
    return out;
}

std::vector<Piece> island_pieces(const Island& island, int index, const std::vector<Seed>& seeds,
                                 const std::vector<int>& mine, const VillageLocator& locator) {
    const GeosContext ctx;
    const GeosPtr polygon = make_polygon(ctx, island.rings);
    std::vector<Piece> out;
    if (mine.size() >= 2)
        return voronoi_pieces(ctx, polygon.get(), index, seeds, mine, locator);
    const int owner =
        mine.empty() ? locator.attached()[static_cast<std::size_t>(index)] : mine.front();
    out.push_back({owner, to_shape(ctx, polygon.get())});
    return out;
}
} // namespace

void make_village_polygons(const std::vector<Island>& islands, const std::vector<Seed>& seeds,
                           const VillageLocator& locator, Registry& registry) {
    std::vector<std::vector<int>> by_island(islands.size());
    for (std::size_t k = 0; k < seeds.size(); ++k)
        by_island[static_cast<std::size_t>(seeds[k].island)].push_back(static_cast<int>(k));
    std::vector<std::vector<Piece>> pieces(islands.size());
    sched::for_each_index(static_cast<int>(islands.size()), [&](int n) {
        const auto i = static_cast<std::size_t>(n);
        pieces[i] = island_pieces(islands[i], n, seeds, by_island[i], locator);
    });
    std::vector<int> village_of_seed(seeds.size(), -1);
    for (std::size_t v = 0; v < registry.seed_of.size(); ++v)
        village_of_seed[static_cast<std::size_t>(registry.seed_of[v])] = static_cast<int>(v);
    auto& villages = registry.set.villages;
    for (auto& v : villages)
        v.geometry = io::empty_multipolygon();
    // Island order, then face order: the same parts in the same order for any thread count.
    for (auto& island : pieces)
        for (Piece& piece : island) {
            const int v = village_of_seed[static_cast<std::size_t>(piece.seed)];
            io::add_part(villages[static_cast<std::size_t>(v)].geometry, std::move(piece.polygon));
        }
    for (const auto& v : villages)
        if (io::is_empty(v.geometry))
            throw Error("synth: village " + v.code + " got no land; its seed lies on a border");
}

} // namespace riskmap::synth::national
