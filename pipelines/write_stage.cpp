#include "pipelines/write_stage.hpp"

#include "core/error.hpp"
#include "io/csv.hpp"
#include "io/cube.hpp"
#include "io/neighbours_io.hpp"
#include "io/quicklook.hpp"
#include "io/raster_io.hpp"
#include "io/staged_output.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/public_set.hpp"
#include "pipelines/raster_stages.hpp"
#include "pipelines/run_report.hpp"
#include "pipelines/tile_trace.hpp"
#include "pipelines/village_style.hpp"
#include "sched/parallel_rows.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>

namespace riskmap {

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

/// Whether this run adds its quarter to the cube.
bool writes_cube(const JobState& s) {
    return !s.config.cube_path.empty() && !s.config.period.empty();
}

/// Where a map's cube chunks wait for the cube: beside its COG in the (writer's) staging folder.
std::string chunk_file(const std::filesystem::path& folder, const std::string& map) {
    return (folder / (map + ".cube-chunks")).string();
}

/// A map's cube layer, encoded while its work file is still there (in a streamed run it is
/// deleted next; reading the COG back instead cost the cube 40 % of its time, in libtiff's
/// floating-point predictor) and on the rank that finished it.
void encode_for_cube(const JobState& s, const NamedMap& m, const std::filesystem::path& folder,
                     int threads) {
    io::TiledMapFile* file = m.file.get();
    const int width = s.grid.width;
    const io::CubeLayer layer{m.name, nullptr, file->info().description, file->info().units,
                              [file, width](int row, int rows, float* out) {
                                  const auto strip = file->read(Rect{0, row, width, rows});
                                  std::copy(strip.values().begin(), strip.values().end(), out);
                              }};
    io::cube_encode_layer(s.grid, layer, chunk_file(folder, m.name), threads);
}

/// This quarter's maps (not the change maps, which the cube derives from its quarters) and
/// village table into the quarterly cube, the maps' chunks copied from their chunk files.
void add_to_cube(const JobState& s, const io::StagedOutput& staged, const Table& villages) {
    std::vector<io::CubeLayer> layers;
    for (const auto& m : s.maps) {
        if (!m.in_cube)
            continue;
        io::CubeLayer layer{m.name, nullptr, m.file->info().description, m.file->info().units};
        layer.chunk_file = chunk_file(staged.staging_dir(), m.name);
        layers.push_back(std::move(layer));
    }
    Table table = villages;
    table.order.clear();
    io::cube_write_quarter(s.config.cube_path, s.grid, s.config.period, layers, table);
}

/// The public set beside the internal tables (output.public; pipelines/public_set.hpp).
void write_public_tables(const JobState& s,
                         const std::function<std::string(const std::string&)>& stage) {
    if (!s.public_villages)
        return;
    const Table villages = public_area_table(*s.public_villages, s.config);
    io::write_table_csv(stage("public_villages.csv"), villages);
    const io::LayerStyle style = village_layer_style(villages, s.config);
    io::write_villages_gpkg(stage("public_villages.gpkg"), s.villages, villages, &style);
    if (const auto parent = parent_unit(s.villages.unit); parent && s.public_parents)
        io::write_table_csv(stage("public_" + parent_table_name(*parent)),
                            public_area_table(*s.public_parents, s.config));
}

/// `threads`: GDAL's compression threads for this map.
void finish_map(const JobState& s, const NamedMap& m, const std::filesystem::path& folder,
                int threads) {
    const std::string tif = (folder / (m.name + ".tif")).string();
    m.file->finish(tif, threads);
    if (writes_cube(s) && m.in_cube)
        encode_for_cube(s, m, folder, threads);
    if (!s.work_in_memory) // nothing reads the work file again: its disk space is freed now
        m.file->discard();
    write_look(folder, s.grid, m.name, tif, localised(m.style, s.config.language));
}

std::string rejects_csv(const JobState& s) {
    std::string text = io::csv_line({"line", "code", "reason"});
    for (const auto& r : s.rejects)
        text += io::csv_line({std::to_string(r.line), r.code, r.reason});
    return text;
}
} // namespace

int map_finisher(const JobState& s, std::size_t map) {
    if (map >= s.pixel_maps)
        return 0;
    return static_cast<int>((map + 1) % std::size_t(sched::ranks()));
}

/// A COG's overviews and its quicklook are made on one thread, so several maps at once keep
/// every core busy; GDAL compresses each map on the threads left over. The writer frees the
/// work files of other ranks' maps (in a streamed run; the cube copies their chunk files).
void finish_rank_maps(JobState& s, const std::filesystem::path& folder) {
    std::vector<std::size_t> own;
    for (std::size_t i = 0; i < s.maps.size(); ++i) {
        if (map_finisher(s, i) == sched::rank())
            own.push_back(i);
        else if (!s.work_in_memory && sched::is_writer()) // another rank's: no longer needed
            s.maps[i].file->discard();
    }
    const int threads = sched::worker_threads();
    const int count = static_cast<int>(own.size());
    const int per_map = std::max(1, threads / std::max(1, std::min(threads, count)));
    std::vector<double> seconds(own.size());
    sched::for_each_index(count, [&](int j) {
        const auto start = std::chrono::steady_clock::now();
        finish_map(s, s.maps[own[std::size_t(j)]], folder, per_map);
        seconds[std::size_t(j)] = seconds_since(start);
    });
    if (s.trace) // none in a run without rasters
        for (std::size_t j = 0; j < own.size(); ++j)
            s.trace->add_finish(own[j], own[j] < s.pixel_maps, seconds[j]);
}

void FinishRankMaps::run(JobState& state) {
    finish_rank_maps(state, state.writer_staging);
    if (state.trace) // none in a run without rasters
        state.trace->write();
}

void WriteOutputs::run(JobState& state) {
    const JobConfig& cfg = state.config;
    io::StagedOutput& out = staged_output(state);
    std::vector<std::string> written;
    const auto stage = [&](const std::string& name) {
        written.push_back(name);
        return out.path(name);
    };
    // run.json is written inside this stage, so it carries the times of its parts so far.
    auto started = std::chrono::steady_clock::now();
    const auto lap = [&](const char* part) {
        const auto now = std::chrono::steady_clock::now();
        state.timings.emplace_back(part, std::chrono::duration<double>(now - started).count());
        started = now;
    };
    for (const auto& m : state.maps) { // every name first: run.json lists them in this order
        stage(m.name + ".tif");
        if (!m.file->info().category_names.empty())
            stage(m.name + ".tif.aux.xml");
        stage(m.name + ".qml");
        stage(m.name + ".png");
    }
    finish_rank_maps(state, out.staging_dir());
    if (state.trace)
        state.trace->write();
    lap("write.maps");
    const Table villages = area_table(state.village_scores, cfg);
    io::write_table_csv(stage("villages.csv"), villages);
    const io::LayerStyle style = village_layer_style(villages, cfg);
    io::write_villages_gpkg(stage("villages.gpkg"), state.villages, villages, &style);
    io::write_file(stage("villages.qml"), style.qml);
    if (const auto parent = parent_unit(state.villages.unit))
        io::write_table_csv(stage(parent_table_name(*parent)),
                            area_table(state.parent_scores, cfg));
    write_public_tables(state, stage);
    io::write_file(stage("rejects.csv"), rejects_csv(state));
    io::write_gal(stage("villages.gal"), state.village_scores.code, state.neighbours,
                  state.villages.layer_name);
    lap("write.tables");
    // run.json last: it lists every file above.
    written.push_back("run.json");
    io::write_file(out.path("run.json"), run_report_json(state, written));
    out.prepare_commit();
    // Before the commit, so that every write that can fail for want of space (the quarter
    // file is the largest) comes before anything is published; the cube is atomic on its
    // own. Only a failed rename in the commit could leave this quarter in the cube with the
    // previous outputs beside it, and rerunning the quarter replaces it. (Not beside the
    // tables: two writers filling a disk together fail at points the full-disk test showed
    // to be reported less plainly, e.g. creating the quarter file.)
    // Under MPI the last moment every rank can still stop the run: nothing is published yet
    // (the other ranks meet this at the end of their job).
    if (const sched::Outcome o = sched::agree(0, ""); o.code)
        sched::throw_outcome(o);
    if (state.has_priority_classes && writes_cube(state))
        add_to_cube(state, out, villages);
    for (auto& m : state.maps)
        m.file->discard();
    out.commit();
    TileCheckpoints::discard_all(cfg.output_dir); // the run is complete: nothing to resume
}

} // namespace riskmap
