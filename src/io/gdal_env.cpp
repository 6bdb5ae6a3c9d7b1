#include "io/gdal_env.hpp"

#include "core/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include <cstdint>

#include <filesystem>
#include <mutex>

namespace riskmap::io {

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // Messages are kept (CPLGetLastErrorMsg) and reported through our exceptions.
        CPLSetErrorHandler(CPLQuietErrorHandler);
        // GDAL's block cache defaults to 5 % of RAM (1.2 GB on a 24 GB node) and would hold
        // that much of the tiled work files; the tile engine needs only a few tile rows.
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr))
            GDALSetCacheMax64(std::int64_t{256} << 20);
        // Some drivers (COG in GDAL 3.6) build their creation-option list on first request,
        // writing the driver's shared metadata without a lock: two maps finished at once
        // raced there (ThreadSanitizer). Asking once here, on one thread, builds them.
        for (const char* name : {"COG", "GTiff", "MEM", "PNG", "GPKG"})
            if (GDALDriverH driver = GDALGetDriverByName(name))
                GDALGetDriverCreationOptionList(driver);
    });
}

void allow_block_cache(std::int64_t bytes) {
    init_gdal();
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr) && bytes > GDALGetCacheMax64())
        GDALSetCacheMax64(bytes);
}

std::string gdal_last_error() {
    const char* msg = CPLGetLastErrorMsg();
    return msg && *msg ? std::string(" (GDAL: ") + msg + ")" : std::string();
}

namespace {
GDALDatasetUniquePtr open_with(const std::string& path, unsigned flags, const char* kind) {
    init_gdal();
    if (!std::filesystem::exists(path))
        throw InputError("'" + path + "': file not found");
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), flags | GDAL_OF_VERBOSE_ERROR));
    if (!ds)
        throw InputError("'" + path + "': cannot be read as a " + kind + gdal_last_error());
    return ds;
}
} // namespace

GDALDatasetUniquePtr open_raster(const std::string& path) {
    return open_with(path, GDAL_OF_RASTER | GDAL_OF_READONLY, "raster");
}

GDALDatasetUniquePtr open_vector(const std::string& path) {
    return open_with(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, "vector data source");
}

OGRSpatialReference gis_order_srs(const OGRSpatialReference& srs) {
    OGRSpatialReference out(srs);
    out.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return out;
}

} // namespace riskmap::io
