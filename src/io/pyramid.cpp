#include "io/pyramid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace riskmap::io {

namespace {
int halved(int n) {
    return (n + 1) / 2;
}

/// Per pixel of a level: sum of the non-NaN full-resolution values under it, and their count.
struct Sums {
    int width = 0, height = 0;
    std::vector<double> sum;
    std::vector<std::uint32_t> count;
};

/// Adds one full-resolution row into a level-1 row: pairs of columns, NaN counted as absent
/// (branch-free, so the loop vectorises).
void add_row(const float* row, int width, double* sum, std::uint32_t* count) {
    const int pairs = width / 2;
    for (int j = 0; j < pairs; ++j) {
        const float a = row[2 * std::ptrdiff_t{j}], b = row[2 * std::ptrdiff_t{j} + 1];
        const bool ha = a == a, hb = b == b; // false for NaN
        sum[j] += double(ha ? a : 0.0f) + double(hb ? b : 0.0f);
        count[j] += std::uint32_t(ha) + std::uint32_t(hb);
    }
    if (width % 2 != 0 && row[width - 1] == row[width - 1]) {
        sum[pairs] += row[width - 1];
        count[pairs] += 1;
    }
}

Sums base_sums(LayerView<const float> tile) {
    Sums out{halved(tile.width), halved(tile.height), {}, {}};
    out.sum.assign(std::size_t(out.width) * out.height, 0.0);
    out.count.assign(out.sum.size(), 0);
    for (int r = 0; r < tile.height; ++r) {
        const std::size_t base = std::size_t(r / 2) * out.width;
        add_row(tile.row(r), tile.width, out.sum.data() + base, out.count.data() + base);
    }
    return out;
}

Sums coarser(const Sums& fine) {
    Sums out{halved(fine.width), halved(fine.height), {}, {}};
    out.sum.assign(std::size_t(out.width) * out.height, 0.0);
    out.count.assign(out.sum.size(), 0);
    for (int r = 0; r < fine.height; ++r) {
        const std::size_t from = std::size_t(r) * fine.width;
        const std::size_t to = std::size_t(r / 2) * out.width;
        for (int c = 0; c < fine.width; ++c) {
            out.sum[to + c / 2] += fine.sum[from + c];
            out.count[to + c / 2] += fine.count[from + c];
        }
    }
    return out;
}

Layer<float> means(const Sums& s) {
    Layer<float> out(s.width, s.height, Uninitialised{});
    for (std::size_t i = 0; i < s.sum.size(); ++i)
        out[i] = s.count[i] ? static_cast<float>(s.sum[i] / s.count[i])
                            : std::numeric_limits<float>::quiet_NaN();
    return out;
}

/// The most frequent non-zero value of one block (the smallest on a tie), 0 when none.
/// `counts` is all zero on entry and on return: only the values seen are cleared.
std::uint8_t block_mode(LayerView<const std::uint8_t> tile, int r0, int r1, int c0, int c1,
                        std::array<std::uint32_t, 256>& counts) {
    for (int r = r0; r < r1; ++r) {
        const std::uint8_t* row = tile.row(r);
        for (int c = c0; c < c1; ++c)
            counts[row[c]] += 1;
    }
    std::uint8_t best = 0;
    for (int r = r0; r < r1; ++r) {
        const std::uint8_t* row = tile.row(r);
        for (int c = c0; c < c1; ++c) {
            const std::uint8_t v = row[c];
            if (v != 0 &&
                (best == 0 || counts[v] > counts[best] || (counts[v] == counts[best] && v < best)))
                best = v;
        }
    }
    for (int r = r0; r < r1; ++r) {
        const std::uint8_t* row = tile.row(r);
        for (int c = c0; c < c1; ++c)
            counts[row[c]] = 0;
    }
    return best;
}

Layer<std::uint8_t> block_modes(LayerView<const std::uint8_t> tile, int level) {
    const int side = 1 << level;
    const int w = (tile.width + side - 1) / side, h = (tile.height + side - 1) / side;
    Layer<std::uint8_t> out(w, h, Uninitialised{});
    std::array<std::uint32_t, 256> counts{};
    for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j)
            out(i, j) = block_mode(tile, i * side, std::min(tile.height, (i + 1) * side), j * side,
                                   std::min(tile.width, (j + 1) * side), counts);
    return out;
}
} // namespace

int cog_overview_levels(int width, int height, int block) {
    int levels = 0;
    for (int side = std::max(width, height); side > block; side /= 2) // GDAL rounds down here
        ++levels;
    return levels;
}

std::vector<Layer<float>> mean_pyramid(LayerView<const float> tile, int levels) {
    std::vector<Layer<float>> out;
    if (levels < 1)
        return out;
    Sums sums = base_sums(tile);
    out.push_back(means(sums));
    for (int k = 2; k <= levels; ++k) {
        sums = coarser(sums);
        out.push_back(means(sums));
    }
    return out;
}

std::vector<Layer<std::uint8_t>> mode_pyramid(LayerView<const std::uint8_t> tile, int levels) {
    std::vector<Layer<std::uint8_t>> out;
    for (int k = 1; k <= levels; ++k)
        out.push_back(block_modes(tile, k));
    return out;
}

} // namespace riskmap::io
