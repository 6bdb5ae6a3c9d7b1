#include "kernels/contiguity.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace riskmap::kernels {

namespace {
/// A vertex and the cell it falls in; sorted by cell, cells of one column are contiguous.
struct CellVertex {
    std::int64_t cx;
    std::int64_t cy;
    std::uint32_t vertex;
};

bool cell_before(std::int64_t ax, std::int64_t ay, std::int64_t bx, std::int64_t by) {
    return ax < bx || (ax == bx && ay < by);
}

bool finite(const Vertex& v) {
    return std::isfinite(v.x) && std::isfinite(v.y);
}

// A vertex with a NaN or infinite coordinate is close to nothing, so it is left out.
std::vector<CellVertex> sorted_by_cell(std::span<const Vertex> vertices, double size) {
    std::vector<CellVertex> out;
    out.reserve(vertices.size());
    for (std::uint32_t i = 0; i < vertices.size(); ++i)
        if (finite(vertices[i]))
            out.push_back({static_cast<std::int64_t>(std::floor(vertices[i].x / size)),
                           static_cast<std::int64_t>(std::floor(vertices[i].y / size)), i});
    std::sort(out.begin(), out.end(), [](const CellVertex& a, const CellVertex& b) {
        return cell_before(a.cx, a.cy, b.cx, b.cy) ||
               (a.cx == b.cx && a.cy == b.cy && a.vertex < b.vertex);
    });
    return out;
}

/// Where each run of one cell starts in the sorted vertices, and the end.
std::vector<std::size_t> cell_starts(const std::vector<CellVertex>& sorted) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (i == 0 || sorted[i].cx != sorted[i - 1].cx || sorted[i].cy != sorted[i - 1].cy)
            starts.push_back(i);
    starts.push_back(sorted.size());
    return starts;
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
        if (finite(v))
            largest = std::max({largest, std::abs(v.x), std::abs(v.y)});
    const double size = std::max({snap, 1e-12, largest * 0x1p-40});
    const std::vector<CellVertex> sorted = sorted_by_cell(vertices, size);
    const std::vector<std::size_t> starts = cell_starts(sorted);
    const std::size_t cells = starts.size() - 1;
    const auto compare = [&](std::size_t mine, std::size_t theirs, NeighbourLists& lists) {
        for (std::size_t i = starts[mine]; i < starts[mine + 1]; ++i)
            for (std::size_t j = starts[theirs]; j < starts[theirs + 1]; ++j) {
                const Vertex& a = vertices[sorted[i].vertex];
                const Vertex& b = vertices[sorted[j].vertex];
                if (a.polygon != b.polygon && close(a, b, snap))
                    lists[a.polygon].push_back(b.polygon);
            }
    };
    NeighbourLists lists(polygon_count);
    // The cells next to cell k in column cx + dx are those from (cx + dx, cy - 1) to
    // (cx + dx, cy + 1); both ends only move forward as k does, so one sweep finds them all.
    std::array<std::size_t, 3> first{0, 0, 0};
    for (std::size_t k = 0; k < cells; ++k) {
        const CellVertex& cell = sorted[starts[k]];
        for (int d = 0; d < 3; ++d) {
            const std::int64_t column = cell.cx + d - 1;
            std::size_t& q = first[std::size_t(d)];
            while (q < cells &&
                   cell_before(sorted[starts[q]].cx, sorted[starts[q]].cy, column, cell.cy - 1))
                ++q;
            for (std::size_t o = q;
                 o < cells && sorted[starts[o]].cx == column && sorted[starts[o]].cy <= cell.cy + 1;
                 ++o)
                compare(k, o, lists);
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
