#include "io/raster_io.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cpl_string.h>
#include <gdal_utils.h>

#include <cmath>
#include <limits>
#include <memory>

namespace riskmap::io {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Grid grid_of(GDALDataset& ds, const std::string& path) {
    Grid g;
    g.width = ds.GetRasterXSize();
    g.height = ds.GetRasterYSize();
    if (ds.GetGeoTransform(g.geotransform.data()) != CE_None)
        throw InputError("'" + path + "': raster has no geotransform; georeference it first");
    if (g.geotransform[2] != 0 || g.geotransform[4] != 0)
        throw InputError("'" + path + "': rotated rasters are not supported; warp it north-up");
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (!srs || srs->IsEmpty())
        throw InputError("'" + path + "': raster has no CRS; assign one (gdal_edit.py -a_srs)");
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    g.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
    g.geographic = srs->IsGeographic();
    if (!g.geographic)
        g.linear_unit_m = srs->GetLinearUnits();
    return g;
}

void check_finite(const Layer<float>& layer, const std::string& path) {
    for (int r = 0; r < layer.height(); ++r)
        for (int c = 0; c < layer.width(); ++c)
            if (std::isinf(layer(r, c)))
                throw InputError("'" + path + "': pixel (row " + std::to_string(r) + ", col " +
                                 std::to_string(c) + ") is infinite; set it to nodata");
}

Layer<float> band_to_layer(GDALRasterBand& band, const std::string& path) {
    Layer<float> out(band.GetXSize(), band.GetYSize());
    if (band.RasterIO(GF_Read, 0, 0, out.width(), out.height(), out.data(), out.width(),
                      out.height(), GDT_Float32, 0, 0) != CE_None)
        throw InputError("'" + path + "': pixels cannot be read" + gdal_last_error());
    int has_nodata = 0;
    const double nodata = band.GetNoDataValue(&has_nodata);
    if (has_nodata && !std::isnan(nodata)) {
        const float nd = static_cast<float>(nodata);
        for (float& v : out.values())
            if (v == nd)
                v = kNaN;
    }
    check_finite(out, path);
    return out;
}

} // namespace

MapReadback::MapReadback(const std::string& path)
    : ds_(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY)) {
    if (!ds_)
        throw Error("cannot reopen '" + path + "'");
    int has = 0;
    nodata_ = ds_->GetRasterBand(1)->GetNoDataValue(&has);
    has_nodata_ = has && !std::isnan(nodata_);
}

Layer<float> MapReadback::read(const Rect& rect, int buf_w, int buf_h) {
    Layer<float> out(buf_w, buf_h);
    if (ds_->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width, rect.height,
                                        out.data(), buf_w, buf_h, GDT_Float32, 0, 0) != CE_None)
        throw Error("cannot read back a map" + gdal_last_error());
    if (has_nodata_)
        for (float& v : out.values())
            if (v == static_cast<float>(nodata_))
                v = std::nanf("");
    return out;
}

Grid read_grid(const std::string& path) {
    auto ds = open_raster(path);
    return grid_of(*ds, path);
}

Layer<float> read_band(const std::string& path, const Grid& grid) {
    auto ds = open_raster(path);
    if (ds->GetRasterXSize() != grid.width || ds->GetRasterYSize() != grid.height)
        throw InputError("'" + path + "': size differs from the analysis grid");
    return band_to_layer(*ds->GetRasterBand(1), path);
}

namespace {
/// The map in memory first: the COG driver writes by copying a finished dataset, which is
/// what lets it lay out overviews and tiles in the cloud-optimised order.
GDALDatasetUniquePtr memory_map(const Grid& grid, GDALDataType type, const void* data,
                                const MapInfo& info) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", grid.width, grid.height, 1, type, nullptr));
    auto gt = grid.geotransform;
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (band->RasterIO(GF_Write, 0, 0, grid.width, grid.height, const_cast<void*>(data), grid.width,
                       grid.height, type, 0, 0) != CE_None)
        throw Error("cannot build map in memory" + gdal_last_error());
    band->SetDescription(info.description.c_str());
    band->SetUnitType(info.units.c_str());
    for (const auto& [key, value] : info.metadata) {
        band->SetMetadataItem(key.c_str(), value.c_str());
        ds->SetMetadataItem(key.c_str(), value.c_str());
    }
    return ds;
}

} // namespace

void write_cog(GDALDataset& src, const std::string& path, const char* resampling, int threads) {
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    CPLStringList options;
    // ZSTD level 1 with the predictor: about the size of DEFLATE's at a third of the time on
    // a national map (20 s instead of 63-71 s per 1.1-Gpx layer, benchmarks/RESULTS.md);
    // every GDAL-based reader (QGIS, rasterio, xarray) decodes it. 512-px blocks match the
    // tile lattice the maps are written in.
    options.SetNameValue("COMPRESS", "ZSTD");
    options.SetNameValue("LEVEL", "1");
    options.SetNameValue("PREDICTOR", "YES");
    options.SetNameValue("BLOCKSIZE", "512");
    options.SetNameValue("OVERVIEWS", "AUTO");
    options.SetNameValue("RESAMPLING", resampling);
    options.SetNameValue("NUM_THREADS", std::to_string(std::max(1, threads)).c_str());
    CPLErrorReset();
    GDALDatasetUniquePtr out(
        cog->CreateCopy(path.c_str(), &src, false, options.List(), nullptr, nullptr));
    if (!out)
        throw Error("cannot write '" + path + "'" + write_failure_cause(path) + gdal_last_error());
    out.reset();
    // GDAL 3.6 reports failures while flushing and closing (disk full) only through the
    // error state, not a return value.
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw Error("cannot write the end of '" + path + "'" + write_failure_cause(path) +
                    gdal_last_error());
}

void write_float_map(const std::string& path, const Grid& grid, const Layer<float>& values,
                     const MapInfo& info) {
    auto ds = memory_map(grid, GDT_Float32, values.data(), info);
    ds->GetRasterBand(1)->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    write_cog(*ds, path, "AVERAGE", 1);
}

} // namespace riskmap::io
