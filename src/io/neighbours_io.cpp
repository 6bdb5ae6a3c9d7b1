#include "io/neighbours_io.hpp"

#include "io/staged_output.hpp"

#include <ogr_geometry.h>

#include <sstream>

namespace riskmap::io {

namespace {
void add_ring(const OGRLinearRing& ring, std::int32_t id, std::vector<kernels::Vertex>& out) {
    for (int i = 0; i < ring.getNumPoints(); ++i)
        out.push_back({ring.getX(i), ring.getY(i), id});
}

void add_polygon(const OGRPolygon& poly, std::int32_t id, std::vector<kernels::Vertex>& out) {
    if (poly.getExteriorRing())
        add_ring(*poly.getExteriorRing(), id, out);
    for (int r = 0; r < poly.getNumInteriorRings(); ++r)
        add_ring(*poly.getInteriorRing(r), id, out);
}
} // namespace

std::vector<kernels::Vertex> boundary_vertices(const VillageLayer& villages) {
    std::vector<kernels::Vertex> out;
    for (std::size_t v = 0; v < villages.geometries.size(); ++v) {
        const OGRGeometry& g = *villages.geometries[v];
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

void write_gal(const std::string& path, const std::vector<std::string>& codes,
               const kernels::NeighbourLists& neighbours, const std::string& source) {
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
