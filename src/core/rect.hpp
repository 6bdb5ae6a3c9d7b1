#pragma once
/// \file
/// A rectangle of the analysis grid in pixels (a tile, or a tile with its halo).

#include <cstdint>

namespace riskmap {

struct Rect {
    int x0 = 0, y0 = 0, width = 0, height = 0;
    int x1() const { return x0 + width; }
    int y1() const { return y0 + height; }
    std::int64_t pixels() const { return std::int64_t(width) * height; }
    bool contains(int x, int y) const { return x >= x0 && x < x1() && y >= y0 && y < y1(); }
};

} // namespace riskmap
