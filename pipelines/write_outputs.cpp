#include "pipelines/write_outputs.hpp"
#include "pipelines/finish_maps.hpp"

#include "core/language.hpp"
#include "io/csv.hpp"
#include "io/cube.hpp"
#include "io/neighbours_io.hpp"
#include "io/staged_output.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/checkpoints.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/public_set.hpp"
#include "pipelines/run_report.hpp"
#include "pipelines/tile_trace.hpp"
#include "pipelines/village_style.hpp"
#include "sched/ranks.hpp"
#include "sched/tiles.hpp"

#include <chrono>
#include <filesystem>
#include <functional>

namespace riskmap {

namespace {
/// This quarter's maps (not the change maps, which the cube derives from its quarters) and
/// village table into the quarterly cube, the maps' chunks copied from their chunk files.
void add_to_cube(const JobState& s, const io::StagedOutput& staged, const Table& villages) {
    std::vector<io::CubeLayer> layers;
    for (const auto& m : s.pixel_maps().maps) {
        if (!m.in_cube)
            continue;
        io::CubeLayer layer{m.name, nullptr, m.file->info().description, m.file->info().units};
        layer.chunk_file = chunk_file(staged.staging_dir(), m.name);
        layers.push_back(std::move(layer));
    }
    Table table = villages;
    table.order.clear();
    io::cube_write_quarter(s.config.cube_path, s.grid().grid, s.config.period, layers, table,
                           sched::ordered_runner());
}

/// The public set beside the internal tables (output.public; pipelines/public_set.hpp).
void write_public_tables(const JobState& s,
                         const std::function<std::string(const std::string&)>& stage) {
    if (!s.scores().public_villages)
        return;
    const Table villages = public_area_table(*s.scores().public_villages, s.config);
    io::write_table_csv(stage("public_villages.csv"), villages);
    const io::LayerStyle style = village_layer_style(villages, s.config);
    io::write_villages_gpkg(stage("public_villages.gpkg"), s.villages(), villages, &style);
    if (const auto parent = parent_unit(s.villages().unit); parent && s.scores().public_parents)
        io::write_table_csv(stage("public_" + parent_table_name(*parent)),
                            public_area_table(*s.scores().public_parents, s.config));
}

std::string rejects_csv(const JobState& s) {
    std::string text = io::csv_line({"line", "code", "reason"});
    for (const auto& r : s.records().rejects)
        text += io::csv_line({std::to_string(r.line), r.code, r.reason});
    return text;
}

/// Every map's file names, before anything is written: run.json lists them in this order.
template <class StageFn> void stage_map_names(const JobState& state, const StageFn& stage) {
    for (const auto& m : state.pixel_maps().maps) {
        stage(m.name + ".tif");
        if (!m.file->info().category_names.empty())
            stage(m.name + ".tif.aux.xml");
        stage(m.name + ".qml");
        stage(m.name + ".png");
    }
}
} // namespace

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
    stage_map_names(state, stage);
    finish_rank_maps(state, out.staging_dir());
    if (state.pixel_maps().trace)
        state.pixel_maps().trace->write();
    lap("write.maps");
    const Table villages = area_table(state.scores().villages, cfg);
    io::write_table_csv(stage("villages.csv"), villages);
    const io::LayerStyle style = village_layer_style(villages, cfg);
    io::write_villages_gpkg(stage("villages.gpkg"), state.villages(), villages, &style);
    io::write_file(stage("villages.qml"), style.qml);
    if (const auto parent = parent_unit(state.villages().unit))
        io::write_table_csv(stage(parent_table_name(*parent)),
                            area_table(state.scores().parents, cfg));
    write_public_tables(state, stage);
    io::write_file(stage("rejects.csv"), rejects_csv(state));
    io::write_gal(stage("villages.gal"), state.scores().villages.code, state.neighbours().lists,
                  state.villages().layer_name);
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
    if (state.class_maps().has_priority_classes && writes_cube(state))
        add_to_cube(state, out, villages);
    for (auto& m : state.pixel_maps().maps)
        m.file->discard();
    out.commit();
    TileCheckpoints::discard_all(cfg.output_dir); // the run is complete: nothing to resume
}

namespace {
const Option kOutputOptions[] = {
    {"output.dir", "out", "output folder",
     [](const Settings& s, JobConfig& c) { c.output_dir = s.path("output.dir"); },
     Option::Kind::Path},
    {"output.cube", "riskmap.nc",
     "quarterly cube, relative to output.dir; each run adds or replaces its period "
     "(empty: no cube)",
     [](const Settings& s, JobConfig& c) {
         const std::string cube = s.text("output.cube");
         c.cube_path = cube.empty() || std::filesystem::path(cube).is_absolute()
                           ? cube
                           : (std::filesystem::path(s.path("output.dir")) / cube).string();
     }},
    {"output.language", "en",
     "language of map titles, legends, quicklooks and the village layer's style: en or id "
     "(Bahasa Indonesia, decimal commas); tables, run.json and band metadata stay English",
     [](const Settings& s, JobConfig& c) {
         c.language = *parse_language(s.choice("output.language", {"en", "id"}));
     }},
    {"output.report", "false",
     "after the run, write report_<period>.html for a district meeting (and a PDF of it where "
     "Chromium is installed), as `riskmap report` does",
     [](const Settings& s, JobConfig& c) { c.report = s.flag("output.report"); }},
    {"output.public", "false",
     "also write public_villages.csv/.gpkg and public_<parent>.csv, safe to publish: no count "
     "below output.min_count can be read or worked out from them",
     [](const Settings& s, JobConfig& c) { c.public_set = s.flag("output.public"); }},
    {"output.min_count", "5", "the smallest count the public tables show (whole number, 1-1000)",
     [](const Settings& s, JobConfig& c) {
         c.min_count = static_cast<double>(s.count("output.min_count", 1, 1000, "from 1 to 1000"));
     }},
};
} // namespace

Options WriteOutputs::options() const {
    return kOutputOptions;
}

} // namespace riskmap
