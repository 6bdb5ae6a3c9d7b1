#include "io/cube_master.hpp"

#include <hdf5_hl.h>

#include <algorithm>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

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

} // namespace riskmap::io::cube_detail

namespace riskmap::io {

using namespace cube_detail;

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
    write_cube_file(out, [&](const std::string& tmp) {
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

} // namespace riskmap::io
