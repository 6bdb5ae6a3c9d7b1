#pragma once
/// \file
/// The cube's CF grid: quarter periods and their days, netCDF names, the time/y/x
/// coordinates with their bounds, the CRS variable, and the grid read back from a file.
/// Internal to src/io: the cube's files (cube.cpp) are built from these parts.

#include "core/grid.hpp"
#include "io/cube_hdf5.hpp"

#include <string>
#include <vector>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

bool is_period(const std::string& period);
void check_period(const std::string& period);
/// Days from 2000-01-01 to the first day of the quarter (CF "days since 2000-01-01").
double quarter_start_days(const std::string& period);
/// Days from 2000-01-01 to the first day of the next quarter: the end of the quarter's
/// [start, end) time bounds.
double quarter_end_days(const std::string& period);
bool is_netcdf_name(const std::string& name);

/// Shortest round-trip text without an exponent (GeoTransform "400000", not "4e+05"); like
/// format_double it never consults the locale.
std::string plain_number(double value);

// Coordinates, grid mapping and the grid stored in a file

/// The dimension scales every variable hangs on, in netCDF dimension order.
struct Axes {
    Dataset time;
    Dataset y;
    Dataset x;
};

Dataset coordinate(hid_t file, const char* name, const std::vector<double>& values, bool unlimited);
void describe_axis(hid_t ds, const char* axis, const char* standard_name, const char* long_name,
                   const std::string& units);
/// CF cell bounds of each quarter (time_bnds: its first day and the next quarter's), so that
/// a client asking for any date inside the quarter (QGIS's temporal controller, xarray's
/// sel with a date) finds it.
void write_time_bounds(hid_t file, hid_t time, const std::vector<std::string>& periods,
                       bool unlimited);
Axes write_axes(hid_t file, const Grid& grid, const std::vector<std::string>& periods,
                bool unlimited);
/// CF grid-mapping parameters for the CRSs Indonesian grids use (geographic, UTM); others
/// keep only crs_wkt, which GDAL and CF-1.7+ readers take.
void put_cf_grid_mapping(hid_t crs, const Grid& grid);
void write_crs(hid_t file, const Grid& grid);

Grid read_grid(hid_t file);
bool same_crs(const std::string& a, const std::string& b);
std::string describe_grid(const Grid& g);
void check_same_grid(const Grid& cube, const Grid& grid, const std::string& where);

void put_globals(hid_t file, const std::string& title);
void describe_layer(hid_t ds, const std::string& long_name, const std::string& units);
/// netCDF-C takes a variable's dimensions from its scales, attached in dimension order.
void attach(hid_t ds, const Axes& axes);

} // namespace riskmap::io::cube_detail
