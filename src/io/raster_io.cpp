#include "io/raster_io.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"
#include "io/tile_io.hpp"

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

} // namespace

MapReadback::MapReadback(const std::string& path)
    : ds_(new Dataset{GDALDatasetUniquePtr(
          GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY))}) {
    if (!ds_->file)
        throw Error("cannot reopen '" + path + "'");
    nodata_ = float_nodata(*ds_->file);
}

Layer<float> MapReadback::read(const Rect& rect, int buf_w, int buf_h) {
    Layer<float> out(buf_w, buf_h);
    if (ds_->file->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width, rect.height,
                                              out.data(), buf_w, buf_h, GDT_Float32, 0,
                                              0) != CE_None)
        throw Error("cannot read back a map" + gdal_last_error());
    nodata_to_nan(out, nodata_);
    return out;
}

void add_fast_compression(CPLStringList& options, Driver driver) {
    options.SetNameValue("COMPRESS", "ZSTD");
    options.SetNameValue(driver == Driver::COG ? "LEVEL" : "ZSTD_LEVEL", "1");
}

std::optional<float> float_nodata(GDALDataset& ds) {
    int has = 0;
    const double nodata = ds.GetRasterBand(1)->GetNoDataValue(&has);
    if (!has || std::isnan(nodata))
        return std::nullopt;
    return static_cast<float>(nodata);
}

void nodata_to_nan(Layer<float>& values, std::optional<float> nodata) {
    if (nodata)
        for (float& v : values.values())
            if (v == *nodata)
                v = kNaN;
}

void check_finite(const Layer<float>& values, const std::string& path, int row0, int col0) {
    for (int r = 0; r < values.height(); ++r)
        for (int c = 0; c < values.width(); ++c)
            if (std::isinf(values(r, c)))
                throw InputError("'" + path + "': pixel (row " + std::to_string(row0 + r) +
                                 ", col " + std::to_string(col0 + c) +
                                 ") is infinite; set it to nodata");
}

Grid read_grid(const std::string& path) {
    auto ds = open_raster(path);
    return grid_of(*ds, path);
}

Layer<float> read_band(const std::string& path, const Grid& grid) {
    return GridBandReader(path, grid, path).read(Rect{0, 0, grid.width, grid.height});
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
    // With the predictor: about the size of DEFLATE's. 512-px blocks match the tile lattice
    // the maps are written in.
    add_fast_compression(options, Driver::COG);
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
