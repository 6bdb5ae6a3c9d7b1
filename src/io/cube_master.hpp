#pragma once
/// \file
/// The cube's master file: coordinates for every quarter and virtual datasets into the
/// quarter files.
/// Internal to src/io: the cube's files (cube.cpp) are built from these parts.

#include "io/cube_quarter.hpp"

#include <string>
#include <vector>

namespace riskmap::io::cube_detail {

namespace fs = std::filesystem;

/// Every layer of any quarter, in order of first appearance; the latest description wins.
std::vector<LayerInfo> all_layers(const std::vector<QuarterInfo>& quarters);
void write_virtual_layer(hid_t file, const Grid& grid, const LayerInfo& layer,
                         const std::vector<QuarterInfo>& quarters, const Axes& axes);
void write_virtual_villages(hid_t file, const std::vector<QuarterInfo>& quarters);
void write_master(const std::string& path, const Grid& grid,
                  const std::vector<QuarterInfo>& quarters);

} // namespace riskmap::io::cube_detail
