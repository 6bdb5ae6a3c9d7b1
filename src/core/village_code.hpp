#pragma once
/// \file
/// Area codes. Kemendagri codes are 10 digits PP.RR.KK.VVVV for a village (province, regency,
/// kecamatan, village), their first 6, 4 or 2 digits for the levels above. Inputs write them
/// with dots, spaces, dashes or nothing in between; we compare digits only. Layers from
/// elsewhere (research grids, other countries) carry free-form ids: unit `Any`.

#include <optional>
#include <string>
#include <string_view>

namespace riskmap {

/// The administrative level of the areas a run maps (inputs.unit).
enum class AreaUnit { Village, Kecamatan, Regency, Province, Any };

/// "village", "kecamatan", "regency", "province" or "any".
const char* unit_name(AreaUnit unit);
/// The inverse of unit_name; nullopt for anything else.
std::optional<AreaUnit> unit_from_name(std::string_view name);
/// The Kemendagri level whose codes have this many digits (2, 4, 6 or 10).
std::optional<AreaUnit> unit_from_digits(std::size_t digits);
/// The level one up the hierarchy; nullopt for provinces and free-form ids.
std::optional<AreaUnit> parent_unit(AreaUnit unit);

struct NormalisedCode {
    std::string digits;  ///< the code when ok (its digits; the trimmed id for Any), else empty
    std::string problem; ///< why the input is not a code of the unit, empty when ok
    bool ok() const { return problem.empty(); }
};

/// Strips separators ('.', ' ', '-', tabs) and checks that exactly the unit's number of digits
/// remain; for Any, trims surrounding white space, keeps the case and rejects an empty id.
NormalisedCode normalise_area_code(std::string_view raw, AreaUnit unit);

inline NormalisedCode normalise_village_code(std::string_view raw) {
    return normalise_area_code(raw, AreaUnit::Village);
}

/// The table of the areas one level up: "kecamatan.csv", "regency.csv", "province.csv".
inline std::string parent_table_name(AreaUnit parent) {
    return std::string(unit_name(parent)) + ".csv";
}

/// How messages call one code of the unit: "village code", "kecamatan code", "area id".
std::string code_noun(AreaUnit unit);

/// The code of the area one level up ("3205012001" -> "320501"); needs a parent_unit.
std::string parent_code(const std::string& code, AreaUnit unit);

/// First 6 digits: province, regency, kecamatan.
inline std::string kecamatan_of(const std::string& village_code) {
    return village_code.substr(0, 6);
}

/// "3205012001" -> "32.05.01.2001", "320501" -> "32.05.01", the form planners read; other
/// text as it is.
std::string dotted_code(const std::string& digits);

} // namespace riskmap
