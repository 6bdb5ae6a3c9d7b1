#pragma once
/// \file
/// The quarterly cube: every quarter's map layers on one grid as (time, y, x) variables, and
/// every quarter's village table, readable as NetCDF-4/CF by netCDF-C, xarray and GDAL.
///
/// Layout, for a cube at `out/riskmap.nc`:
/// - `out/riskmap.quarters/riskmap_2025Q3.nc`, one file per quarter, each a complete
///   NetCDF-4/CF file of its own: dimensions time (unlimited, length 1), y, x; coordinate
///   variables x, y, time ("days since 2000-01-01", the first day of the quarter, with CF
///   bounds time_bnds(time, nv): the quarter's first day and the next quarter's) and the
///   quarter's name period(time); a scalar `crs` grid-mapping variable (crs_wkt, spatial_ref,
///   GeoTransform, grid_mapping_name where derivable); `<layer>(time, y, x)` float32, NaN fill,
///   chunks (1, 256, 256), shuffle + deflate; group `villages` with dimension `village` and one
///   variable per table column (`code` is a string variable).
/// - `out/riskmap.nc`, the master: the same coordinate and grid-mapping variables for all
///   quarters, and `<layer>(time, y, x)` as HDF5 virtual datasets (VDS) whose slice t maps
///   the quarter file's `<layer>` by a relative path; the village tables appear as groups
///   `villages/<period>` of virtual datasets. The master holds no pixel data and is rebuilt
///   from the quarter files on every write (about 0.1 s with 40 quarters). Its time dimension
///   is fixed-size; in the quarter files it is unlimited (a record dimension).
///
/// Why one file per quarter and a virtual master (append safety): adding or replacing a
/// quarter writes the new quarter file under a temporary name, fsyncs it and renames it into
/// place, then writes a new master under a temporary name and renames it over the old one.
/// Earlier quarter files are never opened for writing, so they stay byte-identical; a run
/// killed at any point leaves either the old or the new master, both valid, and at worst a
/// temporary file (removed by the next write) or a finished quarter file the old master does
/// not list yet (listed by the next write). A write that fails (a full disk) leaves the cube
/// as it was: the quarter's earlier version is kept as a hard link until the new master is
/// in place and is put back otherwise. rename(2) replaces a quarter atomically, so
/// re-running a quarter touches nothing else. In-place extension of one HDF5 file was
/// rejected: HDF5 1.10 has no journal, and a crash while its metadata cache is being flushed
/// can corrupt the whole file, i.e. every earlier quarter. Checked with netCDF-C 4.9.0
/// (ncdump, python3-netCDF4 1.6.2), xarray 2023.01 (netcdf4 engine) and GDAL 3.6 (netCDF
/// driver): they read the VDS master with its grid, CRS and time, relative source paths
/// resolve against the master's folder whatever the working directory (HDF5 >= 1.10.2).
///
/// Moving the cube means moving `riskmap.nc` together with `riskmap.quarters/`: a client
/// reading the master without its quarter files gets NaN and empty codes (HDF5 fills a
/// missing VDS source), while the functions below read the quarter files and say when one is
/// missing.
/// Writers are serialised by an flock on the quarters folder; HDF5 is not thread-safe here, so
/// call these functions from one thread at a time.

#include "core/grid.hpp"
#include "core/layer.hpp"
#include "core/ordered_work.hpp"
#include "core/rect.hpp"
#include "core/table.hpp"

#include <functional>
#include <string>
#include <vector>

namespace riskmap::io {

/// A map layer of one quarter. `name` must be a netCDF name ([A-Za-z_][A-Za-z0-9_]*) other
/// than x, y, time, period, crs and villages.
struct CubeLayer {
    std::string name;
    const Layer<float>* values = nullptr; ///< the whole layer in memory, or null and:
    std::string long_name;
    std::string units;
    /// Fills `out` with grid rows [row, row + rows), full width: large grids are copied in
    /// strips from wherever the layer lives (a GeoTIFF), never held whole. Called from
    /// several threads at once, for different strips.
    std::function<void(int row, int rows, float* out)> read_rows = {};
    /// Or the layer's chunks as cube_encode_layer encoded them (then values and read_rows
    /// are not used): the chunks are copied, not encoded again.
    std::string chunk_file = {};
};

/// Encodes `layer`'s chunks as the cube stores them into a chunk file at `path`, with up to
/// `in_flight` strips at once on `runner`'s threads (riskmap gives sched::ordered_runner()),
/// for a cube_write_quarter that gives it as the layer's chunk_file: the process (an MPI rank)
/// that holds a map encodes it, and the cube's writer only copies it. Throws Error when the
/// file cannot be written.
void cube_encode_layer(const Grid& grid, const CubeLayer& layer, const std::string& path,
                       int in_flight, const OrderedRunner& runner = serial_runner());

/// Adds or replaces the quarter `period` ("2025Q3") in the cube at `path`; creates it (and its
/// quarters folder) if missing. Layers missing from a quarter read as NaN in the master. The
/// village table is stored in natural row order (`order` is ignored); its Integer columns
/// become int64 and Real columns float64, NaN being the fill value.
/// Throws InputError for a malformed period or when the cube's grid differs from `grid`,
/// Error on I/O failure or invalid layer/column names and sizes. Chunks are encoded on
/// `runner`'s threads; the bytes do not depend on it.
void cube_write_quarter(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages,
                        const OrderedRunner& runner = serial_runner());

/// Periods in the cube, sorted; empty when there is no cube at `path`.
std::vector<std::string> cube_periods(const std::string& path);

/// One layer of one quarter (for change maps against the previous quarter). Throws InputError
/// when the period or layer is not in the cube or the cube's grid differs from `grid`.
Layer<float> cube_read_layer(const std::string& path, const std::string& period,
                             const std::string& layer, const Grid& grid);

/// Pixels of `rect` of one layer of one quarter; same errors as cube_read_layer.
Layer<float> cube_read_window(const std::string& path, const std::string& period,
                              const std::string& layer, const Grid& grid, const Rect& rect);

/// Writes the cube at `path` (master and quarter files) as one self-contained NetCDF-4 file
/// `out` with the same variables, attributes and village groups, for sharing: the layers'
/// chunks are copied as stored. Throws InputError when `path` is not a cube or a quarter file
/// it lists is missing (a master copied without its quarters folder).
void cube_pack(const std::string& path, const std::string& out);

/// A quarter's village table in stored column order (codes as Text column "code").
/// Throws InputError when the period is not in the cube.
Table cube_read_villages(const std::string& path, const std::string& period);

} // namespace riskmap::io
