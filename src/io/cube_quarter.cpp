#include "io/cube_quarter.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

/// HDF5 with H5Dwrite_chunk in file order on one (HDF5 runs its own filters on the calling
/// thread only; the encoder gives the filter's bytes).
void write_strips(const std::vector<hid_t>& datasets, const Grid& grid,
                  const std::vector<CubeLayer>& layers, const OrderedRunner& runner) {
    const chunks::ChunkShape shape = chunks::chunk_shape(grid);
    const std::uint64_t across = chunks::chunks_across(grid);
    chunks::encode_layers(
        grid, layers, runner, runner.threads + 1,
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
                  const Axes& axes, const OrderedRunner& runner) {
    std::vector<Dataset> datasets;
    std::vector<hid_t> ids;
    for (const CubeLayer& layer : layers) {
        datasets.push_back(create_layer(file, grid, layer));
        ids.push_back(datasets.back());
    }
    write_strips(ids, grid, layers, runner);
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

void write_quarter_file(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages,
                        const OrderedRunner& runner) {
    File file = create_file(path);
    put_globals(file, "riskmap quarter " + period);
    const Axes axes = write_axes(file, grid, {period}, true);
    write_crs(file, grid);
    write_layers(file, grid, layers, axes, runner);
    if (!villages.columns.empty())
        write_villages(file, villages);
    ok(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot write '" + path + "'");
}

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

} // namespace riskmap::io::cube_detail
