#include "pipelines/write_stage.hpp"

#include "core/error.hpp"
#include "io/csv.hpp"
#include "io/cube.hpp"
#include "io/neighbours_io.hpp"
#include "io/quicklook.hpp"
#include "io/raster_io.hpp"
#include "io/staged_output.hpp"
#include "pipelines/area_scores.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/run_report.hpp"

#include <cmath>

namespace riskmap {

namespace {
io::MapInfo map_info(const NamedMap& m) {
    io::MapInfo info;
    info.description = m.description;
    info.units = m.units;
    for (const auto& [k, v] : m.metadata)
        info.metadata[k] = v;
    return info;
}

io::MapInfo priority_info(const JobConfig& cfg) {
    io::MapInfo info;
    info.description = "priority class (1 = highest fifth of population by risk x burden)";
    info.units = "class";
    info.metadata["period"] = cfg.period;
    info.category_names = {"no data", "1 highest", "2 high", "3 medium", "4 low", "5 lowest"};
    info.palette = {{0, 0, 0, 0},        {189, 0, 38, 255},   {240, 59, 32, 255},
                    {253, 141, 60, 255}, {254, 204, 92, 255}, {255, 255, 178, 255}};
    return info;
}

/// The QGIS style and the PNG quicklook beside a map.
template <class StageFn>
void write_look(StageFn& stage, const Grid& grid, const std::string& name,
                const Layer<float>& values, const io::MapStyle& style) {
    io::write_file(stage(name + ".qml"), io::qml(style));
    io::write_quicklook(stage(name + ".png"), grid, values, style);
}

Layer<float> as_float(const Layer<std::uint8_t>& classes) {
    Layer<float> out(classes.width(), classes.height());
    for (std::size_t i = 0; i < classes.size(); ++i)
        out[i] = classes[i] ? static_cast<float>(classes[i]) : std::nanf("");
    return out;
}

/// This quarter's maps (not the change maps, which the cube derives from its quarters) and
/// village table into the quarterly cube.
void add_to_cube(const JobState& s, const Table& villages) {
    std::vector<io::CubeLayer> layers;
    for (const auto& m : s.maps)
        if (m.name.size() < 7 || m.name.substr(m.name.size() - 7) != "_change")
            layers.push_back({m.name, &m.values, m.description, m.units});
    const Layer<float> classes = as_float(s.priority_class_map);
    layers.push_back({"priority_class", &classes, "priority class (1 = highest)", "class"});
    Table table = villages;
    table.order.clear();
    io::cube_write_quarter(s.config.cube_path, s.grid, s.config.period, layers, table);
}

std::string rejects_csv(const JobState& s) {
    std::string text = io::csv_line({"line", "code", "reason"});
    for (const auto& r : s.rejects)
        text += io::csv_line({std::to_string(r.line), r.code, r.reason});
    return text;
}
} // namespace

void WriteOutputs::run(JobState& state) {
    const JobConfig& cfg = state.config;
    io::StagedOutput out(cfg.output_dir);
    std::vector<std::string> written;
    const auto stage = [&](const std::string& name) {
        written.push_back(name);
        return out.path(name);
    };
    for (const auto& m : state.maps) {
        io::write_float_map(stage(m.name + ".tif"), state.grid, m.values, map_info(m));
        write_look(stage, state.grid, m.name, m.values, m.style);
    }
    if (state.has_rasters) {
        const std::string sidecar = io::write_byte_map(
            stage("priority_class.tif"), state.grid, state.priority_class_map, priority_info(cfg));
        if (!sidecar.empty())
            stage("priority_class.tif.aux.xml");
        write_look(stage, state.grid, "priority_class", as_float(state.priority_class_map),
                   priority_style("priority class" +
                                  (cfg.period.empty() ? std::string() : " " + cfg.period)));
    }
    const Table villages = area_table(state.village_scores, cfg);
    io::write_table_csv(stage("villages.csv"), villages);
    io::write_villages_gpkg(stage("villages.gpkg"), state.villages, villages);
    io::write_table_csv(stage("kecamatan.csv"), area_table(state.kecamatan_scores, cfg));
    io::write_file(stage("rejects.csv"), rejects_csv(state));
    io::write_gal(stage("villages.gal"), state.village_scores.code, state.neighbours,
                  state.villages.layer_name);
    // run.json last: it lists every file above.
    written.push_back("run.json");
    io::write_file(out.path("run.json"), run_report_json(state, written));
    out.prepare_commit();
    // Before the commit, so that every write that can fail for want of space (the quarter
    // file is the largest) comes before anything is published; the cube is atomic on its
    // own. Only a failed rename in the commit could leave this quarter in the cube with the
    // previous outputs beside it, and rerunning the quarter replaces it.
    if (state.has_rasters && !cfg.cube_path.empty() && !cfg.period.empty())
        add_to_cube(state, villages);
    out.commit();
}

} // namespace riskmap
