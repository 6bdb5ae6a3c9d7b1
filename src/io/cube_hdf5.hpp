#pragma once
/// \file
/// HDF5 for the cube: owned handles, errors with HDF5's own detail, attributes, creation
/// properties that keep a rerun's bytes, strings, and listing a group's variables.
/// Internal to src/io: the cube's files (cube.cpp) are built from these parts.

#include "io/cube_chunks.hpp"

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

constexpr const char* kVillages = "villages";
constexpr std::string_view kTempMarker = ".tmp-";
// netCDF-C's own marker for a dimension that has no coordinate variable (nc4internal.h).
constexpr const char* kDimWithoutVariable = "This is a netCDF dimension but not a netCDF variable.";
constexpr std::int64_t kIntegerFill = -9223372036854775806LL; // NC_FILL_INT64
// Village tables go through HDF5's own deflate filter (zlib), map layers through libdeflate
// (cube_chunks.hpp); both write standard zlib streams, which any HDF5 deflate filter reads.
constexpr int kDeflateLevel = 1;
constexpr int kMapDeflateLevel = chunks::kMapDeflateLevel;

/// The most specific message on HDF5's error stack, which then is cleared.
std::string hdf5_detail();
[[noreturn]] void fail(const std::string& what);
void ok(herr_t status, const std::string& what);

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

void put_text(hid_t obj, const char* name, const std::string& value);
void put_number(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value);
void put_double(hid_t obj, const char* name, double value);
std::string get_text(hid_t obj, const char* name);

Plist file_creation();
Plist group_creation();
/// No modification times in object headers: the same quarter gives the same bytes.
Plist dataset_creation();
void compress(hid_t dcpl, std::span<const hsize_t> chunk, int level = kDeflateLevel);
Dataset create(hid_t loc, const std::string& name, hid_t type, hid_t space, hid_t dcpl);
/// A 1-D dataspace; `unlimited` makes it a netCDF record dimension.
Space line_space(hsize_t n, bool unlimited);
/// Record variables must be chunked; 512 values is netCDF-C's default (4 KiB of doubles).
Plist line_creation(bool unlimited);
void set_float_fill(hid_t dcpl);
void put_float_fill(hid_t ds);
Type text_type();
void write_strings(hid_t ds, hid_t type, const std::vector<std::string>& values);
std::vector<std::string> read_strings(hid_t ds);

hsize_t extent(hid_t loc, const char* name);

/// Datasets of a group in creation order, dimension scales left out.
std::vector<std::string> variables(hid_t group);
int rank(hid_t ds);

File create_file(const std::string& path);
File open_file(const std::string& path);

} // namespace riskmap::io::cube_detail
