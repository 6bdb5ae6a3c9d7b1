// Record-period reader: any text is a quarter (with its month when monthly) or not a period,
// never a crash; a month always lies in the quarter it is read with.

#include "core/period.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto period = riskmap::parse_record_period(text);
    if (!period)
        return 0;
    const auto index = riskmap::quarter_index(period->quarter);
    if (!index || period->month < 0 || period->month > 12)
        __builtin_trap();
    if (period->month > 0 && (period->month - 1) / 3 != *index % 4)
        __builtin_trap();
    return 0;
}
