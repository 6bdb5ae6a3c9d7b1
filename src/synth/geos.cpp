#include "synth/geos.hpp"

#include "core/error.hpp"

#include <cstdarg>
#include <cstdio>

namespace riskmap::synth::national {

namespace {
thread_local std::string last_message;

// GEOS formats its message and hands it over; the last one goes into the exception.
void keep_message(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    char buffer[512];
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    last_message = buffer;
}

GEOSCoordSequence* sequence(const GeosContext& ctx, const std::vector<Point>& points) {
    GEOSCoordSequence* seq =
        GEOSCoordSeq_create_r(ctx.get(), static_cast<unsigned>(points.size()), 2);
    if (!seq)
        throw Error("synth: GEOS cannot allocate a coordinate sequence");
    for (std::size_t i = 0; i < points.size(); ++i)
        GEOSCoordSeq_setXY_r(ctx.get(), seq, static_cast<unsigned>(i), points[i].x, points[i].y);
    return seq;
}

std::vector<Point> points_of(const GeosContext& ctx, const GEOSGeometry* line) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.get(), line);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx.get(), seq, &n))
        throw Error("synth: GEOS cannot read a coordinate sequence");
    std::vector<Point> out(n);
    for (unsigned i = 0; i < n; ++i)
        GEOSCoordSeq_getXY_r(ctx.get(), seq, i, &out[i].x, &out[i].y);
    return out;
}
} // namespace

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
    if (!handle_)
        throw Error("synth: cannot start GEOS");
    GEOSContext_setNoticeHandler_r(handle_, keep_message);
    GEOSContext_setErrorHandler_r(handle_, keep_message);
}

GeosContext::~GeosContext() {
    GEOS_finish_r(handle_);
}

GeosPtr own(const GeosContext& ctx, GEOSGeometry* g, const std::string& what) {
    if (!g)
        throw Error("synth: GEOS failed to compute " + what +
                    (last_message.empty() ? "" : ": " + last_message));
    return GeosPtr(g, GeosDeleter{ctx.get()});
}

GeosPtr make_polygon(const GeosContext& ctx, const std::vector<Ring>& rings) {
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx.get(), sequence(ctx, rings.front()));
    std::vector<GEOSGeometry*> holes;
    for (std::size_t i = 1; i < rings.size(); ++i)
        holes.push_back(GEOSGeom_createLinearRing_r(ctx.get(), sequence(ctx, rings[i])));
    return own(ctx,
               GEOSGeom_createPolygon_r(ctx.get(), shell, holes.data(),
                                        static_cast<unsigned>(holes.size())),
               "a polygon");
}

GeosPtr make_point(const GeosContext& ctx, Point p) {
    return own(ctx, GEOSGeom_createPointFromXY_r(ctx.get(), p.x, p.y), "a point");
}

GeosPtr make_collection(const GeosContext& ctx, int type, std::vector<GeosPtr> parts) {
    std::vector<GEOSGeometry*> raw;
    for (auto& p : parts)
        raw.push_back(p.release());
    return own(
        ctx,
        GEOSGeom_createCollection_r(ctx.get(), type, raw.data(), static_cast<unsigned>(raw.size())),
        "a collection");
}

std::vector<const GEOSGeometry*> polygons_of(const GeosContext& ctx, const GEOSGeometry* g) {
    std::vector<const GEOSGeometry*> out;
    if (GEOSGeomTypeId_r(ctx.get(), g) == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(ctx.get(), g))
            out.push_back(g);
        return out;
    }
    const int n = GEOSGetNumGeometries_r(ctx.get(), g);
    for (int i = 0; i < n; ++i) {
        const auto part = polygons_of(ctx, GEOSGetGeometryN_r(ctx.get(), g, i));
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

std::vector<Ring> rings_of(const GeosContext& ctx, const GEOSGeometry* polygon) {
    std::vector<Ring> out{points_of(ctx, GEOSGetExteriorRing_r(ctx.get(), polygon))};
    const int holes = GEOSGetNumInteriorRings_r(ctx.get(), polygon);
    for (int i = 0; i < holes; ++i)
        out.push_back(points_of(ctx, GEOSGetInteriorRingN_r(ctx.get(), polygon, i)));
    return out;
}

std::vector<std::vector<Point>> lines_of(const GeosContext& ctx, const GEOSGeometry* g) {
    const int type = GEOSGeomTypeId_r(ctx.get(), g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
        return {points_of(ctx, g)};
    std::vector<std::vector<Point>> out;
    const int n = GEOSGetNumGeometries_r(ctx.get(), g);
    for (int i = 0; i < n; ++i) {
        auto part = lines_of(ctx, GEOSGetGeometryN_r(ctx.get(), g, i));
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

Point point_inside(const GeosContext& ctx, const GEOSGeometry* polygon) {
    const GeosPtr p = own(ctx, GEOSPointOnSurface_r(ctx.get(), polygon), "a point on a surface");
    Point out;
    GEOSGeomGetX_r(ctx.get(), p.get(), &out.x);
    GEOSGeomGetY_r(ctx.get(), p.get(), &out.y);
    return out;
}

io::Shape to_shape(const GeosContext& ctx, const GEOSGeometry* polygon) {
    return io::polygon_shape(rings_of(ctx, polygon));
}

} // namespace riskmap::synth::national
