#pragma once
/// \file
/// The language of what people read (output.language): map titles, legends, quicklooks, the
/// village layer's names and the report. Data files (tables, run.json, band metadata) stay
/// in English and the C locale whatever the language.

#include <optional>
#include <string>
#include <string_view>

namespace riskmap {

enum class Language { English, Indonesian };

/// "en" or "id"; nothing for anything else.
std::optional<Language> parse_language(std::string_view code);

/// A display string riskmap wrote in English, in `lang`: known phrases replaced (whole
/// words, longest first, as a message catalogue keyed by the English text) and numbers given
/// the language's separators ("0.35" -> "0,35", "100,000" -> "100.000"). English: unchanged.
std::string localise(const std::string& english, Language lang);

/// A number written by riskmap ("1234.5", "100,000") with the language's separators.
std::string localise_number(const std::string& number, Language lang);

} // namespace riskmap
