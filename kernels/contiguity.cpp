#include "kernels/contiguity.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace riskmap::kernels {

namespace {
struct CellKey {
    std::int64_t cx;
    std::int64_t cy;
    bool operator==(const CellKey&) const = default;
};

struct CellHash {
    std::size_t operator()(const CellKey& k) const {
        // Unsigned: the multiplications wrap by definition (signed overflow is undefined).
        const auto x = static_cast<std::uint64_t>(k.cx);
        const auto y = static_cast<std::uint64_t>(k.cy);
        return std::hash<std::uint64_t>()(x * 73856093ULL ^ y * 19349663ULL);
    }
};

CellKey cell_of(const Vertex& v, double size) {
    return {static_cast<std::int64_t>(std::floor(v.x / size)),
            static_cast<std::int64_t>(std::floor(v.y / size))};
}

// Euclidean distance at most snap, as poly2nb's vertex test.
bool close(const Vertex& a, const Vertex& b, double snap) {
    return std::hypot(a.x - b.x, a.y - b.y) <= snap;
}

void finish(NeighbourLists& lists) {
    for (auto& l : lists) {
        std::sort(l.begin(), l.end());
        l.erase(std::unique(l.begin(), l.end()), l.end());
    }
}
} // namespace

NeighbourLists queen_neighbours(std::span<const Vertex> vertices, std::size_t polygon_count,
                                double snap) {
    // Cells no smaller than the snap distance: close vertices are at most one cell apart.
    // Larger cells only add candidates, so the size may also grow with the coordinates to
    // keep cell indices far inside int64 (2^40) whatever the CRS units.
    double largest = 0;
    for (const auto& v : vertices)
        largest = std::max({largest, std::abs(v.x), std::abs(v.y)});
    const double size = std::max({snap, 1e-12, largest * 0x1p-40});
    std::unordered_map<CellKey, std::vector<std::uint32_t>, CellHash> cells;
    cells.reserve(vertices.size());
    for (std::uint32_t i = 0; i < vertices.size(); ++i)
        cells[cell_of(vertices[i], size)].push_back(i);
    NeighbourLists lists(polygon_count);
    for (const auto& [key, members] : cells) {
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                const auto other = cells.find(CellKey{key.cx + dx, key.cy + dy});
                if (other == cells.end())
                    continue;
                for (std::uint32_t i : members) {
                    for (std::uint32_t j : other->second) {
                        const Vertex& a = vertices[i];
                        const Vertex& b = vertices[j];
                        if (a.polygon != b.polygon && close(a, b, snap))
                            lists[a.polygon].push_back(b.polygon);
                    }
                }
            }
        }
    }
    finish(lists);
    return lists;
}

NeighbourLists queen_neighbours_reference(std::span<const Vertex> vertices,
                                          std::size_t polygon_count, double snap) {
    NeighbourLists lists(polygon_count);
    for (std::size_t i = 0; i < vertices.size(); ++i)
        for (std::size_t j = 0; j < vertices.size(); ++j)
            if (vertices[i].polygon != vertices[j].polygon && close(vertices[i], vertices[j], snap))
                lists[vertices[i].polygon].push_back(vertices[j].polygon);
    finish(lists);
    return lists;
}

} // namespace riskmap::kernels
