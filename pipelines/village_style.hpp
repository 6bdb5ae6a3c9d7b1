#pragma once
/// \file
/// How the village (area) layer looks in QGIS: a categorized style by priority class, drawn
/// half-transparent so the maps below stay readable, and a readable alias for every column.
/// Written as villages.qml and into villages.gpkg's layer_styles table, which QGIS loads as
/// the layer's default style.

#include "core/table.hpp"
#include "io/vector_io.hpp"
#include "pipelines/job_config.hpp"

#include <string>

namespace riskmap {

/// What a planner reads instead of `stunting_ebl`: "stunting: local EB rate (GeoDa)".
/// Unknown columns keep their name.
std::string column_alias(const std::string& column, const JobConfig& cfg);

/// The QGIS 3 vector style (.qml) of `table`'s layer.
std::string village_layer_qml(const Table& table, const JobConfig& cfg);

/// The style and aliases write_villages_gpkg stores with the layer.
io::LayerStyle village_layer_style(const Table& table, const JobConfig& cfg);

} // namespace riskmap
