#pragma once
/// \file
/// One quarter's file of the cube: its map layers (chunks encoded on every thread), its
/// village table, and what a quarter file holds as the master needs it.
/// Internal to src/io: the cube's files (cube.cpp) are built from these parts.

#include "io/cube.hpp"
#include "io/cube_files.hpp"

#include <string>
#include <vector>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

using Kind = TableColumn::Kind;

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

/// HDF5 with H5Dwrite_chunk in file order on one (HDF5 runs its own filters on the calling
/// thread only; the encoder gives the filter's bytes).
void write_strips(const std::vector<hid_t>& datasets, const Grid& grid,
                  const std::vector<CubeLayer>& layers, const OrderedRunner& runner);
Dataset create_layer(hid_t file, const Grid& grid, const CubeLayer& layer);
void write_layers(hid_t file, const Grid& grid, const std::vector<CubeLayer>& layers,
                  const Axes& axes, const OrderedRunner& runner);
/// A netCDF dimension without a coordinate variable, as netCDF-C itself writes one.
Dataset village_dimension(hid_t group, hsize_t rows);
Type column_type(Kind kind);
hid_t column_memory_type(Kind kind);
/// NaN for reals; netCDF's default int64 fill for integers, which xarray masks to NaN.
const void* column_fill(Kind kind);
/// Numeric columns get the fill value both as HDF5 property and as netCDF attribute.
Dataset create_column(hid_t group, const std::string& name, Kind kind, hid_t space, hid_t dcpl);
void write_column(hid_t group, const TableColumn& col, hsize_t rows, hid_t dim);
void write_villages(hid_t file, const Table& table);

void write_quarter_file(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages,
                        const OrderedRunner& runner);

Kind kind_of(hid_t ds);
void scan_villages(hid_t file, QuarterInfo& info);
/// The (time, y, x) variables of a quarter file.
std::vector<std::string> layer_names(hid_t file);
QuarterInfo scan_quarter(const CubePaths& paths, const std::string& period, const Grid& grid);
std::vector<QuarterInfo> scan_quarters(const CubePaths& paths, const Grid& grid);

void check_inputs(const Grid& grid, const std::vector<CubeLayer>& layers, const Table& villages);

Table read_villages(hid_t file);

} // namespace riskmap::io::cube_detail
