#pragma once
/// \file
/// Village polygons: reading any OGR source, rasterizing onto the grid, writing the ranked
/// GeoPackage.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/table.hpp"
#include "core/village_table.hpp"

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace riskmap::io {

struct VillageSource {
    std::string path;
    std::string layer;      ///< empty: the source's only layer
    std::string code_field; ///< field with the 10-digit code
    std::string name_field; ///< optional; empty: no names
    bool repair = false;    ///< make invalid geometries valid instead of failing
};

struct VillageLayer {
    VillageTable table;
    std::vector<std::unique_ptr<OGRGeometry>> geometries; ///< same order as table
    OGRSpatialReference srs;                              ///< may be empty (unknown CRS)
    std::string layer_name;
};

/// Reads every feature; throws InputError naming the feature for a bad or duplicate code, an
/// empty, non-polygonal or invalid geometry, and for a missing field or layer.
VillageLayer read_villages(const VillageSource& source);

struct RasterizedVillages {
    Layer<std::int32_t> village_of_pixel;  ///< village index or -1 (pixel centre in no village)
    std::vector<std::int64_t> point_pixel; ///< pixel of each village's point on surface, or -1
};

/// Burns village indices with GDAL's rasterizer (pixel-centre rule), after reprojecting the
/// polygons to the grid's CRS. Throws InputError when no village overlaps the grid.
RasterizedVillages rasterize_villages(const VillageLayer& villages, const Grid& grid,
                                      const std::string& villages_path);

/// Writes the villages' geometries with the table's columns, rows in table.order.
void write_villages_gpkg(const std::string& path, const VillageLayer& villages, const Table& table);

} // namespace riskmap::io
