#include "core/period.hpp"

#include "core/numbers.hpp"

namespace riskmap {

std::optional<int> quarter_index(std::string_view label) {
    if (label.size() != 6 || label[4] != 'Q')
        return std::nullopt;
    const auto year = parse_count(label.substr(0, 4));
    const auto q = parse_count(label.substr(5));
    if (!year || !q || *q < 1 || *q > 4 || label.find(' ') != std::string_view::npos)
        return std::nullopt;
    return static_cast<int>(*year) * 4 + static_cast<int>(*q) - 1;
}

std::string quarter_label(int index) {
    std::string year = std::to_string(index / 4);
    while (year.size() < 4)
        year.insert(year.begin(), '0');
    return year + "Q" + std::to_string(index % 4 + 1);
}

std::string quarter_range(const std::string& last, int count) {
    const int end = quarter_index(last).value_or(0);
    return count <= 1 ? last : quarter_label(end - count + 1) + "–" + last;
}

} // namespace riskmap
