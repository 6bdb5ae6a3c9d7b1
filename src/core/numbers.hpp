#pragma once
/// \file
/// Locale-independent number parsing and printing. Indonesian systems run with decimal commas
/// (id_ID); std::from_chars/std::to_chars never consult the locale, so files mean the same
/// everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riskmap {

/// A non-negative integer written with digits only (surrounding blanks allowed).
std::optional<std::int64_t> parse_count(std::string_view text);

/// A decimal number with '.' as separator, as in C; nullopt if anything is left over.
std::optional<double> parse_double(std::string_view text);

/// Shortest text that reads back to the same double; "" for NaN (an empty CSV cell).
std::string format_double(double value);

/// Fixed number of significant digits, for human-facing tables.
std::string format_double(double value, int significant_digits);

std::string_view trim(std::string_view text);

} // namespace riskmap
