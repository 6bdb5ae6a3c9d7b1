#include "io/cube.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/cube_chunks.hpp"
#include "io/staged_output.hpp"
#include "sched/tiles.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <ogr_spatialref.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <utility>

namespace riskmap::io {

namespace fs = std::filesystem;

namespace {

// HDF5 1.10 frees a file whose close failed (a full disk) but keeps its ID, and its exit
// handler closes that ID again: a use-after-free that crashed riskmap after it had reported
// the full disk (HDFFV-11052, fixed in HDF5 1.14.1). The exit clean-up is not needed, as
// every file is closed by its handle; it must be declined before HDF5's first call.
[[maybe_unused]] const bool kNoHdf5ExitCleanup = H5dont_atexit() >= 0;

// ---------------------------------------------------------------------------------------------
// HDF5 handles and errors

/// The most specific message on HDF5's error stack, which then is cleared.
std::string hdf5_detail() {
    std::string detail;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_UPWARD,
        [](unsigned n, const H5E_error2_t* err, void* out) -> herr_t {
            if (n == 0 && err->desc)
                *static_cast<std::string*>(out) = err->desc;
            return 0;
        },
        &detail);
    H5Eclear2(H5E_DEFAULT);
    return detail.empty() ? std::string() : " (" + detail + ")";
}

[[noreturn]] void fail(const std::string& what) {
    throw Error("cube: " + what + hdf5_detail());
}

void ok(herr_t status, const std::string& what) {
    if (status < 0)
        fail(what);
}

/// Owns one hid_t and closes it with the matching H5?close.
template <herr_t (*Close)(hid_t)> class Handle {
public:
    Handle(hid_t id, const std::string& what) : id_(id) {
        if (id_ < 0)
            fail(what);
    }
    Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
    Handle& operator=(Handle&&) = delete;
    Handle(const Handle&) = delete;
    ~Handle() {
        if (id_ >= 0)
            Close(id_);
    }
    operator hid_t() const { return id_; }

private:
    hid_t id_;
};
using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Space = Handle<H5Sclose>;
using Type = Handle<H5Tclose>;
using Plist = Handle<H5Pclose>;
using Attr = Handle<H5Aclose>;
using Object = Handle<H5Oclose>;

/// HDF5 prints its error stack to stderr by default; our exceptions carry the detail instead.
class QuietErrors {
public:
    QuietErrors() {
        H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
};

/// A file descriptor, for fsync and flock.
class Fd {
public:
    Fd(const fs::path& path, int flags) : fd_(::open(path.c_str(), flags | O_CLOEXEC)) {
        if (fd_ < 0)
            throw Error("cube: cannot open '" + path.string() + "'");
    }
    ~Fd() { ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// ---------------------------------------------------------------------------------------------
// Names, periods, paths

constexpr const char* kVillages = "villages";
constexpr std::string_view kTempMarker = ".tmp-";
// netCDF-C's own marker for a dimension that has no coordinate variable (nc4internal.h).
constexpr const char* kDimWithoutVariable = "This is a netCDF dimension but not a netCDF variable.";
constexpr std::int64_t kIntegerFill = -9223372036854775806LL; // NC_FILL_INT64
// Village tables go through HDF5's own deflate filter (zlib), map layers through libdeflate
// (cube_chunks.hpp); both write standard zlib streams, which any HDF5 deflate filter reads.
constexpr int kDeflateLevel = 1;
constexpr int kMapDeflateLevel = chunks::kMapDeflateLevel;

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

struct CubePaths {
    fs::path master;   ///< out/riskmap.nc
    fs::path quarters; ///< out/riskmap.quarters
    std::string stem;  ///< riskmap

    explicit CubePaths(const std::string& path)
        : master(path), quarters(fs::path(path).replace_extension(".quarters")),
          stem(fs::path(path).stem().string()) {}
    std::string quarter_name(const std::string& period) const {
        return stem + "_" + period + ".nc";
    }
    fs::path quarter(const std::string& period) const { return quarters / quarter_name(period); }
    /// The period of a quarter file name, if it is one.
    std::optional<std::string> period_of(const std::string& name) const {
        if (name.size() != stem.size() + 10 || !name.starts_with(stem + "_") ||
            !name.ends_with(".nc") || !is_period(name.substr(stem.size() + 1, 6)))
            return std::nullopt;
        return name.substr(stem.size() + 1, 6);
    }
};

/// Shortest round-trip text without an exponent (GeoTransform "400000", not "4e+05"); like
/// format_double it never consults the locale.
std::string plain_number(double value) {
    char buf[400]; // the longest fixed-notation double
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    return ec == std::errc{} ? std::string(buf, end) : format_double(value);
}

fs::path temporary(const fs::path& final_path) {
    return final_path.parent_path() / ("." + final_path.filename().string() +
                                       std::string(kTempMarker) + std::to_string(::getpid()));
}

// ---------------------------------------------------------------------------------------------
// Attributes

void put_text(hid_t obj, const char* name, const std::string& value) {
    Type type(H5Tcopy(H5T_C_S1), "string type");
    // netCDF-C reads a fixed-length string attribute as NC_CHAR text of that length.
    ok(H5Tset_size(type, std::max<std::size_t>(1, value.size())), "string size");
    ok(H5Tset_strpad(type, H5T_STR_NULLTERM), "string padding");
    Space space(H5Screate(H5S_SCALAR), "scalar space");
    Attr attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT),
              std::string("cannot create attribute ") + name);
    ok(H5Awrite(attr, type, value.c_str()), std::string("cannot write attribute ") + name);
}

void put_number(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value) {
    const hsize_t one = 1;
    Space space(H5Screate_simple(1, &one, nullptr), "attribute space");
    Attr attr(H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT),
              std::string("cannot create attribute ") + name);
    ok(H5Awrite(attr, mem_type, value), std::string("cannot write attribute ") + name);
}

void put_double(hid_t obj, const char* name, double value) {
    put_number(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

std::string get_text(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0)
        return {};
    Attr attr(H5Aopen(obj, name, H5P_DEFAULT), std::string("cannot open attribute ") + name);
    Type type(H5Aget_type(attr), "attribute type");
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0)
        return {};
    std::string value(H5Tget_size(type), '\0');
    Type mem(H5Tcopy(type), "string type");
    ok(H5Aread(attr, mem, value.data()), std::string("cannot read attribute ") + name);
    return value.substr(0, value.find('\0'));
}

// ---------------------------------------------------------------------------------------------
// Creation properties shared by every object

Plist file_creation() {
    Plist fcpl(H5Pcreate(H5P_FILE_CREATE), "file creation properties");
    // netCDF-C lists variables and attributes in creation order when it is tracked.
    const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    ok(H5Pset_link_creation_order(fcpl, order), "link creation order");
    ok(H5Pset_attr_creation_order(fcpl, order), "attribute creation order");
    // The root group's header too, or a rerun of a quarter differs in its time stamps.
    ok(H5Pset_obj_track_times(fcpl, false), "object times");
    return fcpl;
}

Plist group_creation() {
    Plist gcpl(H5Pcreate(H5P_GROUP_CREATE), "group creation properties");
    const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    ok(H5Pset_link_creation_order(gcpl, order), "link creation order");
    ok(H5Pset_attr_creation_order(gcpl, order), "attribute creation order");
    ok(H5Pset_obj_track_times(gcpl, false), "object times");
    return gcpl;
}

/// No modification times in object headers: the same quarter gives the same bytes.
Plist dataset_creation() {
    Plist dcpl(H5Pcreate(H5P_DATASET_CREATE), "dataset creation properties");
    ok(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
       "attribute creation order");
    ok(H5Pset_obj_track_times(dcpl, false), "object times");
    return dcpl;
}

void compress(hid_t dcpl, std::span<const hsize_t> chunk, int level = kDeflateLevel) {
    ok(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk shape");
    ok(H5Pset_shuffle(dcpl), "shuffle filter");
    ok(H5Pset_deflate(dcpl, static_cast<unsigned>(level)), "deflate filter");
}

Dataset create(hid_t loc, const std::string& name, hid_t type, hid_t space, hid_t dcpl) {
    return Dataset(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                   "cannot create variable '" + name + "'");
}

/// A 1-D dataspace; `unlimited` makes it a netCDF record dimension.
Space line_space(hsize_t n, bool unlimited) {
    const hsize_t max = unlimited ? H5S_UNLIMITED : n;
    return Space(H5Screate_simple(1, &n, &max), "dataspace");
}

/// Record variables must be chunked; 512 values is netCDF-C's default (4 KiB of doubles).
Plist line_creation(bool unlimited) {
    Plist dcpl = dataset_creation();
    const hsize_t chunk = 512;
    if (unlimited)
        ok(H5Pset_chunk(dcpl, 1, &chunk), "chunk shape");
    return dcpl;
}

void set_float_fill(hid_t dcpl) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    ok(H5Pset_fill_value(dcpl, H5T_NATIVE_FLOAT, &nan), "fill value");
}

void put_float_fill(hid_t ds) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    put_number(ds, "_FillValue", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &nan);
}

Type text_type() {
    Type type(H5Tcopy(H5T_C_S1), "string type");
    ok(H5Tset_size(type, H5T_VARIABLE), "variable-length string");
    ok(H5Tset_cset(type, H5T_CSET_UTF8), "UTF-8 strings");
    return type;
}

void write_strings(hid_t ds, hid_t type, const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const auto& v : values)
        pointers.push_back(v.c_str());
    if (!pointers.empty())
        ok(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "writing strings");
}

std::vector<std::string> read_strings(hid_t ds) {
    Type type = text_type();
    Space space(H5Dget_space(ds), "dataspace");
    std::vector<char*> pointers(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    if (pointers.empty())
        return {};
    ok(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "reading strings");
    std::vector<std::string> values;
    values.reserve(pointers.size());
    for (const char* p : pointers)
        values.emplace_back(p ? p : ""); // unwritten strings read as null
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
    return values;
}

// ---------------------------------------------------------------------------------------------
// Coordinates, grid mapping and the grid stored in a file

/// The dimension scales every variable hangs on, in netCDF dimension order.
struct Axes {
    Dataset time;
    Dataset y;
    Dataset x;
};

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

hsize_t extent(hid_t loc, const char* name) {
    Dataset ds(H5Dopen2(loc, name, H5P_DEFAULT), std::string("no variable ") + name);
    Space space(H5Dget_space(ds), "dataspace");
    hsize_t n = 0;
    if (H5Sget_simple_extent_ndims(space) != 1)
        fail(std::string("variable ") + name + " is not one-dimensional");
    H5Sget_simple_extent_dims(space, &n, nullptr);
    return n;
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

// ---------------------------------------------------------------------------------------------
// A quarter file

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

/// The layers' chunks, encoded on every thread (or copied from their chunk files), handed to
/// HDF5 with H5Dwrite_chunk in file order on one (HDF5 runs its own filters on the calling
/// thread only; the encoder gives the filter's bytes).
void write_strips(const std::vector<hid_t>& datasets, const Grid& grid,
                  const std::vector<CubeLayer>& layers) {
    const chunks::ChunkShape shape = chunks::chunk_shape(grid);
    const std::uint64_t across = chunks::chunks_across(grid);
    chunks::encode_layers(
        grid, layers, sched::worker_threads() + 1,
        [&](std::size_t layer, std::uint64_t index, const std::vector<unsigned char>& bytes) {
            if (bytes.empty())
                return;
            const hsize_t offset[3] = {0, (index / across) * shape.rows,
                                       (index % across) * shape.cols};
            ok(H5Dwrite_chunk(datasets[layer], H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()),
               "cannot write " + layers[layer].name);
        });
}

Dataset create_layer(hid_t file, const Grid& grid, const CubeLayer& layer) {
    const auto h = static_cast<hsize_t>(grid.height), w = static_cast<hsize_t>(grid.width);
    const hsize_t dims[3] = {1, h, w}, max[3] = {H5S_UNLIMITED, h, w};
    const chunks::ChunkShape shape = chunks::chunk_shape(grid);
    const hsize_t chunk[3] = {1, shape.rows, shape.cols};
    Space space(H5Screate_simple(3, dims, max), "dataspace");
    Plist dcpl = dataset_creation();
    set_float_fill(dcpl);
    compress(dcpl, chunk, kMapDeflateLevel);
    return create(file, layer.name, H5T_IEEE_F32LE, space, dcpl);
}

void write_layers(hid_t file, const Grid& grid, const std::vector<CubeLayer>& layers,
                  const Axes& axes) {
    std::vector<Dataset> datasets;
    std::vector<hid_t> ids;
    for (const CubeLayer& layer : layers) {
        datasets.push_back(create_layer(file, grid, layer));
        ids.push_back(datasets.back());
    }
    write_strips(ids, grid, layers);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        describe_layer(datasets[i], layers[i].long_name, layers[i].units);
        attach(datasets[i], axes);
    }
}

/// A netCDF dimension without a coordinate variable, as netCDF-C itself writes one.
Dataset village_dimension(hid_t group, hsize_t rows) {
    Dataset dim =
        create(group, "village", H5T_IEEE_F32BE, line_space(rows, false), dataset_creation());
    std::string length = std::to_string(rows);
    length.insert(0, length.size() < 10 ? 10 - length.size() : 0, ' ');
    ok(H5DSset_scale(dim, (kDimWithoutVariable + length).c_str()), "village dimension");
    return dim;
}

using Kind = TableColumn::Kind;

Type column_type(Kind kind) {
    if (kind == Kind::Text)
        return text_type();
    return Type(H5Tcopy(kind == Kind::Integer ? H5T_STD_I64LE : H5T_IEEE_F64LE), "number type");
}

hid_t column_memory_type(Kind kind) {
    return kind == Kind::Integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
}

/// NaN for reals; netCDF's default int64 fill for integers, which xarray masks to NaN.
const void* column_fill(Kind kind) {
    static constexpr double real_fill = std::numeric_limits<double>::quiet_NaN();
    return kind == Kind::Integer ? static_cast<const void*>(&kIntegerFill) : &real_fill;
}

/// Numeric columns get the fill value both as HDF5 property and as netCDF attribute.
Dataset create_column(hid_t group, const std::string& name, Kind kind, hid_t space, hid_t dcpl) {
    if (kind != Kind::Text)
        ok(H5Pset_fill_value(dcpl, column_memory_type(kind), column_fill(kind)), "fill value");
    Type type = column_type(kind);
    Dataset ds = create(group, name, type, space, dcpl);
    if (kind != Kind::Text)
        put_number(ds, "_FillValue", type, column_memory_type(kind), column_fill(kind));
    return ds;
}

void write_column(hid_t group, const TableColumn& col, hsize_t rows, hid_t dim) {
    Plist dcpl = dataset_creation();
    const hsize_t chunk = std::min<hsize_t>(rows, 65536);
    if (rows > 0)
        compress(dcpl, std::span(&chunk, 1));
    Dataset ds = create_column(group, col.name, col.kind, line_space(rows, false), dcpl);
    if (col.kind == Kind::Text) {
        Type type = text_type();
        write_strings(ds, type, col.text);
    } else if (rows > 0) {
        std::vector<std::int64_t> integers;
        if (col.kind == Kind::Integer)
            for (double v : col.number)
                integers.push_back(std::isnan(v) ? kIntegerFill : std::llround(v));
        const void* data =
            integers.empty() ? static_cast<const void*>(col.number.data()) : integers.data();
        ok(H5Dwrite(ds, column_memory_type(col.kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
           "cannot write column " + col.name);
    }
    ok(H5DSattach_scale(ds, dim, 0), "cannot attach village");
}

void write_villages(hid_t file, const Table& table) {
    Group group(H5Gcreate2(file, kVillages, H5P_DEFAULT, group_creation(), H5P_DEFAULT),
                "cannot create group villages");
    const auto rows = static_cast<hsize_t>(table.rows());
    Dataset dim = village_dimension(group, rows);
    for (const auto& col : table.columns)
        write_column(group, col, rows, dim);
}

File create_file(const std::string& path) {
    return File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, file_creation(), H5P_DEFAULT),
                "cannot write new file '" + path + "'");
}

File open_file(const std::string& path) {
    return File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open '" + path + "'");
}

void write_quarter_file(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages) {
    File file = create_file(path);
    put_globals(file, "riskmap quarter " + period);
    const Axes axes = write_axes(file, grid, {period}, true);
    write_crs(file, grid);
    write_layers(file, grid, layers, axes);
    if (!villages.columns.empty())
        write_villages(file, villages);
    ok(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot write '" + path + "'");
}

// ---------------------------------------------------------------------------------------------
// What a quarter file holds, as the master needs it

/// Datasets of a group in creation order, dimension scales left out.
std::vector<std::string> variables(hid_t group) {
    std::vector<std::string> names;
    const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    hsize_t index = 0;
    ok(H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &names),
       "cannot list variables");
    std::erase_if(names, [group](const std::string& name) {
        Object obj(H5Oopen(group, name.c_str(), H5P_DEFAULT), "cannot open " + name);
        return H5Iget_type(obj) != H5I_DATASET || H5DSis_scale(obj) > 0;
    });
    return names;
}

int rank(hid_t ds) {
    Space space(H5Dget_space(ds), "dataspace");
    return H5Sget_simple_extent_ndims(space);
}

struct LayerInfo {
    std::string name, long_name, units;
};

struct ColumnInfo {
    std::string name;
    Kind kind;
};

struct QuarterInfo {
    std::string period;
    std::string source; ///< the quarter file relative to the master's folder
    std::vector<LayerInfo> layers;
    std::vector<ColumnInfo> columns;
    hsize_t rows = 0;
};

Kind kind_of(hid_t ds) {
    Type type(H5Dget_type(ds), "data type");
    const H5T_class_t cls = H5Tget_class(type);
    return cls == H5T_STRING ? Kind::Text : cls == H5T_INTEGER ? Kind::Integer : Kind::Real;
}

void scan_villages(hid_t file, QuarterInfo& info) {
    if (H5Lexists(file, kVillages, H5P_DEFAULT) <= 0)
        return;
    Group group(H5Gopen2(file, kVillages, H5P_DEFAULT), "cannot open villages");
    info.rows = extent(group, "village");
    for (const auto& name : variables(group)) {
        Dataset ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "cannot open " + name);
        info.columns.push_back({name, kind_of(ds)});
    }
}

/// The (time, y, x) variables of a quarter file.
std::vector<std::string> layer_names(hid_t file) {
    auto names = variables(file);
    std::erase_if(names, [file](const std::string& name) {
        Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "cannot open " + name);
        return rank(ds) != 3;
    });
    return names;
}

QuarterInfo scan_quarter(const CubePaths& paths, const std::string& period, const Grid& grid) {
    File file = open_file(paths.quarter(period).string());
    check_same_grid(read_grid(file), grid, paths.master.string());
    QuarterInfo info{
        period, (paths.quarters.filename() / paths.quarter_name(period)).string(), {}, {}, 0};
    for (const auto& name : layer_names(file)) {
        Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "cannot open " + name);
        info.layers.push_back({name, get_text(ds, "long_name"), get_text(ds, "units")});
    }
    scan_villages(file, info);
    return info;
}

std::vector<QuarterInfo> scan_quarters(const CubePaths& paths, const Grid& grid) {
    std::vector<std::string> periods;
    for (const auto& entry : fs::directory_iterator(paths.quarters))
        if (const auto period = paths.period_of(entry.path().filename().string()))
            periods.push_back(*period);
    std::sort(periods.begin(), periods.end()); // YYYYQn sorts chronologically
    std::vector<QuarterInfo> quarters;
    quarters.reserve(periods.size());
    for (const auto& period : periods)
        quarters.push_back(scan_quarter(paths, period, grid));
    return quarters;
}

// ---------------------------------------------------------------------------------------------
// The master: coordinates for all quarters, virtual datasets into the quarter files

/// Every layer of any quarter, in order of first appearance; the latest description wins.
std::vector<LayerInfo> all_layers(const std::vector<QuarterInfo>& quarters) {
    std::vector<LayerInfo> all;
    for (const auto& q : quarters)
        for (const auto& layer : q.layers) {
            auto it = std::find_if(all.begin(), all.end(),
                                   [&](const LayerInfo& l) { return l.name == layer.name; });
            if (it == all.end())
                all.push_back(layer);
            else
                *it = layer;
        }
    return all;
}

void write_virtual_layer(hid_t file, const Grid& grid, const LayerInfo& layer,
                         const std::vector<QuarterInfo>& quarters, const Axes& axes) {
    const auto h = static_cast<hsize_t>(grid.height), w = static_cast<hsize_t>(grid.width);
    const hsize_t dims[3] = {quarters.size(), h, w}, slice[3] = {1, h, w};
    Space cube(H5Screate_simple(3, dims, nullptr), "dataspace");
    Space source(H5Screate_simple(3, slice, nullptr), "dataspace");
    Plist dcpl = dataset_creation();
    set_float_fill(dcpl); // quarters without this layer read as NaN
    for (std::size_t t = 0; t < quarters.size(); ++t) {
        const auto& q = quarters[t];
        if (std::none_of(q.layers.begin(), q.layers.end(),
                         [&](const LayerInfo& l) { return l.name == layer.name; }))
            continue;
        const hsize_t start[3] = {t, 0, 0};
        ok(H5Sselect_hyperslab(cube, H5S_SELECT_SET, start, nullptr, slice, nullptr), "slice");
        ok(H5Pset_virtual(dcpl, cube, q.source.c_str(), ("/" + layer.name).c_str(), source),
           "cannot map " + layer.name + " of " + q.period);
    }
    ok(H5Sselect_all(cube), "selection");
    Dataset ds = create(file, layer.name, H5T_IEEE_F32LE, cube, dcpl);
    describe_layer(ds, layer.long_name, layer.units);
    attach(ds, axes);
}

void write_virtual_villages(hid_t file, const std::vector<QuarterInfo>& quarters) {
    Group all(H5Gcreate2(file, kVillages, H5P_DEFAULT, group_creation(), H5P_DEFAULT),
              "cannot create group villages");
    for (const auto& q : quarters) {
        if (q.columns.empty())
            continue;
        Group group(H5Gcreate2(all, q.period.c_str(), H5P_DEFAULT, group_creation(), H5P_DEFAULT),
                    "cannot create group villages/" + q.period);
        Dataset dim = village_dimension(group, q.rows);
        Space space = line_space(q.rows, false);
        for (const auto& col : q.columns) {
            Plist dcpl = dataset_creation();
            if (q.rows > 0)
                ok(H5Pset_virtual(dcpl, space, q.source.c_str(),
                                  ("/" + std::string(kVillages) + "/" + col.name).c_str(), space),
                   "cannot map villages/" + col.name + " of " + q.period);
            Dataset ds = create_column(group, col.name, col.kind, space, dcpl);
            ok(H5DSattach_scale(ds, dim, 0), "cannot attach village");
        }
    }
}

void write_master(const std::string& path, const Grid& grid,
                  const std::vector<QuarterInfo>& quarters) {
    File file = create_file(path);
    put_globals(file, "riskmap quarterly cube");
    std::vector<std::string> periods;
    periods.reserve(quarters.size());
    for (const auto& q : quarters)
        periods.push_back(q.period);
    const Axes axes = write_axes(file, grid, periods, false);
    write_crs(file, grid);
    for (const auto& layer : all_layers(quarters))
        write_virtual_layer(file, grid, layer, quarters, axes);
    write_virtual_villages(file, quarters);
    ok(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot write '" + path + "'");
}

// ---------------------------------------------------------------------------------------------
// Files: lock, temporary names, durable renames

/// Serialises writers of one cube; the kernel drops the lock when a writer dies.
class CubeLock {
public:
    explicit CubeLock(const fs::path& quarters) : fd_(quarters, O_RDONLY | O_DIRECTORY) {
        if (::flock(fd_.get(), LOCK_EX) != 0)
            throw Error("cube: cannot lock '" + quarters.string() + "'");
    }

private:
    Fd fd_;
};

/// Under the lock no other writer runs, so every temporary file is a killed writer's.
void remove_temporaries(const CubePaths& paths) {
    const std::string master_prefix = "." + paths.master.filename().string();
    std::error_code ec;
    for (const auto& dir : {paths.quarters, paths.master.parent_path()})
        for (const auto& entry : fs::directory_iterator(dir.empty() ? "." : dir, ec)) {
            const std::string name = entry.path().filename().string();
            const bool ours =
                dir == paths.quarters ? name.starts_with(".") : name.starts_with(master_prefix);
            if (ours && name.find(kTempMarker) != std::string::npos)
                fs::remove(entry.path(), ec);
        }
}

void sync(const fs::path& path, int flags) {
    const Fd fd(path, flags);
    if (::fsync(fd.get()) != 0)
        throw Error("cube: cannot sync '" + path.string() + "'");
}

/// Writes `path`'s new content under a temporary name and syncs it; removes it on failure.
template <class Write> fs::path write_temporary(const fs::path& path, Write&& write) {
    const fs::path tmp = temporary(path);
    try {
        write(tmp.string());
        sync(tmp, O_RDONLY);
    } catch (const InputError&) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    } catch (const Error& e) {
        // The cause first: HDF5 reports a full disk only as "file write failed".
        const std::string cause = write_failure_cause(tmp.string());
        std::error_code ec;
        fs::remove(tmp, ec);
        throw Error(e.what() + cause);
    }
    return tmp;
}

/// rename(2): readers see the old file or the new one, never a mix.
void rename_into_place(const fs::path& tmp, const fs::path& path) {
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (!ec)
        return;
    fs::remove(tmp, ec);
    throw Error("cube: cannot rename '" + tmp.string() + "' to '" + path.string() +
                "': " + ec.message());
}

/// Makes the renames in `path`'s folder durable.
void sync_folder(const fs::path& path) {
    sync(path.parent_path().empty() ? fs::path(".") : path.parent_path(), O_RDONLY | O_DIRECTORY);
}

template <class Write> void write_atomically(const fs::path& path, Write&& write) {
    rename_into_place(write_temporary(path, std::forward<Write>(write)), path);
    sync_folder(path);
}

/// The earlier version of a quarter file, kept as a hard link (no data copied, so it works on
/// a full disk) while the new version and then the master are written. Its name is a
/// temporary's, so a killed writer's backup is removed by the next write.
class QuarterBackup {
public:
    explicit QuarterBackup(fs::path quarter) : quarter_(std::move(quarter)) {
        backup_ = temporary(quarter_);
        backup_ += "-previous";
        std::error_code ec;
        fs::remove(backup_, ec);
        kept_ = fs::exists(quarter_) && ::link(quarter_.c_str(), backup_.c_str()) == 0;
        if (fs::exists(quarter_) && !kept_)
            throw Error("cube: cannot keep '" + quarter_.string() +
                        "' while it is replaced: " + std::strerror(errno));
    }
    ~QuarterBackup() {
        std::error_code ec;
        fs::remove(backup_, ec);
    }
    QuarterBackup(const QuarterBackup&) = delete;
    QuarterBackup& operator=(const QuarterBackup&) = delete;

    void restore() const {
        std::error_code ec;
        if (kept_)
            fs::rename(backup_, quarter_, ec);
        else
            fs::remove(quarter_, ec);
    }

private:
    fs::path quarter_, backup_;
    bool kept_ = false;
};

void check_inputs(const Grid& grid, const std::vector<CubeLayer>& layers, const Table& villages) {
    std::vector<std::string> names = {"x",  "y",      "time", "time_bnds",
                                      "nv", "period", "crs",  kVillages};
    for (const auto& layer : layers) {
        if (!is_netcdf_name(layer.name) ||
            std::find(names.begin(), names.end(), layer.name) != names.end())
            throw Error("cube: layer name '" + layer.name + "' is reserved or not a netCDF name");
        if (layer.values
                ? layer.values->width() != grid.width || layer.values->height() != grid.height
                : !layer.read_rows && layer.chunk_file.empty())
            throw Error("cube: layer '" + layer.name + "' does not have the grid's shape");
        names.push_back(layer.name);
    }
    names = {"village"};
    for (const auto& col : villages.columns) {
        const std::size_t n = col.kind == Kind::Text ? col.text.size() : col.number.size();
        if (!is_netcdf_name(col.name) ||
            std::find(names.begin(), names.end(), col.name) != names.end())
            throw Error("cube: village column '" + col.name +
                        "' is repeated, reserved or not a netCDF name");
        if (n != villages.rows())
            throw Error("cube: village column '" + col.name + "' has " + std::to_string(n) +
                        " rows, the table " + std::to_string(villages.rows()));
        names.push_back(col.name);
    }
}

std::string listing(const std::vector<std::string>& names) {
    std::string list;
    for (const auto& n : names)
        list += (list.empty() ? "" : ", ") + n;
    return " (it has: " + (list.empty() ? std::string("none") : list) + ")";
}

/// The quarter file of a period the master lists; InputError naming what the cube has.
fs::path listed_quarter(const std::string& path, const std::string& period) {
    check_period(period);
    const auto periods = cube_periods(path);
    if (std::find(periods.begin(), periods.end(), period) == periods.end())
        throw InputError("cube '" + path + "' has no quarter " + period + listing(periods));
    return CubePaths(path).quarter(period);
}

Table read_villages(hid_t file) {
    Table table;
    if (H5Lexists(file, kVillages, H5P_DEFAULT) <= 0)
        return table;
    Group group(H5Gopen2(file, kVillages, H5P_DEFAULT), "cannot open villages");
    const auto rows = static_cast<std::size_t>(extent(group, "village"));
    for (const auto& name : variables(group)) {
        Dataset ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "cannot open " + name);
        TableColumn& col = table.columns.emplace_back(TableColumn{name, kind_of(ds), {}, {}});
        if (col.kind == Kind::Text) {
            col.text = read_strings(ds);
            continue;
        }
        std::vector<std::int64_t> integers(col.kind == Kind::Integer ? rows : 0);
        col.number.resize(rows);
        void* data = col.kind == Kind::Integer ? static_cast<void*>(integers.data())
                                               : static_cast<void*>(col.number.data());
        if (rows > 0)
            ok(H5Dread(ds, column_memory_type(col.kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
               "cannot read column " + name);
        for (std::size_t i = 0; i < integers.size(); ++i)
            col.number[i] = integers[i] == kIntegerFill ? std::numeric_limits<double>::quiet_NaN()
                                                        : static_cast<double>(integers[i]);
    }
    return table;
}

} // namespace

void cube_write_quarter(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages) {
    check_period(period);
    check_inputs(grid, layers, villages);
    const QuietErrors quiet;
    const CubePaths paths(path);
    std::error_code ec;
    fs::create_directories(paths.quarters, ec);
    if (ec)
        throw Error("cube: cannot create '" + paths.quarters.string() + "': " + ec.message());
    const CubeLock lock(paths.quarters);
    remove_temporaries(paths);
    // Checks the grid against every quarter already there before anything is written.
    scan_quarters(paths, grid);
    const QuarterBackup backup(paths.quarter(period));
    write_atomically(paths.quarter(period), [&](const std::string& tmp) {
        write_quarter_file(tmp, grid, period, layers, villages);
    });
    try {
        const auto quarters = scan_quarters(paths, grid);
        rename_into_place(
            write_temporary(paths.master,
                            [&](const std::string& tmp) { write_master(tmp, grid, quarters); }),
            paths.master);
    } catch (...) {
        // Without a new master the cube must stay as it was: the quarter's earlier version
        // back, or no file for a quarter the old master does not list.
        backup.restore();
        throw;
    }
    sync_folder(paths.master);
}

std::vector<std::string> cube_periods(const std::string& path) {
    if (!fs::exists(path))
        return {};
    const QuietErrors quiet;
    File file = open_file(path);
    Dataset ds(H5Dopen2(file, "period", H5P_DEFAULT), "'" + path + "' has no variable period");
    auto periods = read_strings(ds);
    std::sort(periods.begin(), periods.end());
    return periods;
}

Layer<float> cube_read_layer(const std::string& path, const std::string& period,
                             const std::string& layer, const Grid& grid) {
    return cube_read_window(path, period, layer, grid, Rect{0, 0, grid.width, grid.height});
}

Layer<float> cube_read_window(const std::string& path, const std::string& period,
                              const std::string& layer, const Grid& grid, const Rect& rect) {
    const std::string quarter = listed_quarter(path, period).string();
    const QuietErrors quiet;
    File file = open_file(quarter);
    check_same_grid(read_grid(file), grid, path);
    const auto names = layer_names(file);
    if (std::find(names.begin(), names.end(), layer) == names.end())
        throw InputError("cube '" + path + "' has no layer '" + layer + "' in " + period +
                         listing(names));
    Dataset ds(H5Dopen2(file, layer.c_str(), H5P_DEFAULT), "cannot open " + layer);
    Layer<float> values(rect.width, rect.height);
    const hsize_t start[3] = {0, static_cast<hsize_t>(rect.y0), static_cast<hsize_t>(rect.x0)};
    const hsize_t count[3] = {1, static_cast<hsize_t>(rect.height),
                              static_cast<hsize_t>(rect.width)};
    Space file_space(H5Dget_space(ds), "dataspace");
    ok(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "window");
    Space memory(H5Screate_simple(3, count, nullptr), "dataspace");
    ok(H5Dread(ds, H5T_NATIVE_FLOAT, memory, file_space, H5P_DEFAULT, values.data()),
       "cannot read " + layer + " of " + period + " from '" + quarter + "'");
    return values;
}

namespace {
/// The quarter files behind the master `path`, each checked to exist: a master copied
/// without its quarters folder is named as such, never packed into blank layers.
std::vector<QuarterInfo> quarters_behind(const std::string& path) {
    const CubePaths paths(path);
    const auto periods = cube_periods(path);
    if (periods.empty())
        throw InputError("'" + path + "' is not a riskmap cube (no quarters)");
    for (const auto& period : periods)
        if (!fs::exists(paths.quarter(period)))
            throw InputError("cube '" + path + "' lists " + period + " but its data file '" +
                             paths.quarter(period).string() + "' is missing; a cube is '" +
                             paths.master.filename().string() + "' together with '" +
                             paths.quarters.filename().string() + "/'");
    File first = open_file(paths.quarter(periods.front()).string());
    return scan_quarters(paths, read_grid(first));
}

/// Every stored chunk of a quarter's layer, copied as stored (already shuffled and
/// deflated, no decoding) into time slice `t` of `to`.
void copy_chunks(hid_t from, hid_t to, hsize_t t, const std::string& what) {
    Space space(H5Dget_space(from), "dataspace");
    hsize_t chunks = 0;
    ok(H5Dget_num_chunks(from, space, &chunks), "cannot count the chunks of " + what);
    std::vector<unsigned char> bytes;
    for (hsize_t i = 0; i < chunks; ++i) {
        hsize_t offset[3] = {};
        unsigned filters = 0;
        haddr_t address = 0;
        hsize_t size = 0;
        ok(H5Dget_chunk_info(from, space, i, offset, &filters, &address, &size),
           "cannot locate a chunk of " + what);
        bytes.resize(size);
        ok(H5Dread_chunk(from, H5P_DEFAULT, offset, &filters, bytes.data()),
           "cannot read a chunk of " + what);
        offset[0] = t;
        ok(H5Dwrite_chunk(to, H5P_DEFAULT, filters, offset, size, bytes.data()),
           "cannot write a chunk of " + what);
    }
}

void pack_layer(hid_t file, const Grid& grid, const LayerInfo& layer,
                const std::vector<QuarterInfo>& quarters, const CubePaths& paths,
                const Axes& axes) {
    const auto h = static_cast<hsize_t>(grid.height), w = static_cast<hsize_t>(grid.width);
    const hsize_t dims[3] = {quarters.size(), h, w};
    const chunks::ChunkShape shape = chunks::chunk_shape(grid);
    const hsize_t chunk[3] = {1, shape.rows, shape.cols};
    Space space(H5Screate_simple(3, dims, nullptr), "dataspace");
    Plist dcpl = dataset_creation();
    set_float_fill(dcpl); // quarters without this layer read as NaN, as in the master
    compress(dcpl, chunk, kMapDeflateLevel);
    Dataset ds = create(file, layer.name, H5T_IEEE_F32LE, space, dcpl);
    for (std::size_t t = 0; t < quarters.size(); ++t) {
        const auto& q = quarters[t];
        if (std::none_of(q.layers.begin(), q.layers.end(),
                         [&](const LayerInfo& l) { return l.name == layer.name; }))
            continue;
        File quarter = open_file(paths.quarter(q.period).string());
        Dataset from(H5Dopen2(quarter, layer.name.c_str(), H5P_DEFAULT),
                     "cannot open " + layer.name + " of " + q.period);
        copy_chunks(from, ds, t, layer.name + " of " + q.period);
    }
    describe_layer(ds, layer.long_name, layer.units);
    attach(ds, axes);
}

void pack_villages(hid_t file, const std::vector<QuarterInfo>& quarters, const CubePaths& paths) {
    Group all(H5Gcreate2(file, kVillages, H5P_DEFAULT, group_creation(), H5P_DEFAULT),
              "cannot create group villages");
    for (const auto& q : quarters) {
        if (q.columns.empty())
            continue;
        File quarter = open_file(paths.quarter(q.period).string());
        const Table table = read_villages(quarter);
        Group group(H5Gcreate2(all, q.period.c_str(), H5P_DEFAULT, group_creation(), H5P_DEFAULT),
                    "cannot create group villages/" + q.period);
        const auto rows = static_cast<hsize_t>(table.rows());
        Dataset dim = village_dimension(group, rows);
        for (const auto& col : table.columns)
            write_column(group, col, rows, dim);
    }
}
} // namespace

void cube_pack(const std::string& path, const std::string& out) {
    const QuietErrors quiet;
    const CubePaths paths(path);
    const std::vector<QuarterInfo> quarters = quarters_behind(path);
    const Grid grid = [&] {
        File first = open_file(paths.quarter(quarters.front().period).string());
        return read_grid(first);
    }();
    std::vector<std::string> periods;
    for (const auto& q : quarters)
        periods.push_back(q.period);
    write_atomically(out, [&](const std::string& tmp) {
        File file = create_file(tmp);
        put_globals(file, "riskmap quarterly cube, packed into one self-contained file");
        const Axes axes = write_axes(file, grid, periods, false);
        write_crs(file, grid);
        for (const auto& layer : all_layers(quarters))
            pack_layer(file, grid, layer, quarters, paths, axes);
        pack_villages(file, quarters, paths);
        ok(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot write '" + tmp + "'");
    });
}

Table cube_read_villages(const std::string& path, const std::string& period) {
    const std::string quarter = listed_quarter(path, period).string();
    const QuietErrors quiet;
    File file = open_file(quarter);
    return read_villages(file);
}

} // namespace riskmap::io
