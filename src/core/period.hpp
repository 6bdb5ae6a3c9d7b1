#pragma once
/// \file
/// Quarters as planners write them ("2025Q3"), and the arithmetic pooling and comparing
/// quarters needs.

#include <optional>
#include <string>
#include <string_view>

namespace riskmap {

/// 2025Q3 -> 2025 * 4 + 2, counting quarters from year 0; nullopt unless the text is a
/// four-digit year, 'Q' and a quarter 1 to 4.
std::optional<int> quarter_index(std::string_view label);

/// The label of a quarter index: quarter_label(quarter_index("2025Q3")) == "2025Q3".
std::string quarter_label(int index);

/// `count` quarters ending at `last`, oldest first, e.g. 2024Q4 .. 2025Q3 for 4 and 2025Q3.
/// Requires quarter_index(last).
std::string quarter_range(const std::string& last, int count);

} // namespace riskmap
