#pragma once
/// \file
/// Village polygons: reading any OGR source, rasterizing onto the grid, writing the ranked
/// GeoPackage.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/rect.hpp"
#include "core/table.hpp"
#include "core/village_code.hpp"
#include "core/village_table.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

struct VillageSource {
    std::string path;
    std::string layer;                                ///< empty: the source's only layer
    std::string code_field;                           ///< field with the area code
    std::optional<AreaUnit> unit = AreaUnit::Village; ///< nullopt: from the codes' length
    std::string name_field;                           ///< optional; empty: no names
    bool repair = false; ///< make invalid geometries valid instead of failing
};

/// A polygon or multipolygon, and a coordinate reference system: OGR's, known by name only
/// outside io's own files (defined in io/gdal_env.hpp).
struct Geometry;
struct SpatialRef;
struct GeometryDeleter {
    void operator()(Geometry* geometry) const;
};
struct SpatialRefDeleter {
    void operator()(SpatialRef* srs) const;
};
using Shape = std::unique_ptr<Geometry, GeometryDeleter>;
using SpatialRefPtr = std::unique_ptr<SpatialRef, SpatialRefDeleter>;

struct VillageLayer {
    VillageTable table;
    std::vector<Shape> geometries; ///< same order as table
    SpatialRefPtr srs;             ///< null: unknown CRS
    std::string layer_name;
    AreaUnit unit = AreaUnit::Village; ///< the source's, or read from the first code
};

/// Reads every feature; throws InputError naming the feature for a bad or duplicate code, an
/// empty, non-polygonal or invalid geometry, and for a missing field or layer.
VillageLayer read_villages(const VillageSource& source);

/// "'PATH' feature FID", where messages about one feature point.
std::string feature_place(const std::string& path, std::int64_t fid);

/// The centroid of every village in metres (distances between villages): projected CRS
/// units times their metres per unit, or longitude/latitude as local east/north metres
/// (equirectangular about the layer's mean latitude). NaN for a village without one.
struct Points {
    std::vector<double> x, y;
};
Points village_points_m(const VillageLayer& villages);

/// Village polygons burnt onto windows of the grid (GDAL rasterizer, pixel-centre rule).
/// Polygons are reprojected once; a window's pixel coordinates are the grid's minus the
/// window origin (exact in floating point), so a pixel gets the same village in every window.
class VillageBurner {
public:
    /// Throws InputError when the villages have no CRS or cannot be reprojected.
    VillageBurner(const VillageLayer& villages, const Grid& grid, std::string path);
    /// Village index per pixel of `rect`, -1 where no village holds the pixel centre.
    /// Safe to call from several threads.
    Layer<std::int32_t> burn(const Rect& rect) const;
    /// Row-major grid pixel of each village's point on surface, -1 outside the grid.
    const std::vector<std::int64_t>& point_pixel() const { return point_pixel_; }

private:
    Grid grid_;
    std::string path_;
    struct PixelBox {
        double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    };
    std::vector<Shape> geometries_;         ///< in the grid's CRS
    std::vector<PixelBox> pixel_envelopes_; ///< in grid pixel coordinates
    std::vector<std::int64_t> point_pixel_;
};

/// A QGIS style stored with a GeoPackage layer.
struct LayerStyle {
    std::string name; ///< styleName in layer_styles
    std::string qml;  ///< QGIS style XML
};

/// Writes the villages' geometries with the table's columns, rows in table.order. With a
/// style: the layer's default style in the `layer_styles` table, as QGIS saves one (QGIS loads
/// it with the layer, aliases included; GDAL 3.6 does not store fields' alternative names in
/// a GeoPackage).
void write_villages_gpkg(const std::string& path, const VillageLayer& villages, const Table& table,
                         const LayerStyle* style = nullptr);

} // namespace riskmap::io
