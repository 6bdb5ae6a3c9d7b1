#pragma once
/// \file
/// GDAL set-up and the small RAII/handle helpers every io file uses.

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <string>

namespace riskmap::io {

/// Registers drivers once and routes GDAL's messages into our exceptions instead of stderr.
void init_gdal();

/// Lets GDAL's block cache grow to `bytes` (never shrinks it; a GDAL_CACHEMAX the user set is
/// left alone). A run whose work rasters all fit asks for that much, so that they are never
/// compressed, written or read back: they are discarded unwritten (TiledMapFile).
void allow_block_cache(std::int64_t bytes);

/// GDAL's last error message, or "" — appended to our own messages for the detail.
std::string gdal_last_error();

/// Opens a raster for reading or throws InputError naming the file.
GDALDatasetUniquePtr open_raster(const std::string& path);

/// Opens a vector source for reading or throws InputError naming the file.
GDALDatasetUniquePtr open_vector(const std::string& path);

/// Spatial reference with x/y axis order as in GIS files (east, north).
OGRSpatialReference gis_order_srs(const OGRSpatialReference& srs);

} // namespace riskmap::io
