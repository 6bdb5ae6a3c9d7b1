#pragma once
/// \file
/// Several Float32 layers of one size in one GeoTIFF (ZSTD level 1, band-interleaved): the
/// per-tile checkpoints of `riskmap run --resume` (pipelines/checkpoints.hpp), kept in io so
/// that no stage talks to GDAL.

#include "core/layer.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

/// Writes `layers` (all of one size) to `path`. On failure the file is removed and Error says
/// "cannot write <what> '<path>'" and, for a full disk, the cause.
void write_band_stack(const std::string& path, const std::vector<const Layer<float>*>& layers,
                      const std::string& what);

/// The `bands` layers of a stack of `width` x `height`; nullopt when `path` is not such a
/// stack (unreadable, another size or band count). Throws Error when its pixels cannot be read.
/// With `wanted` (one flag a band), only the wanted bands are decoded; the others are empty
/// layers (the stack is band-interleaved, so a band not read costs nothing).
std::optional<std::vector<Layer<float>>> read_band_stack(const std::string& path, int width,
                                                         int height, std::size_t bands,
                                                         const std::vector<bool>& wanted = {});

} // namespace riskmap::io
