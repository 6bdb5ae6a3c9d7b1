#include "synth/internal.hpp"

#include <algorithm>
#include <cmath>

namespace riskmap::synth::detail {

BucketGrid::BucketGrid(const Extent& extent, double cell) : extent_(extent), cell_(cell) {
    cols_ = std::max(1, static_cast<int>(std::ceil(extent.width() / cell)));
    rows_ = std::max(1, static_cast<int>(std::ceil(extent.height() / cell)));
    cells_.assign(static_cast<std::size_t>(cols_) * static_cast<std::size_t>(rows_), {});
}

// Clamped in floating point first, so far-off or infinite positions cannot overflow the cast.
int BucketGrid::col(double x) const {
    return static_cast<int>(std::clamp(std::floor((x - extent_.xmin) / cell_), 0.0, cols_ - 1.0));
}

int BucketGrid::row(double y) const {
    return static_cast<int>(std::clamp(std::floor((y - extent_.ymin) / cell_), 0.0, rows_ - 1.0));
}

void BucketGrid::add(int item, double x, double y, double reach) {
    const int c1 = col(x + reach), r1 = row(y + reach);
    for (int r = row(y - reach); r <= r1; ++r)
        for (int c = col(x - reach); c <= c1; ++c)
            cells_[static_cast<std::size_t>(r) * static_cast<std::size_t>(cols_) +
                   static_cast<std::size_t>(c)]
                .push_back(item);
}

const std::vector<int>& BucketGrid::at(double x, double y) const {
    return cells_[static_cast<std::size_t>(row(y)) * static_cast<std::size_t>(cols_) +
                  static_cast<std::size_t>(col(x))];
}

void BucketGrid::collect(double x0, double y0, double x1, double y1, std::vector<int>& out) const {
    const int c1 = col(x1), r1 = row(y1);
    for (int r = row(y0); r <= r1; ++r)
        for (int c = col(x0); c <= c1; ++c) {
            const auto& cell =
                cells_[static_cast<std::size_t>(r) * static_cast<std::size_t>(cols_) +
                       static_cast<std::size_t>(c)];
            out.insert(out.end(), cell.begin(), cell.end());
        }
}

} // namespace riskmap::synth::detail
