#include "io/cube_hdf5.hpp"

#include "core/error.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <limits>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

namespace {
// HDF5 1.10 frees a file whose close failed (a full disk) but keeps its ID, and its exit
// handler closes that ID again: a use-after-free that crashed riskmap after it had reported
// the full disk (HDFFV-11052, fixed in HDF5 1.14.1). The exit clean-up is not needed, as
// every file is closed by its handle; it must be declined before HDF5's first call.
[[maybe_unused]] const bool kNoHdf5ExitCleanup = H5dont_atexit() >= 0;
} // namespace

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

namespace {
/// Creation properties of a group (the file's root group too): netCDF-C lists variables and
/// attributes in creation order when it is tracked, and without time stamps in its header a
/// rerun of a quarter gives the same bytes.
Plist ordered_group(hid_t plist_class, const char* what) {
    Plist plist(H5Pcreate(plist_class), what);
    const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    ok(H5Pset_link_creation_order(plist, order), "link creation order");
    ok(H5Pset_attr_creation_order(plist, order), "attribute creation order");
    ok(H5Pset_obj_track_times(plist, false), "object times");
    return plist;
}
} // namespace

Plist file_creation() {
    return ordered_group(H5P_FILE_CREATE, "file creation properties");
}

Plist group_creation() {
    return ordered_group(H5P_GROUP_CREATE, "group creation properties");
}

/// No modification times in object headers: the same quarter gives the same bytes.
Plist dataset_creation() {
    Plist dcpl(H5Pcreate(H5P_DATASET_CREATE), "dataset creation properties");
    ok(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
       "attribute creation order");
    ok(H5Pset_obj_track_times(dcpl, false), "object times");
    return dcpl;
}

void compress(hid_t dcpl, std::span<const hsize_t> chunk, int level) {
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

hsize_t extent(hid_t loc, const char* name) {
    Dataset ds(H5Dopen2(loc, name, H5P_DEFAULT), std::string("no variable ") + name);
    Space space(H5Dget_space(ds), "dataspace");
    hsize_t n = 0;
    if (H5Sget_simple_extent_ndims(space) != 1)
        fail(std::string("variable ") + name + " is not one-dimensional");
    H5Sget_simple_extent_dims(space, &n, nullptr);
    return n;
}

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

File create_file(const std::string& path) {
    return File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, file_creation(), H5P_DEFAULT),
                "cannot write new file '" + path + "'");
}

File open_file(const std::string& path) {
    return File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open '" + path + "'");
}

} // namespace riskmap::io::cube_detail
