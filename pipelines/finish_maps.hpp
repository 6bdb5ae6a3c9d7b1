#pragma once
/// \file
/// Finishing the maps: each map's work file into its COG, QGIS style, PNG quicklook and cube
/// chunks; write.maps, the stage of the MPI ranks other than the writer.

#include "pipelines/stage.hpp"

#include <filesystem>
#include <string>

namespace riskmap {

/// Whether this run adds its quarter to the cube.
bool writes_cube(const JobState& s);

/// Where a map's cube chunks wait for the cube: beside its COG in the (writer's) staging folder.
std::string chunk_file(const std::filesystem::path& folder, const std::string& map);

/// The rank that finishes map `map` (`JobState::maps`): under MPI maps.pixels' maps go round
/// the ranks from rank 1 (rank 0, the writer, has the classes, tables and cube as well); the
/// maps made after them (classes, change) are the writer's. Always 0 in one process.
int map_finisher(const JobState& s, std::size_t map);

/// Finishes this rank's maps (map_finisher), side by side, into `folder` (the writer's staging
/// folder): each map's COG (with the overviews its work file holds), QGIS style, PNG
/// quicklook and, when the run adds a quarter to the cube, its cube chunks (a chunk file). A
/// streamed run frees the work files' disk space. Records each in run.trace.
void finish_rank_maps(JobState& s, const std::filesystem::path& folder);

/// write.maps on an MPI rank other than the writer: its share of maps.pixels' maps finished
/// into the writer's staging folder (the writer commits them with its own), and its run.trace.
class FinishRankMaps final : public Stage {
public:
    std::string_view name() const override { return "write.maps"; }
    std::string_view description() const override {
        return "finish this rank's share of the maps into the writer's staging folder";
    }
    Parts reads() const override { return {Part::Grid, Part::PixelMaps}; }
    Parts produces() const override { return {Part::Outputs}; }
    void run(JobState& state) override;
};

} // namespace riskmap
