#pragma once
/// \file
/// Reading and writing the analysis grid window by window, so no stage holds a whole layer.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/rect.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

/// Band 1 of a raster on the analysis grid, read one window at a time (not thread-safe in
/// GDAL, so reads are serialised here).
class GridBandReader {
public:
    /// `path` must be on `grid` (same size); `shown_path` names the user's file in errors
    /// (the raster may be a work file warped from it).
    GridBandReader(const std::string& path, const Grid& grid, std::string shown_path);
    /// Pixels of `rect` as float, nodata as NaN. Throws InputError naming the grid pixel for
    /// +/-infinity. Safe to call from several threads.
    Layer<float> read(const Rect& rect) const;

private:
    std::string shown_path_;
    DatasetPtr ds_;
    std::optional<float> nodata_;
    mutable std::mutex mutex_;
};

/// Warps band 1 of any raster onto `grid` into a tiled GeoTIFF work file with GDAL's warper,
/// streaming (bounded memory), NaN outside and for nodata, on `threads` threads (each output
/// pixel is computed on its own: the same bytes for any count). Throws InputError when the
/// raster has no CRS.
void warp_to_grid_file(const std::string& path, const Grid& grid, Resampling resampling,
                       const std::string& work_path, int threads);

/// A map's pixels: Float32 (nodata NaN) or Byte (classes; nodata 0, palette from the info).
enum class PixelType { Float32, Byte };

/// Whether a work file carries overviews made from the tiles written into it.
enum class Overviews { None, FromTiles };

/// A map written tile by tile into a tiled GeoTIFF work file, then copied into a
/// cloud-optimised GeoTIFF (the COG driver needs the finished raster to lay out overviews).
/// With Overviews::FromTiles the work file holds the COG's overview levels too, each written
/// from the tile as it arrives (io/pyramid.hpp: block means, block modes for classes),
/// and the COG driver copies them instead of reading the whole map back to build them.
class TiledMapFile {
public:
    TiledMapFile(std::string work_path, const Grid& grid, PixelType type, const MapInfo& info,
                 Overviews overviews = Overviews::None);
    ~TiledMapFile();
    TiledMapFile(const TiledMapFile&) = delete;
    TiledMapFile& operator=(const TiledMapFile&) = delete;

    /// With overviews, `rect`'s origin must be a multiple of 512 (a tile of the layout).
    void write(const Rect& rect, const float* values);
    void write(const Rect& rect, const std::uint8_t* values);
    /// Pixels of `rect` back from the work file (for the passes that derive maps from maps),
    /// as float (a Byte map's nodata 0 as NaN). Safe to call from several threads.
    Layer<float> read(const Rect& rect);
    /// Writes the COG at `path` (and the category names' .aux.xml, whose path is returned, or
    /// ""). The work file stays readable until discard() or destruction.
    std::string finish(const std::string& path, int threads);
    /// Closes and deletes the work file without writing what it still has in memory.
    void discard();
    const std::string& work_path() const { return work_path_; }
    const MapInfo& info() const { return info_; }

private:
    template <class T> void write_levels(const Rect& rect, const std::vector<Layer<T>>& levels);
    void check_aligned(const Rect& rect) const;

    std::string work_path_;
    PixelType type_;
    MapInfo info_;
    int levels_ = 0; ///< overview levels written from the tiles (0: none)
    DatasetPtr ds_;
    std::mutex mutex_; // GDAL datasets are not thread-safe
};

} // namespace riskmap::io
