#pragma once
/// \file
/// Polygon boundary vertices and neighbour lists: what io reads from the village polygons and
/// kernels/contiguity.hpp turns into queen neighbours.

#include <cstdint>
#include <vector>

namespace riskmap {

struct Vertex {
    double x = 0;
    double y = 0;
    std::int32_t polygon = 0; ///< index of the polygon the vertex belongs to
};

/// Sorted, unique neighbour lists, one per polygon.
using NeighbourLists = std::vector<std::vector<std::int32_t>>;

} // namespace riskmap
