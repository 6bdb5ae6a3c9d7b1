#include "core/village_code.hpp"

#include <algorithm>
#include <array>

namespace riskmap {

namespace {
bool is_separator(char c) {
    return c == '.' || c == ' ' || c == '-' || c == '\t';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
} // std::isdigit depends on the locale
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct UnitInfo {
    AreaUnit unit;
    const char* name;
    std::size_t digits; ///< 0: free-form
    const char* layout; ///< how the digits split, for messages
    const char* example;
};
constexpr std::array<UnitInfo, 5> kUnits{{
    {AreaUnit::Village, "village", 10, "province 2, regency 2, kecamatan 2, village 4",
     "32.05.01.2001"},
    {AreaUnit::Kecamatan, "kecamatan", 6, "province 2, regency 2, kecamatan 2", "32.05.01"},
    {AreaUnit::Regency, "regency", 4, "province 2, regency 2", "32.05"},
    {AreaUnit::Province, "province", 2, "province 2", "32"},
    {AreaUnit::Any, "any", 0, "", ""},
}};

const UnitInfo& info(AreaUnit unit) {
    return kUnits[static_cast<std::size_t>(unit)];
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

/// A code a spreadsheet wrote as a number: "3205012001.0" or "3.205012001E9" (or E+09). The
/// digits when the text holds every one of them; a problem when the exponent pads zeros the
/// sheet rounded away ("3.20501E+09" is not one village but a thousand); nullopt for any
/// other text.
std::optional<NormalisedCode> spreadsheet_number(std::string_view raw) {
    const std::string_view s = trimmed(raw);
    const std::size_t point = s.find('.');
    if (point != std::string_view::npos && s.find_first_of("eE") == std::string_view::npos &&
        all_digits(s.substr(0, point)) && s.size() > point + 1 &&
        s.find_first_not_of('0', point + 1) == std::string_view::npos)
        return NormalisedCode{std::string(s.substr(0, point)), ""};
    const std::size_t e = s.find_first_of("eE");
    if (e == std::string_view::npos || e == 0)
        return std::nullopt;
    std::string_view exponent = s.substr(e + 1);
    if (!exponent.empty() && exponent.front() == '+')
        exponent.remove_prefix(1);
    const std::string_view mantissa = s.substr(0, e);
    const bool dotted = mantissa.size() > 2 && mantissa[1] == '.';
    if (!all_digits(exponent) || exponent.size() > 2 || !is_digit(mantissa[0]) ||
        (mantissa.size() > 1 && (!dotted || !all_digits(mantissa.substr(2)))))
        return std::nullopt;
    const std::string digits =
        std::string(1, mantissa[0]) + (dotted ? std::string(mantissa.substr(2)) : std::string());
    const int shift = std::stoi(std::string(exponent)) - static_cast<int>(digits.size() - 1);
    if (shift == 0)
        return NormalisedCode{digits, ""};
    return NormalisedCode{"",
                          "code '" + std::string(s) + "' is a number in scientific notation that " +
                              (shift > 0 ? "lost its last " + std::to_string(shift) + " digit(s)"
                                         : std::string("is not a whole number")) +
                              "; store the code column as text"};
}

NormalisedCode free_form_id(std::string_view raw) {
    std::size_t first = 0, last = raw.size();
    while (first < last && is_space(raw[first]))
        ++first;
    while (last > first && is_space(raw[last - 1]))
        --last;
    NormalisedCode out;
    out.digits = std::string(raw.substr(first, last - first));
    if (out.digits.empty())
        out.problem = "empty area id";
    return out;
}
} // namespace

const char* unit_name(AreaUnit unit) {
    return info(unit).name;
}

std::optional<AreaUnit> unit_from_name(std::string_view name) {
    for (const UnitInfo& u : kUnits)
        if (name == u.name)
            return u.unit;
    return std::nullopt;
}

std::optional<AreaUnit> unit_from_digits(std::size_t digits) {
    for (const UnitInfo& u : kUnits)
        if (u.digits != 0 && u.digits == digits)
            return u.unit;
    return std::nullopt;
}

std::optional<AreaUnit> parent_unit(AreaUnit unit) {
    switch (unit) {
    case AreaUnit::Village:
        return AreaUnit::Kecamatan;
    case AreaUnit::Kecamatan:
        return AreaUnit::Regency;
    case AreaUnit::Regency:
        return AreaUnit::Province;
    default:
        return std::nullopt;
    }
}

NormalisedCode normalise_area_code(std::string_view raw, AreaUnit unit) {
    if (unit == AreaUnit::Any)
        return free_form_id(raw);
    if (const auto number = spreadsheet_number(raw)) {
        if (!number->ok())
            return *number;
        return normalise_area_code(number->digits, unit);
    }
    const UnitInfo& u = info(unit);
    NormalisedCode out;
    for (char c : raw) {
        if (is_digit(c))
            out.digits.push_back(c);
        else if (!is_separator(c)) {
            out.digits.clear();
            out.problem = std::string(u.name) + " code '" + std::string(raw) + "' contains '" + c +
                          "'; expected " + std::to_string(u.digits) + " digits such as " +
                          u.example;
            return out;
        }
    }
    if (out.digits.size() != u.digits) {
        out.problem = std::string(u.name) + " code '" + std::string(raw) + "' has " +
                      std::to_string(out.digits.size()) + " digits; expected " +
                      std::to_string(u.digits) + " (" + u.layout + ")";
        if (unit == AreaUnit::Village && unit_from_digits(out.digits.size()))
            out.problem += std::string("; for a ") +
                           unit_name(*unit_from_digits(out.digits.size())) +
                           "-level layer set inputs.unit";
        else if (unit == AreaUnit::Village)
            out.problem += "; for ids that are not Kemendagri codes set inputs.unit = any";
        out.digits.clear();
    }
    return out;
}

std::string code_noun(AreaUnit unit) {
    return unit == AreaUnit::Any ? "area id" : std::string(unit_name(unit)) + " code";
}

std::string parent_code(const std::string& code, AreaUnit unit) {
    return code.substr(0, info(*parent_unit(unit)).digits);
}

std::string dotted_code(const std::string& digits) {
    if (!unit_from_digits(digits.size()) || !std::all_of(digits.begin(), digits.end(), is_digit))
        return digits;
    std::string out = digits.substr(0, 2);
    for (std::size_t at = 2; at < digits.size(); at += 2) {
        const std::size_t width = at == 6 ? 4 : 2; // the village part is 4 digits
        out += "." + digits.substr(at, width);
        at += width - 2;
    }
    return out;
}

} // namespace riskmap
