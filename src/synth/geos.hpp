#pragma once
/// \file
/// The few GEOS C API helpers the national generator needs: a per-thread context, owning
/// geometry handles, and conversions between coordinate rings, GEOS and io's shapes. The reentrant
/// (_r) API is used throughout so islands can be cut into villages on several threads.

#include "io/shapes.hpp"

#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

namespace riskmap::synth::national {

/// Longitude and latitude, degrees.
using Point = io::XY;

/// A closed ring: the last point repeats the first.
using Ring = std::vector<Point>;

/// One GEOS context; GEOS reports errors through it, which turn into riskmap::Error.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;
    GEOSContextHandle_t get() const { return handle_; }

private:
    GEOSContextHandle_t handle_;
};

struct GeosDeleter {
    GEOSContextHandle_t context = nullptr;
    void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(context, g); }
};
using GeosPtr = std::unique_ptr<GEOSGeometry, GeosDeleter>;

/// Takes ownership of a GEOS result; throws Error naming `what` when GEOS returned null.
GeosPtr own(const GeosContext& ctx, GEOSGeometry* g, const std::string& what);

/// A polygon from a shell and holes.
GeosPtr make_polygon(const GeosContext& ctx, const std::vector<Ring>& rings);
GeosPtr make_point(const GeosContext& ctx, Point p);
/// A multipoint, a multipolygon or a geometry collection (`type` is a GEOSGeomTypes value);
/// takes the parts.
GeosPtr make_collection(const GeosContext& ctx, int type, std::vector<GeosPtr> parts);

/// The polygons of a polygon or multipolygon (borrowed from `g`).
std::vector<const GEOSGeometry*> polygons_of(const GeosContext& ctx, const GEOSGeometry* g);
/// Shell then holes of one polygon.
std::vector<Ring> rings_of(const GeosContext& ctx, const GEOSGeometry* polygon);
/// Lines of a (multi)linestring or collection of them, as coordinate lists.
std::vector<std::vector<Point>> lines_of(const GeosContext& ctx, const GEOSGeometry* g);

/// A point inside the polygon (GEOS PointOnSurface).
Point point_inside(const GeosContext& ctx, const GEOSGeometry* polygon);

/// An io polygon with the same coordinates, bit for bit.
io::Shape to_shape(const GeosContext& ctx, const GEOSGeometry* polygon);

} // namespace riskmap::synth::national
