#pragma once
/// \file
/// Queen contiguity: two polygons are neighbours when their boundaries share at least one
/// point, as spdep::poly2nb(queen = TRUE). Like poly2nb, points are the polygons' vertices and
/// two vertices are "the same" when they lie within `snap` of each other, so on topologically
/// clean data (shared boundaries digitised once) the result equals poly2nb's.
///
/// Vertices are binned into a grid of cells of size `snap` and sorted by cell; a vertex is
/// compared only with the vertices of its own and the 8 surrounding cells, found in one sweep
/// over the sorted cells, so the cost is a sort of the vertices (never all pairs of polygons).

#include "core/neighbours.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace riskmap::kernels {

using riskmap::NeighbourLists;
using riskmap::Vertex;

/// Queen neighbours of polygon_count polygons given all their boundary vertices.
NeighbourLists queen_neighbours(std::span<const Vertex> vertices, std::size_t polygon_count,
                                double snap);

/// Brute force over all vertex pairs: the reference queen_neighbours is tested against.
NeighbourLists queen_neighbours_reference(std::span<const Vertex> vertices,
                                          std::size_t polygon_count, double snap);

} // namespace riskmap::kernels
