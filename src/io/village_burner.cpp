#include "io/vector_io.hpp"

#include "core/error.hpp"
#include "core/village_code.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cpl_conv.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace riskmap::io {

namespace {
std::vector<Shape> to_grid_crs(const VillageLayer& villages, const Grid& grid,
                               const std::string& path) {
    if (!villages.srs)
        throw InputError("'" + path + "': villages have no CRS; add one (e.g. a .prj file)");
    OGRSpatialReference grid_srs;
    grid_srs.importFromWkt(grid.crs_wkt.c_str());
    grid_srs = gis_order_srs(grid_srs);
    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (!villages.srs->ogr.IsSame(&grid_srs)) {
        ct.reset(OGRCreateCoordinateTransformation(&villages.srs->ogr, &grid_srs));
        if (!ct)
            throw InputError("'" + path + "': cannot transform villages to the grid's CRS" +
                             gdal_last_error());
    }
    std::vector<Shape> out;
    out.reserve(villages.geometries.size());
    for (std::size_t i = 0; i < villages.geometries.size(); ++i) {
        std::unique_ptr<OGRGeometry> g(villages.geometries[i]->ogr->clone());
        if (ct && g->transform(ct.get()) != OGRERR_NONE)
            throw InputError(feature_place(path, villages.table[i].feature_id) +
                             ": cannot be transformed to the grid's CRS");
        out.push_back(make_shape(std::move(g)));
    }
    return out;
}

std::int64_t pixel_of_point(const OGRGeometry& geom, const Grid& grid) {
    // GEOS point-on-surface: inside the polygon even when the centroid is not (C API, as
    // GDAL 3.6 has no C++ method for multipolygons).
    std::unique_ptr<OGRGeometry> surface_point(OGRGeometry::FromHandle(
        OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geom)))));
    if (!surface_point || wkbFlatten(surface_point->getGeometryType()) != wkbPoint)
        return -1;
    const auto* point = surface_point->toPoint();
    const auto& gt = grid.geotransform;
    const double col = std::floor((point->getX() - gt[0]) / gt[1]);
    const double row = std::floor((point->getY() - gt[3]) / gt[5]);
    if (col < 0 || row < 0 || col >= grid.width || row >= grid.height)
        return -1;
    return static_cast<std::int64_t>(row) * grid.width + static_cast<std::int64_t>(col);
}
} // namespace

namespace {
/// Rasterizer transformer: grid CRS -> pixel coordinates of a window. The grid pixel is
/// computed as for the whole grid and the window origin (an integer) subtracted, which is
/// exact, so every window sees the same pixel coordinates.
struct WindowPixels {
    std::array<double, 6> gt;
    double x0, y0;
};

int to_window_pixels(void* arg, int dst_to_src, int count, double* x, double* y, double*, int* ok) {
    const auto& w = *static_cast<const WindowPixels*>(arg);
    for (int i = 0; i < count; ++i) {
        if (dst_to_src) {
            x[i] = w.gt[0] + (x[i] + w.x0) * w.gt[1];
            y[i] = w.gt[3] + (y[i] + w.y0) * w.gt[5];
        } else {
            x[i] = (x[i] - w.gt[0]) / w.gt[1] - w.x0;
            y[i] = (y[i] - w.gt[3]) / w.gt[5] - w.y0;
        }
        ok[i] = TRUE;
    }
    return TRUE;
}

template <class Box> Box pixel_envelope(const OGRGeometry& g, const Grid& grid) {
    OGREnvelope e;
    g.getEnvelope(&e);
    const auto& gt = grid.geotransform;
    const double xa = (e.MinX - gt[0]) / gt[1], xb = (e.MaxX - gt[0]) / gt[1];
    const double ya = (e.MinY - gt[3]) / gt[5], yb = (e.MaxY - gt[3]) / gt[5];
    return {std::min(xa, xb), std::min(ya, yb), std::max(xa, xb), std::max(ya, yb)};
}
} // namespace

VillageBurner::VillageBurner(const VillageLayer& villages, const Grid& grid, std::string path)
    : grid_(grid), path_(std::move(path)), geometries_(to_grid_crs(villages, grid, path_)) {
    for (const auto& g : geometries_) {
        pixel_envelopes_.push_back(pixel_envelope<PixelBox>(*g->ogr, grid_));
        point_pixel_.push_back(pixel_of_point(*g->ogr, grid_));
    }
}

Layer<std::int32_t> burn_indices(const BurnRaster& raster, const std::vector<OGRGeometryH>& shapes,
                                 const std::vector<double>& values, const std::string& what) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", raster.width, raster.height, 1, GDT_Int32, nullptr));
    if (raster.geotransform) {
        auto gt = *raster.geotransform;
        ds->SetGeoTransform(gt.data());
    }
    ds->GetRasterBand(1)->Fill(-1);
    Layer<std::int32_t> out(raster.width, raster.height, -1);
    if (shapes.empty())
        return out;
    int band = 1;
    if (GDALRasterizeGeometries(
            GDALDataset::ToHandle(ds.get()), 1, &band, static_cast<int>(shapes.size()),
            const_cast<OGRGeometryH*>(shapes.data()), raster.transformer, raster.transformer_arg,
            values.data(), nullptr, nullptr, nullptr) != CE_None)
        throw Error("rasterizing " + what + " failed" + gdal_last_error());
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, raster.width, raster.height, out.data(),
                                       raster.width, raster.height, GDT_Int32, 0, 0) != CE_None)
        throw Error("reading the rasterized " + what + " failed" + gdal_last_error());
    return out;
}

Layer<std::int32_t> VillageBurner::burn(const Rect& rect) const {
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < geometries_.size(); ++i) {
        const PixelBox& e = pixel_envelopes_[i];
        // One pixel of slack: the envelope is only a pre-filter; the rasterizer decides.
        if (e.max_x < rect.x0 - 1 || e.min_x > rect.x1() + 1 || e.max_y < rect.y0 - 1 ||
            e.min_y > rect.y1() + 1)
            continue;
        handles.push_back(OGRGeometry::ToHandle(geometries_[i]->ogr.get()));
        burn.push_back(static_cast<double>(i));
    }
    WindowPixels transform{grid_.geotransform, double(rect.x0), double(rect.y0)};
    return burn_indices({rect.width, rect.height, nullptr, to_window_pixels, &transform}, handles,
                        burn, "'" + path_ + "'");
}

} // namespace riskmap::io
