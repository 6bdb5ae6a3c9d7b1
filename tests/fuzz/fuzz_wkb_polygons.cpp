// Arbitrary WKB polygons through what real boundaries go through: queen contiguity (vertex
// rule and the near-pair search of neighbours.snap_m) and the rasterizer of the village
// zones. Any geometry is taken or skipped; never a crash, a hang or an out-of-range index.

#include "core/error.hpp"
#include "io/gdal_env.hpp"
#include "io/neighbours_io.hpp"
#include "io/vector_io.hpp"
#include "kernels/contiguity.hpp"

#include <ogr_geometry.h>

namespace {
riskmap::Grid small_grid() {
    riskmap::Grid g;
    g.width = 64;
    g.height = 64;
    g.geotransform = {0, 1, 0, 64, 0, -1};
    OGRSpatialReference srs;
    srs.importFromEPSG(32749);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    g.crs_wkt = wkt;
    CPLFree(wkt);
    return g;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    riskmap::io::init_gdal();
    static const riskmap::Grid grid = small_grid();
    OGRGeometry* parsed = nullptr;
    if (OGRGeometryFactory::createFromWkb(data, nullptr, &parsed, size) != OGRERR_NONE || !parsed)
        return 0;
    std::unique_ptr<OGRGeometry> geom(parsed);
    const auto type = wkbFlatten(geom->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon)
        return 0;
    riskmap::io::VillageLayer layer;
    OGRSpatialReference utm;
    utm.importFromEPSG(32749);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    layer.srs = riskmap::io::make_srs(utm);
    layer.table.add({"3205012001", "fuzz", 1});
    layer.geometries.push_back(riskmap::io::make_shape(std::move(geom)));
    OGRGeometry* square = nullptr;
    const char* wkt = "POLYGON ((10 10, 30 10, 30 30, 10 30, 10 10))";
    OGRGeometryFactory::createFromWkt(wkt, nullptr, &square);
    layer.table.add({"3205012002", "square", 2});
    layer.geometries.push_back(riskmap::io::make_shape(std::unique_ptr<OGRGeometry>(square)));

    const auto lists = riskmap::kernels::queen_neighbours(riskmap::io::boundary_vertices(layer),
                                                          layer.table.size(), 1e-6);
    for (const auto& l : lists)
        for (std::int32_t j : l)
            if (j < 0 || j >= 2)
                __builtin_trap();
    for (const auto& p : riskmap::io::near_pairs(layer, lists, 1.0))
        if (p.a != 0 || p.b != 1 || !(p.distance_m >= 0 && p.distance_m <= 1))
            __builtin_trap();
    try {
        const riskmap::io::VillageBurner burner(layer, grid, "fuzz.gpkg");
        const auto owner = burner.burn({0, 0, 64, 64});
        for (int r = 0; r < 64; ++r)
            for (int c = 0; c < 64; ++c)
                if (owner(r, c) < -1 || owner(r, c) > 1)
                    __builtin_trap();
    } catch (const riskmap::InputError&) {
    }
    return 0;
}
