#pragma once
/// \file
/// Village polygons to boundary vertices for queen contiguity, and GAL files (GeoDa's
/// neighbour format, read by spdep::read.gal, PySAL and GeoDa).

#include "core/neighbours.hpp"
#include "io/vector_io.hpp"

#include <string>
#include <vector>

namespace riskmap::io {

/// Every vertex of every ring (exterior and holes) of every part, tagged with its village.
std::vector<Vertex> boundary_vertices(const VillageLayer& villages);

/// Two villages closer than a threshold that share no vertex (real boundaries are simplified
/// polygon by polygon, so neighbours a metre apart may not touch).
struct NearPair {
    std::int32_t a = 0, b = 0; ///< a < b
    double distance_m = 0;
};

/// Pairs of villages not in `linked` whose polygons lie within `within_m` metres of each
/// other (GEOS distance; in a geographic CRS metres are degrees x 111,320), in (a, b) order.
/// Only pairs whose envelopes come that close are measured.
std::vector<NearPair> near_pairs(const VillageLayer& villages, const NeighbourLists& linked,
                                 double within_m);

/// Writes a GAL file: header "0 N source key", then per village "code count" and its
/// neighbours' codes.
void write_gal(const std::string& path, const std::vector<std::string>& codes,
               const NeighbourLists& neighbours, const std::string& source);

} // namespace riskmap::io
