#include "io/neighbours_io.hpp"

#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <algorithm>
#include <sstream>

namespace riskmap::io {

namespace {
void add_ring(const OGRLinearRing& ring, std::int32_t id, std::vector<Vertex>& out) {
    for (int i = 0; i < ring.getNumPoints(); ++i)
        out.push_back({ring.getX(i), ring.getY(i), id});
}

void add_polygon(const OGRPolygon& poly, std::int32_t id, std::vector<Vertex>& out) {
    if (poly.getExteriorRing())
        add_ring(*poly.getExteriorRing(), id, out);
    for (int r = 0; r < poly.getNumInteriorRings(); ++r)
        add_ring(*poly.getInteriorRing(r), id, out);
}
} // namespace

std::vector<Vertex> boundary_vertices(const VillageLayer& villages) {
    std::vector<Vertex> out;
    for (std::size_t v = 0; v < villages.geometries.size(); ++v) {
        const OGRGeometry& g = *villages.geometries[v]->ogr;
        const auto id = static_cast<std::int32_t>(v);
        if (wkbFlatten(g.getGeometryType()) == wkbPolygon) {
            add_polygon(*g.toPolygon(), id, out);
        } else if (wkbFlatten(g.getGeometryType()) == wkbMultiPolygon) {
            for (const OGRPolygon* part : *g.toMultiPolygon())
                add_polygon(*part, id, out);
        }
    }
    return out;
}

std::vector<NearPair> near_pairs(const VillageLayer& villages, const NeighbourLists& linked,
                                 double within_m) {
    const bool geographic = villages.srs && villages.srs->ogr.IsGeographic();
    const double within = geographic ? within_m / 111320.0 : within_m;
    const std::size_t n = villages.geometries.size();
    std::vector<OGREnvelope> box(n);
    std::vector<std::int32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) {
        villages.geometries[i]->ogr->getEnvelope(&box[i]);
        order[i] = static_cast<std::int32_t>(i);
    }
    // A sweep along x: only envelopes that overlap once grown by `within` are compared.
    std::sort(order.begin(), order.end(),
              [&](std::int32_t a, std::int32_t b) { return box[a].MinX < box[b].MinX; });
    std::vector<NearPair> out;
    for (std::size_t k = 0; k < n; ++k) {
        const std::int32_t a = order[k];
        for (std::size_t m = k + 1; m < n && box[order[m]].MinX <= box[a].MaxX + within; ++m) {
            const std::int32_t b = order[m];
            if (box[b].MinY > box[a].MaxY + within || box[a].MinY > box[b].MaxY + within ||
                std::binary_search(linked[a].begin(), linked[a].end(), b))
                continue;
            const double d =
                villages.geometries[a]->ogr->Distance(villages.geometries[b]->ogr.get());
            if (d >= 0 && d <= within)
                out.push_back({std::min(a, b), std::max(a, b), geographic ? d * 111320.0 : d});
        }
    }
    std::sort(out.begin(), out.end(), [](const NearPair& x, const NearPair& y) {
        return std::pair(x.a, x.b) < std::pair(y.a, y.b);
    });
    return out;
}

void write_gal(const std::string& path, const std::vector<std::string>& codes,
               const NeighbourLists& neighbours, const std::string& source) {
    std::ostringstream out;
    out << "0 " << codes.size() << " " << source << " code\n";
    for (std::size_t i = 0; i < codes.size(); ++i) {
        out << codes[i] << " " << neighbours[i].size() << "\n";
        for (std::size_t k = 0; k < neighbours[i].size(); ++k)
            out << (k ? " " : "") << codes[neighbours[i][k]];
        out << "\n";
    }
    write_file(path, out.str());
}

} // namespace riskmap::io
