#pragma once
/// \file
/// The cube's map chunks as HDF5 stores them (padded to the chunk with NaN, byte-shuffled, a
/// zlib stream from libdeflate), encoded on every thread and handed on one at a time in file
/// order; and chunk files, which carry a layer's encoded chunks from the process that encoded
/// them (an MPI rank, or the same process while the map's work file still exists) to the
/// cube's writer. Internal to io: cube.cpp writes the chunks with H5Dwrite_chunk.
///
/// A chunk file: the chunks' bytes back to back, then per chunk of the layer (row-major)
/// its offset and size (0: all NaN, not stored), then the chunk count, the index's offset
/// and the 8 bytes "RMCHUNK1"; integers are 64-bit in the machine's byte order (a chunk file
/// is read only by the run that wrote it: under MPI by rank 0 of the same job, whose nodes
/// share one architecture).

#include "core/grid.hpp"
#include "io/cube.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace riskmap::io::chunks {

// Map layers go through libdeflate: on shuffled national map chunks zlib level 1 ran at
// 155 MB/s, libdeflate level 2 at 283 MB/s for a slightly smaller stream
// (benchmarks/RESULTS.md); libdeflate level 1 takes about 0.9 s less CPU than level 2 on a
// province quarter for a cube 0.7 % larger. The layer's HDF5 deflate filter says this level.
constexpr int kMapDeflateLevel = 1;

/// The chunk of a layer: 256 square, or the whole grid side when it is smaller.
struct ChunkShape {
    std::uint64_t rows, cols;
    std::uint64_t values() const { return rows * cols; }
};
ChunkShape chunk_shape(const Grid& grid);
/// Chunks in one row of chunks, and in a layer.
std::uint64_t chunks_across(const Grid& grid);
std::uint64_t chunk_count(const Grid& grid);

/// Receives chunk `index` (row-major within the layer) of `layers[layer]`: empty bytes for a
/// chunk of NaN only, which is not stored (HDF5 returns the fill value for it).
using ChunkSink = std::function<void(std::size_t layer, std::uint64_t index,
                                     const std::vector<unsigned char>& bytes)>;

/// Every chunk of `layers`, read and encoded (or taken from the layer's chunk_file) on
/// `runner`'s threads with at most `in_flight` strips of two chunk rows in memory, given to `sink`
/// on one thread in file order: layer by layer, chunk rows top to bottom, left to right.
void encode_layers(const Grid& grid, const std::vector<CubeLayer>& layers,
                   const OrderedRunner& runner, int in_flight, const ChunkSink& sink);

} // namespace riskmap::io::chunks
