#include "pipelines/queen_neighbours.hpp"

#include "io/neighbours_io.hpp"
#include "kernels/contiguity.hpp"

#include <algorithm>
#include <chrono>
#include <future>

namespace riskmap {

namespace {
/// Pairs within snap_m (> 0) become neighbours; the others nearer than 1 m (or snap_m) are
/// kept to be reported: simplified real boundaries leave such gaps between true neighbours
/// (on Purbalingga, 20 pairs that touch or nearly touch share no vertex).
void link_near_pairs(QueenResult& out, const std::vector<io::NearPair>& near, double snap_m) {
    for (const io::NearPair& p : near) {
        if (snap_m <= 0 || p.distance_m > snap_m) { // 0: spdep's rule, shared vertices only
            out.near_unlinked.push_back(p);
            continue;
        }
        out.lists[std::size_t(p.a)].push_back(p.b);
        out.lists[std::size_t(p.b)].push_back(p.a);
        out.snapped.push_back(p);
    }
    for (auto& l : out.lists)
        std::sort(l.begin(), l.end());
}
} // namespace

void QueenNeighbours::run(JobState& state) {
    // Contiguity needs only the village polygons. It runs on a thread of its own while the
    // raster stages read, warp and burn, which leave a core idle much of the time; score.areas
    // waits for it. Nothing else touches the polygons meanwhile but to read them.
    state.neighbours().pending = std::async(
        std::launch::async, [&villages = state.villages(), snap = state.config.neighbour_snap,
                             snap_m = state.config.neighbour_snap_m] {
            const auto start = std::chrono::steady_clock::now();
            QueenResult out;
            out.lists = kernels::queen_neighbours(io::boundary_vertices(villages),
                                                  villages.table.size(), snap);
            link_near_pairs(out, io::near_pairs(villages, out.lists, std::max(snap_m, 1.0)),
                            snap_m);
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            out.seconds = took.count();
            return out;
        });
}

namespace {
const Option kNeighbourOptions[] = {
    {"neighbours.snap_m", "0",
     "villages whose polygons lie within this many metres are neighbours too (real boundaries "
     "simplified polygon by polygon leave gaps; 1 is a good value for them); 0: vertices only",
     [](const Settings& s, JobConfig& c) {
         c.neighbour_snap_m = s.number("neighbours.snap_m", 0, false);
     }},
    {"neighbours.snap", "1.4901161193847656e-08",
     "vertices closer than this (villages' CRS units) touch; spdep::poly2nb's default",
     [](const Settings& s, JobConfig& c) {
         c.neighbour_snap = s.number("neighbours.snap", 0, false);
     }},
};
} // namespace

Options QueenNeighbours::options() const {
    return kNeighbourOptions;
}

} // namespace riskmap
