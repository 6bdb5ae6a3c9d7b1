#pragma once
/// \file
/// The streaming tile engine: a grid cut into square tiles on a fixed block lattice, each tile
/// read with a halo, computed and written, with reading, computing and writing overlapped.
///
/// Why a fixed block lattice (kBlock): results must be the same bytes for any tile size and
/// thread count. Everything whose value depends on where work is cut (the restart points of
/// the recursive Gaussian, the order of per-village sums) is defined on the block lattice,
/// which never moves; a tile is a square of whole blocks, so its size only decides how much
/// is in memory at once.

#include "core/ordered_work.hpp"
#include "core/rect.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace riskmap::sched {

/// Side of the lattice blocks in pixels; tile sides are multiples of it.
inline constexpr int kBlock = 512;

/// `r` grown by `margin` on every side and clipped to a width x height grid.
Rect grow_clipped(const Rect& r, int margin, int width, int height);

/// Tiles of a width x height grid in row-major order.
class TileLayout {
public:
    /// `tile_size` is rounded up to a multiple of kBlock (at least one block).
    TileLayout(int width, int height, int tile_size);
    int tile_size() const { return tile_; }
    std::size_t count() const { return tiles_.size(); }
    const Rect& tile(std::size_t i) const { return tiles_[i]; }

private:
    int tile_;
    std::vector<Rect> tiles_;
};

/// Work in flight for one tile, owned by the pipeline between its stages.
using TileWork = WorkItem;

/// Runs every tile of `layout` through read (serial, tile order) -> compute (parallel) ->
/// write (serial, tile order), with at most `in_flight` tiles alive at once so memory is
/// bounded by tile size x in_flight. Exceptions stop the pipeline and are rethrown.
void run_tile_pipeline(const TileLayout& layout, int in_flight,
                       const std::function<std::unique_ptr<TileWork>(std::size_t)>& read,
                       const std::function<void(TileWork&)>& compute,
                       const std::function<void(TileWork&)>& write);

/// The same pipeline over items 0 .. count-1 of any kind (strips of a file, for example).
void run_ordered_pipeline(std::size_t count, int in_flight,
                          const std::function<std::unique_ptr<TileWork>(std::size_t)>& read,
                          const std::function<void(TileWork&)>& compute,
                          const std::function<void(TileWork&)>& write);

/// Calls body(i) for every tile, in parallel, no ordering (for pure reductions whose result
/// does not depend on the order, such as integer sums).
void for_each_tile(const TileLayout& layout, const std::function<void(std::size_t)>& body);

/// Threads the scheduler may use now (the ThreadLimit in force, or the core count).
int worker_threads();

/// run_ordered_pipeline as a value for libraries below the scheduler (io's cube encoder), with
/// worker_threads() as it is now.
OrderedRunner ordered_runner();

} // namespace riskmap::sched
