#pragma once
/// \file
/// Polygons made, cut and measured without GDAL above io: the synthetic-data generator builds
/// its villages through these (OGR and, through it, GEOS underneath), and writes, burns and
/// polygonizes rasters of them here.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "io/vector_io.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace riskmap::io {

struct XY {
    double x = 0;
    double y = 0;
};

/// An axis-aligned box; empty (infinite bounds) until something is merged into it.
struct Box {
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = std::numeric_limits<double>::infinity();
    double max_x = -std::numeric_limits<double>::infinity();
    double max_y = -std::numeric_limits<double>::infinity();
    void merge(const Box& other);
};

/// A polygon from its shell then holes (each ring closed), every coordinate kept bit for bit.
Shape polygon_shape(const std::vector<std::vector<XY>>& rings);
/// A multipolygon without parts.
Shape empty_multipolygon();
/// Moves `polygon` into the multipolygon `multi` as its next part.
void add_part(Shape& multi, Shape polygon);
/// The polygonal parts of a polygon, multipolygon or collection, as one multipolygon (empty
/// for none, or for a null shape).
Shape polygonal_parts(Shape shape);

bool is_empty(const Shape& shape);
/// OGC validity (GEOS).
bool is_valid(const Shape& shape);
/// GEOS MakeValid's result, null when it fails.
Shape made_valid(const Shape& shape);
/// `a` minus `b`, null when GEOS fails.
Shape difference(const Shape& a, const Shape& b);
/// Centre of mass; none for an empty shape.
std::optional<XY> centroid(const Shape& shape);
/// A point inside the shape (GEOS PointOnSurface); none when there is none.
std::optional<XY> point_on_surface(const Shape& shape);
Box envelope(const Shape& shape);

/// The CRS's WKT for an EPSG code; throws Error for an unknown code.
std::string epsg_wkt(int epsg);

/// The EPSG code of the UTM zone (327xx south, 326xx north) holding the centre of the
/// layer's polygons; throws InputError when the layer's CRS cannot be taken to WGS 84.
int utm_epsg_of(const VillageLayer& layer);

/// The layer's polygons in the CRS of `epsg` (GIS axis order), each as a multipolygon. Errors
/// name `path` and, for one polygon, its village code.
std::vector<Shape> multipolygons_in(const VillageLayer& layer, int epsg, const std::string& path);

/// One multipolygon per label 1..count of `labels` (null for a label without pixels): GDAL's
/// polygonizer gives one polygon per 4-connected run, gathered here by label. Pixels <= 0 are
/// outside every polygon.
std::vector<Shape> polygonize_labels(const Grid& grid, const Layer<std::int32_t>& labels,
                                     std::size_t count);

/// The index of the shape holding each pixel centre of `grid`, -1 where none does (GDAL's
/// rasterizer; a later shape wins a pixel).
Layer<std::int32_t> burn_shapes(const Grid& grid, const std::vector<const Shape*>& shapes);

struct TextField {
    std::string name;
    int width = 0; ///< 0: unbounded
};

/// A GeoPackage layer of multipolygons with text fields, in the CRS of `epsg` (GIS axis
/// order). Its date is fixed, so rerunning gives the same bytes.
void write_text_polygons(
    const std::string& path, const std::string& layer_name, int epsg,
    const std::vector<TextField>& fields,
    const std::vector<std::pair<const Shape*, std::vector<std::string>>>& rows);

} // namespace riskmap::io
