#pragma once
/// \file
/// Reading rasters onto the analysis grid and writing GeoTIFF maps.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/rect.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

/// A finished map opened again for reading as float, nodata (a Byte map's 0) as NaN: windows
/// resampled into a smaller buffer come from its overviews. One per thread: a GDAL dataset is
/// not thread-safe.
class MapReadback {
public:
    explicit MapReadback(const std::string& path);
    /// The grid window `rect` into a buf_w x buf_h buffer.
    Layer<float> read(const Rect& rect, int buf_w, int buf_h);

private:
    GDALDatasetUniquePtr ds_;
    std::optional<float> nodata_;
};

/// GDAL's GeoTIFF drivers: the plain one (work files, checkpoints) and the cloud-optimised one
/// (maps); they name the compression level differently.
enum class Driver { GTiff, COG };

/// The compression of every GeoTIFF riskmap writes: ZSTD level 1, a third of DEFLATE's time
/// on a national map (20 s instead of 63-71 s per 1.1-Gpx layer, benchmarks/RESULTS.md) and
/// decoded by every GDAL-based reader (QGIS, rasterio, xarray).
void add_fast_compression(CPLStringList& options, Driver driver);

/// Band 1's nodata value as its float pixels hold it; none when unset or NaN (NaN pixels are
/// no data already).
std::optional<float> float_nodata(GDALDataset& ds);

/// Every pixel equal to `nodata` becomes NaN: how every reader of riskmap marks no data.
void nodata_to_nan(Layer<float>& values, std::optional<float> nodata);

/// Throws InputError naming `path` and the grid pixel (the window starts at row0, col0) of
/// the first +/-infinity: no reader lets one through.
void check_finite(const Layer<float>& values, const std::string& path, int row0, int col0);

/// The grid of a raster file; throws InputError when it has no CRS or no geotransform.
Grid read_grid(const std::string& path);

/// Band 1 of a raster on its own grid as float, nodata and NaN as NaN. Throws InputError for
/// +/-infinity (naming the pixel).
Layer<float> read_band(const std::string& path, const Grid& grid);

enum class Resampling { Bilinear, Average, Nearest };

/// What a map carries besides its pixels.
struct MapInfo {
    std::string description; ///< band description, e.g. "stunting rate (smoothed)"
    std::string units;       ///< band unit type, e.g. "proportion"
    std::map<std::string, std::string> metadata;
    std::vector<std::string> category_names;          ///< Byte maps only
    std::vector<std::array<std::int16_t, 4>> palette; ///< Byte maps only, RGBA per value
};

/// Copies `src` into a cloud-optimised GeoTIFF (512 x 512 blocks, ZSTD + predictor,
/// compressed on `threads` threads; the overviews are src's own when it has them, else made
/// with `resampling`); errors name the file and, for a full disk, the cause.
void write_cog(GDALDataset& src, const std::string& path, const char* resampling, int threads);

/// Cloud-optimised GeoTIFF (256 x 256 tiles, overviews, DEFLATE + predictor) with CRS,
/// geotransform, NaN nodata, band description, units and metadata.
void write_float_map(const std::string& path, const Grid& grid, const Layer<float>& values,
                     const MapInfo& info);

} // namespace riskmap::io
