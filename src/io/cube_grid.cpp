#include "io/cube_grid.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"

#include <hdf5_hl.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

bool is_period(const std::string& period) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return period.size() == 6 && std::all_of(period.begin(), period.begin() + 4, digit) &&
           period[4] == 'Q' && period[5] >= '1' && period[5] <= '4';
}

void check_period(const std::string& period) {
    if (!is_period(period))
        throw InputError("cube: period '" + period +
                         "' is not a quarter; write YYYYQn with n from 1 to 4, e.g. 2025Q3");
}

/// Days from 2000-01-01 to the first day of the quarter (CF "days since 2000-01-01").
double quarter_start_days(const std::string& period) {
    using namespace std::chrono;
    const auto y = static_cast<int>(*parse_count(period.substr(0, 4)));
    const auto m = static_cast<unsigned>(3 * (period[5] - '1') + 1);
    const sys_days start = year{y} / month{m} / day{1};
    const sys_days epoch = year{2000} / January / day{1};
    return static_cast<double>((start - epoch).count());
}

/// Days from 2000-01-01 to the first day of the next quarter: the end of the quarter's
/// [start, end) time bounds.
double quarter_end_days(const std::string& period) {
    const int y = static_cast<int>(*parse_count(period.substr(0, 4)));
    const int q = period[5] - '0';
    return q == 4 ? quarter_start_days(std::to_string(y + 1) + "Q1")
                  : quarter_start_days(period.substr(0, 5) + char('1' + q));
}

bool is_netcdf_name(const std::string& name) {
    const auto word = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    };
    return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), word);
}

/// Shortest round-trip text without an exponent (GeoTransform "400000", not "4e+05"); like
/// format_double it never consults the locale.
std::string plain_number(double value) {
    char buf[400]; // the longest fixed-notation double
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    return ec == std::errc{} ? std::string(buf, end) : format_double(value);
}

Dataset coordinate(hid_t file, const char* name, const std::vector<double>& values,
                   bool unlimited) {
    Dataset ds = create(file, name, H5T_IEEE_F64LE, line_space(values.size(), unlimited),
                        line_creation(unlimited));
    if (!values.empty())
        ok(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
           std::string("cannot write ") + name);
    ok(H5DSset_scale(ds, name), std::string("cannot make ") + name + " a dimension");
    return ds;
}

void describe_axis(hid_t ds, const char* axis, const char* standard_name, const char* long_name,
                   const std::string& units) {
    put_text(ds, "standard_name", standard_name);
    put_text(ds, "long_name", long_name);
    put_text(ds, "units", units);
    put_text(ds, "axis", axis);
}

/// CF cell bounds of each quarter (time_bnds: its first day and the next quarter's), so that
/// a client asking for any date inside the quarter (QGIS's temporal controller, xarray's
/// sel with a date) finds it.
void write_time_bounds(hid_t file, hid_t time, const std::vector<std::string>& periods,
                       bool unlimited) {
    // A netCDF dimension without a coordinate variable, in netCDF-4's own convention.
    const hsize_t two = 2;
    Dataset nv = create(file, "nv", H5T_IEEE_F32LE, line_space(two, false), dataset_creation());
    ok(H5DSset_scale(nv, "This is a netCDF dimension but not a netCDF variable.         2"),
       "cannot make nv a dimension");
    std::vector<double> bounds;
    for (const auto& p : periods) {
        bounds.push_back(quarter_start_days(p));
        bounds.push_back(quarter_end_days(p));
    }
    const hsize_t dims[2] = {periods.size(), 2};
    const hsize_t max[2] = {unlimited ? H5S_UNLIMITED : periods.size(), 2};
    Space space(H5Screate_simple(2, dims, max), "dataspace");
    Plist dcpl = dataset_creation();
    const hsize_t chunk[2] = {512, 2};
    if (unlimited)
        ok(H5Pset_chunk(dcpl, 2, chunk), "chunk shape");
    Dataset ds = create(file, "time_bnds", H5T_IEEE_F64LE, space, dcpl);
    if (!bounds.empty())
        ok(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, bounds.data()),
           "cannot write time_bnds");
    ok(H5DSattach_scale(ds, time, 0), "cannot attach time to time_bnds");
    ok(H5DSattach_scale(ds, nv, 1), "cannot attach nv to time_bnds");
    put_text(time, "bounds", "time_bnds");
}

Axes write_axes(hid_t file, const Grid& grid, const std::vector<std::string>& periods,
                bool unlimited) {
    std::vector<double> days, ys, xs;
    for (const auto& p : periods)
        days.push_back(quarter_start_days(p));
    for (int r = 0; r < grid.height; ++r)
        ys.push_back(grid.y_of(r));
    for (int c = 0; c < grid.width; ++c)
        xs.push_back(grid.x_of(c));
    Axes axes{coordinate(file, "time", days, unlimited), coordinate(file, "y", ys, false),
              coordinate(file, "x", xs, false)};
    describe_axis(axes.time, "T", "time", "first day of the quarter", "days since 2000-01-01");
    put_text(axes.time, "calendar", "standard");
    if (grid.geographic) {
        describe_axis(axes.y, "Y", "latitude", "latitude", "degrees_north");
        describe_axis(axes.x, "X", "longitude", "longitude", "degrees_east");
    } else {
        const std::string m =
            grid.linear_unit_m == 1.0 ? "m" : format_double(grid.linear_unit_m) + " m";
        describe_axis(axes.y, "Y", "projection_y_coordinate", "y coordinate of projection", m);
        describe_axis(axes.x, "X", "projection_x_coordinate", "x coordinate of projection", m);
    }
    write_time_bounds(file, axes.time, periods, unlimited);
    // The quarter label beside the date, as planners name quarters.
    Type type = text_type();
    Dataset period = create(file, "period", type, line_space(periods.size(), unlimited),
                            line_creation(unlimited));
    write_strings(period, type, periods);
    put_text(period, "long_name", "quarter (YYYYQn)");
    ok(H5DSattach_scale(period, axes.time, 0), "cannot attach time to period");
    return axes;
}

/// CF grid-mapping parameters for the CRSs Indonesian grids use (geographic, UTM); others
/// keep only crs_wkt, which GDAL and CF-1.7+ readers take.
void put_cf_grid_mapping(hid_t crs, const Grid& grid) {
    OGRSpatialReference srs;
    if (grid.crs_wkt.empty() || srs.importFromWkt(grid.crs_wkt.c_str()) != OGRERR_NONE)
        return;
    const char* projection = srs.GetAttrValue("PROJECTION");
    if (srs.IsGeographic()) {
        put_text(crs, "grid_mapping_name", "latitude_longitude");
    } else if (projection && std::string(projection) == SRS_PT_TRANSVERSE_MERCATOR) {
        put_text(crs, "grid_mapping_name", "transverse_mercator");
        put_double(crs, "scale_factor_at_central_meridian",
                   srs.GetNormProjParm(SRS_PP_SCALE_FACTOR, 1.0));
        put_double(crs, "longitude_of_central_meridian",
                   srs.GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0));
        put_double(crs, "latitude_of_projection_origin",
                   srs.GetNormProjParm(SRS_PP_LATITUDE_OF_ORIGIN, 0.0));
        put_double(crs, "false_easting", srs.GetNormProjParm(SRS_PP_FALSE_EASTING, 0.0));
        put_double(crs, "false_northing", srs.GetNormProjParm(SRS_PP_FALSE_NORTHING, 0.0));
    } else {
        return;
    }
    put_double(crs, "semi_major_axis", srs.GetSemiMajor());
    put_double(crs, "inverse_flattening", srs.GetInvFlattening());
    put_double(crs, "longitude_of_prime_meridian", srs.GetPrimeMeridian());
}

void write_crs(hid_t file, const Grid& grid) {
    Space scalar(H5Screate(H5S_SCALAR), "scalar space");
    Dataset crs = create(file, "crs", H5T_STD_I32LE, scalar, dataset_creation());
    const int zero = 0;
    ok(H5Dwrite(crs, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero), "cannot write crs");
    put_cf_grid_mapping(crs, grid);
    put_text(crs, "crs_wkt", grid.crs_wkt);
    put_text(crs, "spatial_ref", grid.crs_wkt); // GDAL's name for the same WKT
    std::string gt;
    for (double v : grid.geotransform)
        gt += (gt.empty() ? "" : " ") + plain_number(v);
    put_text(crs, "GeoTransform", gt);
}

Grid read_grid(hid_t file) {
    Grid grid;
    grid.width = static_cast<int>(extent(file, "x"));
    grid.height = static_cast<int>(extent(file, "y"));
    Dataset crs(H5Dopen2(file, "crs", H5P_DEFAULT), "no variable crs");
    grid.crs_wkt = get_text(crs, "crs_wkt");
    const std::string text = get_text(crs, "GeoTransform");
    std::string_view gt = text;
    for (double& v : grid.geotransform) {
        const auto end = std::min(gt.find(' '), gt.size());
        const auto value = parse_double(gt.substr(0, end));
        if (!value)
            fail("crs:GeoTransform is not six numbers");
        v = *value;
        gt.remove_prefix(std::min(end + 1, gt.size()));
    }
    return grid;
}

bool same_crs(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty())
        return a.empty() && b.empty();
    OGRSpatialReference sa, sb;
    return sa.importFromWkt(a.c_str()) == OGRERR_NONE &&
           sb.importFromWkt(b.c_str()) == OGRERR_NONE && sa.IsSame(&sb);
}

std::string describe_grid(const Grid& g) {
    OGRSpatialReference srs;
    const char* crs = srs.importFromWkt(g.crs_wkt.c_str()) == OGRERR_NONE ? srs.GetName() : "";
    return std::to_string(g.width) + " x " + std::to_string(g.height) + " pixels of " +
           plain_number(g.geotransform[1]) + " from (" + plain_number(g.geotransform[0]) + ", " +
           plain_number(g.geotransform[3]) + ") in " + (crs ? crs : "no CRS");
}

void check_same_grid(const Grid& cube, const Grid& grid, const std::string& where) {
    if (cube.same_georeference(grid) && same_crs(cube.crs_wkt, grid.crs_wkt))
        return;
    throw InputError("cube '" + where + "' is on a grid of " + describe_grid(cube) +
                     "; this grid is " + describe_grid(grid) +
                     ". A cube keeps one grid: use its grid or write a new cube");
}

void put_globals(hid_t file, const std::string& title) {
    put_text(file, "Conventions", "CF-1.8");
    put_text(file, "title", title);
    put_text(file, "source", "riskmap");
}

void describe_layer(hid_t ds, const std::string& long_name, const std::string& units) {
    put_float_fill(ds);
    if (!long_name.empty())
        put_text(ds, "long_name", long_name);
    if (!units.empty())
        put_text(ds, "units", units);
    put_text(ds, "grid_mapping", "crs");
}

/// netCDF-C takes a variable's dimensions from its scales, attached in dimension order.
void attach(hid_t ds, const Axes& axes) {
    ok(H5DSattach_scale(ds, axes.time, 0), "cannot attach time");
    ok(H5DSattach_scale(ds, axes.y, 1), "cannot attach y");
    ok(H5DSattach_scale(ds, axes.x, 2), "cannot attach x");
}

} // namespace riskmap::io::cube_detail
