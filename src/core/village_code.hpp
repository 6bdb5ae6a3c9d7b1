#pragma once
/// \file
/// Kemendagri village codes: 10 digits PP.RR.KK.VVVV (province, regency, kecamatan, village).
/// Inputs write them with dots, spaces, dashes or nothing in between; we compare digits only.

#include <string>
#include <string_view>

namespace riskmap {

struct NormalisedCode {
    std::string digits;  ///< the 10 digits when ok, empty otherwise
    std::string problem; ///< why the input is not a village code, empty when ok
    bool ok() const { return problem.empty(); }
};

/// Strips separators ('.', ' ', '-', tabs) and checks that exactly 10 digits remain.
NormalisedCode normalise_village_code(std::string_view raw);

/// First 6 digits: province, regency, kecamatan.
inline std::string kecamatan_of(const std::string& village_code) {
    return village_code.substr(0, 6);
}

/// "3205012001" -> "32.05.01.2001", the form planners read.
std::string dotted_code(const std::string& digits);

} // namespace riskmap
