#pragma once
/// \file
/// The analysis grid: shape, georeferencing and the pixel size in metres that the smoothing
/// kernels need. Geographic grids (EPSG:4326) have a pixel width that shrinks with latitude.

#include <array>
#include <cstddef>
#include <string>

namespace riskmap {

struct Grid {
    int width = 0;
    int height = 0;
    /// GDAL order: x0, dx, rx, y0, ry, dy (north-up grids have rx = ry = 0, dy < 0).
    std::array<double, 6> geotransform{0, 1, 0, 0, 0, -1};
    std::string crs_wkt;
    bool geographic = false;
    /// Metres per CRS linear unit for projected grids (1 for metres, 0.3048 for feet).
    double linear_unit_m = 1.0;

    std::size_t pixel_count() const {
        return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    }
    /// Latitude (degrees) of the centre of a row; geographic grids only.
    double row_latitude(int row) const;
    /// East-west pixel size in metres at the centre of a row.
    double pixel_width_m(int row) const;
    /// North-south pixel size in metres at the centre of a row.
    double pixel_height_m(int row) const;
    /// Projected coordinates of a pixel centre.
    double x_of(double col) const { return geotransform[0] + (col + 0.5) * geotransform[1]; }
    double y_of(double row) const { return geotransform[3] + (row + 0.5) * geotransform[5]; }
    /// Same shape and geotransform within a tolerance of a hundredth of a pixel.
    bool same_georeference(const Grid& other) const;
};

} // namespace riskmap
