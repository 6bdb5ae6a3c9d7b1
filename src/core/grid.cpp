#include "core/grid.hpp"

#include <cmath>
#include <numbers>

namespace riskmap {

namespace {
// WGS84 ellipsoid. Radii of curvature from Snyder (1987), "Map Projections: A Working Manual",
// eq. 4-18 (meridian, M) and 4-20 (prime vertical, N).
constexpr double kSemiMajor = 6378137.0;
constexpr double kEccentricity2 = 0.00669437999014;
constexpr double kDegree = std::numbers::pi / 180.0;

double meridian_radius(double lat_deg) {
    const double s = std::sin(lat_deg * kDegree);
    return kSemiMajor * (1 - kEccentricity2) / std::pow(1 - kEccentricity2 * s * s, 1.5);
}

double prime_vertical_radius(double lat_deg) {
    const double s = std::sin(lat_deg * kDegree);
    return kSemiMajor / std::sqrt(1 - kEccentricity2 * s * s);
}
} // namespace

double Grid::row_latitude(int row) const {
    return geotransform[3] + (row + 0.5) * geotransform[5];
}

double Grid::pixel_width_m(int row) const {
    if (!geographic)
        return std::abs(geotransform[1]) * linear_unit_m;
    const double lat = row_latitude(row);
    return std::abs(geotransform[1]) * kDegree * prime_vertical_radius(lat) *
           std::cos(lat * kDegree);
}

double Grid::pixel_height_m(int row) const {
    if (!geographic)
        return std::abs(geotransform[5]) * linear_unit_m;
    return std::abs(geotransform[5]) * kDegree * meridian_radius(row_latitude(row));
}

bool Grid::same_georeference(const Grid& other) const {
    if (width != other.width || height != other.height)
        return false;
    const double tol_x = std::abs(geotransform[1]) * 0.01;
    const double tol_y = std::abs(geotransform[5]) * 0.01;
    return std::abs(geotransform[0] - other.geotransform[0]) <= tol_x &&
           std::abs(geotransform[3] - other.geotransform[3]) <= tol_y &&
           std::abs(geotransform[1] - other.geotransform[1]) <= tol_x / width &&
           std::abs(geotransform[5] - other.geotransform[5]) <= tol_y / height;
}

} // namespace riskmap
