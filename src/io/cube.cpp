#include "io/cube.hpp"

#include "io/atomic_file.hpp"
#include "io/cube_master.hpp"

#include <algorithm>
#include <filesystem>

namespace riskmap::io {

namespace fs = std::filesystem;
using namespace cube_detail;

namespace {

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

} // namespace

void cube_write_quarter(const std::string& path, const Grid& grid, const std::string& period,
                        const std::vector<CubeLayer>& layers, const Table& villages,
                        const OrderedRunner& runner) {
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
    write_cube_file(paths.quarter(period), [&](const std::string& tmp) {
        write_quarter_file(tmp, grid, period, layers, villages, runner);
    });
    try {
        const auto quarters = scan_quarters(paths, grid);
        write_cube_file(
            paths.master, [&](const std::string& tmp) { write_master(tmp, grid, quarters); },
            false);
    } catch (...) {
        // Without a new master the cube must stay as it was: the quarter's earlier version
        // back, or no file for a quarter the old master does not list.
        backup.restore();
        throw;
    }
    // Outside the restore: with the new master in place the new quarter must stay with it.
    sync_path(paths.master.parent_path(), true);
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

Table cube_read_villages(const std::string& path, const std::string& period) {
    const std::string quarter = listed_quarter(path, period).string();
    const QuietErrors quiet;
    File file = open_file(quarter);
    return read_villages(file);
}

} // namespace riskmap::io
