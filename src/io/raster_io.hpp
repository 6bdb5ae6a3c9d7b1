#pragma once
/// \file
/// Reading rasters onto the analysis grid and writing GeoTIFF maps.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/rect.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

/// An open GDAL dataset, known by name only outside io's own files (io/gdal_env.hpp).
struct Dataset;
struct DatasetCloser {
    void operator()(Dataset* dataset) const;
};
using DatasetPtr = std::unique_ptr<Dataset, DatasetCloser>;

/// A finished map opened again for reading as float, nodata (a Byte map's 0) as NaN: windows
/// resampled into a smaller buffer come from its overviews. One per thread: a GDAL dataset is
/// not thread-safe.
class MapReadback {
public:
    explicit MapReadback(const std::string& path);
    /// The grid window `rect` into a buf_w x buf_h buffer.
    Layer<float> read(const Rect& rect, int buf_w, int buf_h);

private:
    DatasetPtr ds_;
    std::optional<float> nodata_;
};

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

/// Cloud-optimised GeoTIFF (write_cog: 512 x 512 blocks, overviews by AVERAGE, ZSTD +
/// predictor) with CRS, geotransform, NaN nodata, band description, units and metadata.
void write_float_map(const std::string& path, const Grid& grid, const Layer<float>& values,
                     const MapInfo& info);

} // namespace riskmap::io
