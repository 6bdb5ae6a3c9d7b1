#include "pipelines/read_villages.hpp"

#include "core/village_code.hpp"
#include "io/vector_io.hpp"

namespace riskmap {

namespace {
const Option kOptions[] = {
    {"inputs.villages", nullptr, "village polygons, any OGR source",
     [](const Settings& s, JobConfig& c) { c.villages = s.path("inputs.villages"); },
     Option::Kind::Path},
    {"inputs.villages_layer", "", "layer name (optional when the source has one layer)",
     [](const Settings& s, JobConfig& c) { c.villages_layer = s.text("inputs.villages_layer"); }},
    {"inputs.village_code", "kode_desa", "code field in the villages",
     [](const Settings& s, JobConfig& c) { c.village_code = s.text("inputs.village_code"); }},
    {"inputs.village_name", "", "name field in the villages (optional)",
     [](const Settings& s, JobConfig& c) { c.village_name = s.text("inputs.village_name"); }},
    {"inputs.unit", "village",
     "level of the areas and their codes: village (10 digits), kecamatan (6), regency (4), "
     "province (2), auto (read from the first code's length), or any (free-form ids, no "
     "higher-level table)",
     [](const Settings& s, JobConfig& c) {
         const std::string unit = s.choice(
             "inputs.unit", {"village", "kecamatan", "regency", "province", "auto", "any"});
         c.unit = unit == "auto" ? std::nullopt : unit_from_name(unit);
     }},
    {"inputs.repair_geometry", "false", "repair invalid polygons instead of failing",
     [](const Settings& s, JobConfig& c) { c.repair_geometry = s.flag("inputs.repair_geometry"); }},
};
} // namespace

Options ReadVillages::options() const {
    return kOptions;
}

void ReadVillages::run(JobState& state) {
    const JobConfig& cfg = state.config;
    state.villages() =
        io::read_villages(io::VillageSource{cfg.villages, cfg.villages_layer, cfg.village_code,
                                            cfg.unit, cfg.village_name, cfg.repair_geometry});
}

} // namespace riskmap
