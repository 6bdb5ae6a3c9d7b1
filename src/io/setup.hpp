#pragma once
/// \file
/// GDAL's set-up, as the rest of riskmap sees it: no GDAL type crosses this header (io's own
/// files and the tests reach GDAL's handles through io/gdal_env.hpp).

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

} // namespace riskmap::io
