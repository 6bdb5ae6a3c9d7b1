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

/// A record's period cell read as its quarter, and its month when the row is monthly.
struct RecordPeriod {
    std::string quarter; ///< "2025Q3"
    int month = 0;       ///< 1..12 for a monthly row or a date; 0 for a quarterly row
    int day = 0;         ///< 1..31 for a date; 0 otherwise
};

/// The forms exports write: "2025Q3" (also "2025-Q3", "2025 Q3", "Q3 2025", lower case);
/// months "2025-07", "2025/07", "07/2025", "Juli 2025", "Jul 2025", "July 2025" (Indonesian
/// and English names, full or three letters); dates "2025-07-15", "2025/07/15" (as GDAL
/// prints spreadsheet dates) and "15/07/2025" (day first, as Indonesian systems write them),
/// with or without a time. Nullopt for anything else.
std::optional<RecordPeriod> parse_record_period(std::string_view text);

/// "Jul", the English three-letter name of a month 1..12.
const char* month_abbreviation(int month);

/// `count` quarters ending at `last`, oldest first, e.g. 2024Q4 .. 2025Q3 for 4 and 2025Q3.
/// Requires quarter_index(last).
std::string quarter_range(const std::string& last, int count);

} // namespace riskmap
