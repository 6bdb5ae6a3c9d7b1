#pragma once
/// \file
/// Village polygons to boundary vertices for queen contiguity, and GAL files (GeoDa's
/// neighbour format, read by spdep::read.gal, PySAL and GeoDa).

#include "io/vector_io.hpp"
#include "kernels/contiguity.hpp"

#include <string>
#include <vector>

namespace riskmap::io {

/// Every vertex of every ring (exterior and holes) of every part, tagged with its village.
std::vector<kernels::Vertex> boundary_vertices(const VillageLayer& villages);

/// Writes a GAL file: header "0 N source key", then per village "code count" and its
/// neighbours' codes.
void write_gal(const std::string& path, const std::vector<std::string>& codes,
               const kernels::NeighbourLists& neighbours, const std::string& source);

} // namespace riskmap::io
