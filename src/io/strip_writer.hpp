#pragma once
/// \file
/// A Float32 GeoTIFF too large for memory, written strip by strip in row order.

#include "core/grid.hpp"
#include "io/tile_io.hpp"

#include <string>
#include <utility>
#include <vector>

namespace riskmap::io {

/// A tiled (256 x 256), DEFLATE-compressed (floating-point predictor) Float32 GeoTIFF, NaN
/// nodata, BigTIFF when needed. GDAL compresses the tiles on `threads` worker threads and
/// writes them in the order given (GDAL >= 2.4), so the file has the same bytes for any count.
class StripWriter {
public:
    /// `metadata` goes on the band and the dataset, in its order.
    StripWriter(const std::string& path, const Grid& grid, const std::string& description,
                const std::string& units,
                const std::vector<std::pair<std::string, std::string>>& metadata, int threads);
    /// Rows row0 .. row0 + rows - 1, whole tiles per strip, flushed at once: GDAL's block
    /// cache never holds more than a strip.
    void write(int row0, int rows, const std::vector<float>& values);
    /// Closes the file; throws Error when GDAL reports a failure while finishing it.
    void close();

private:
    std::string path_;
    int width_;
    DatasetPtr ds_;
};

} // namespace riskmap::io
