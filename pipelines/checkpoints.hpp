#pragma once
/// \file
/// Completed tiles of maps.pixels kept on disk, so a long run that is killed can be resumed
/// (`riskmap run --resume`) with output identical to an uninterrupted run.
///
/// Each finished tile is one multi-band GeoTIFF (a band per pixel map, then the priority
/// score), written under a temporary name and renamed, in
/// `<output dir>/.riskmap-resume/<fingerprint>/tile-<x0>-<y0>-<w>-<h>.tif`. The fingerprint
/// is the SHA-256 of the resolved settings and of every input file's SHA-256: a tile is only
/// reused by a run that would compute the same bytes. A successful run removes the folder.

#include "core/layer.hpp"
#include "core/rect.hpp"
#include "pipelines/job_state.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace riskmap {

class TileCheckpoints {
public:
    /// `resume`: whether tiles already on disk may be reused.
    TileCheckpoints(const JobState& state, bool resume);
    /// A reusable tile exists for `core`.
    bool has(const Rect& core) const;
    /// From now on every tile on disk is reusable: the MPI writer assembling the tiles the
    /// ranks have just kept (never a killed run's, unless --resume allowed those).
    void reuse_all() { resume_ = true; }
    /// The `bands` layers of a reusable tile; with `wanted`, only those flagged (the others
    /// empty).
    std::vector<Layer<float>> load(const Rect& core, std::size_t bands,
                                   const std::vector<bool>& wanted = {}) const;
    /// Keeps a finished tile (temporary name, then rename).
    void save(const Rect& core, const std::vector<const Layer<float>*>& layers) const;
    /// Removes every checkpoint under the output folder (after a successful run).
    static void discard_all(const std::string& output_dir);

private:
    std::filesystem::path file_of(const Rect& core) const;

    std::filesystem::path dir_;
    bool resume_;
};

} // namespace riskmap
