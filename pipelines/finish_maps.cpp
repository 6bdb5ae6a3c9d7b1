#include "pipelines/finish_maps.hpp"

#include "io/cube.hpp"
#include "io/quicklook.hpp"
#include "io/raster_io.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/tile_trace.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <chrono>
#include <filesystem>

namespace riskmap {

bool writes_cube(const JobState& s) {
    return !s.config.cube_path.empty() && !s.config.period.empty();
}

std::string chunk_file(const std::filesystem::path& folder, const std::string& map) {
    return (folder / (map + ".cube-chunks")).string();
}

namespace {
/// The QGIS style and a PNG quicklook (at most 800 pixels wide, from the COG's overviews).
void write_look(const std::filesystem::path& folder, const Grid& grid, const std::string& name,
                const std::string& tif, const io::MapStyle& style) {
    io::write_file((folder / (name + ".qml")).string(), io::qml(style));
    const int stride = std::max(1, (std::max(grid.width, grid.height) + 799) / 800);
    Grid small = grid;
    small.width = (grid.width + stride - 1) / stride;
    small.height = (grid.height + stride - 1) / stride;
    small.geotransform[1] *= double(grid.width) / small.width;
    small.geotransform[5] *= double(grid.height) / small.height;
    io::MapReadback reader(tif);
    const Layer<float> values =
        reader.read(Rect{0, 0, grid.width, grid.height}, small.width, small.height);
    io::write_quicklook((folder / (name + ".png")).string(), small, values, style);
}

/// A map's cube layer, encoded while its work file is still there (in a streamed run it is
/// deleted next; reading the COG back instead cost the cube 40 % of its time, in libtiff's
/// floating-point predictor) and on the rank that finished it.
void encode_for_cube(const JobState& s, const NamedMap& m, const std::filesystem::path& folder,
                     int threads) {
    io::TiledMapFile* file = m.file.get();
    const int width = s.grid().grid.width;
    const io::CubeLayer layer{m.name, nullptr, file->info().description, file->info().units,
                              [file, width](int row, int rows, float* out) {
                                  const auto strip = file->read(Rect{0, row, width, rows});
                                  std::copy(strip.values().begin(), strip.values().end(), out);
                              }};
    io::cube_encode_layer(s.grid().grid, layer, chunk_file(folder, m.name), threads,
                          sched::ordered_runner());
}

/// `threads`: GDAL's compression threads for this map.
void finish_map(const JobState& s, const NamedMap& m, const std::filesystem::path& folder,
                int threads) {
    const std::string tif = (folder / (m.name + ".tif")).string();
    m.file->finish(tif, threads);
    if (writes_cube(s) && m.in_cube)
        encode_for_cube(s, m, folder, threads);
    // Nothing reads the work file again: its disk space is freed now.
    if (!s.pixel_maps().work_in_memory)
        m.file->discard();
    write_look(folder, s.grid().grid, m.name, tif, localised(m.style, s.config.language));
}

} // namespace

int map_finisher(const JobState& s, std::size_t map) {
    if (map >= s.pixel_maps().pixel_maps)
        return 0;
    return static_cast<int>((map + 1) % std::size_t(sched::ranks()));
}

/// A COG's overviews and its quicklook are made on one thread, so several maps at once keep
/// every core busy; GDAL compresses each map on the threads left over. The writer frees the
/// work files of other ranks' maps (in a streamed run; the cube copies their chunk files).
void finish_rank_maps(JobState& s, const std::filesystem::path& folder) {
    std::vector<std::size_t> own;
    for (std::size_t i = 0; i < s.pixel_maps().maps.size(); ++i) {
        if (map_finisher(s, i) == sched::rank())
            own.push_back(i);
        else if (!s.pixel_maps().work_in_memory &&
                 sched::is_writer()) // another rank's: no longer needed
            s.pixel_maps().maps[i].file->discard();
    }
    const int threads = sched::worker_threads();
    const int count = static_cast<int>(own.size());
    const int per_map = std::max(1, threads / std::max(1, std::min(threads, count)));
    std::vector<double> seconds(own.size());
    sched::for_each_index(count, [&](int j) {
        const auto start = std::chrono::steady_clock::now();
        finish_map(s, s.pixel_maps().maps[own[std::size_t(j)]], folder, per_map);
        seconds[std::size_t(j)] = seconds_since(start);
    });
    if (s.pixel_maps().trace) // none in a run without rasters
        for (std::size_t j = 0; j < own.size(); ++j)
            s.pixel_maps().trace->add_finish(own[j], own[j] < s.pixel_maps().pixel_maps,
                                             seconds[j]);
}

void FinishRankMaps::run(JobState& state) {
    finish_rank_maps(state, state.pixel_maps().writer_staging);
    if (state.pixel_maps().trace) // none in a run without rasters
        state.pixel_maps().trace->write();
}

} // namespace riskmap
