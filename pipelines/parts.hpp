#pragma once
/// \file
/// The parts of a job's state that stages hand each other: what a stage's contract names
/// (pipelines/stage.hpp) and what JobState checks each access against (job_state.hpp).

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace riskmap {

/// The parts of JobState that stages hand each other (job_state.hpp holds each as its own
/// type, behind an accessor that checks the running stage's contract).
enum class Part : std::uint8_t {
    InputDigests, ///< SHA-256 of the input files
    Villages,     ///< the village layer
    Records,      ///< counts joined to villages, pools, rejects
    Neighbours,   ///< queen contiguity (computed beside the raster stages)
    Grid,         ///< the analysis grid, its population and sanitation readers, the tiling
    Zones,        ///< villages burnt onto the grid: footprints, sums, land per tile
    Scores,       ///< village and kecamatan statistics and lists (public sets too)
    Previous,     ///< the cube's previous quarter and last quarter's columns
    PixelMaps,    ///< maps.pixels' work files, the score histogram
    ClassMaps,    ///< priority classes and change maps
    Outputs,      ///< the files in the output folder
};
inline constexpr int kParts = 11;
std::string_view part_name(Part part);

/// A set of parts, for the contracts.
class Parts {
public:
    constexpr Parts() = default;
    constexpr Parts(std::initializer_list<Part> parts) {
        for (Part p : parts)
            bits_ |= bit(p);
    }
    constexpr bool has(Part p) const { return bits_ & bit(p); }
    constexpr void add(Parts other) { bits_ |= other.bits_; }

private:
    static constexpr std::uint32_t bit(Part p) { return std::uint32_t{1} << static_cast<int>(p); }
    std::uint32_t bits_ = 0;
};

} // namespace riskmap
