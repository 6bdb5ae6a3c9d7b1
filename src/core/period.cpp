#include "core/period.hpp"

#include "core/numbers.hpp"

#include <array>
#include <vector>

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

namespace {
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool digits_only(std::string_view s) {
    if (s.empty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

/// A date-time's date: "2025-07-15T08:30:00" and "15/07/2025 08:30" lose their time.
std::string_view without_time(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return text;
    const auto cut = text.find_last_of(" T", colon);
    return cut == std::string_view::npos ? text : text.substr(0, cut);
}

/// The text split at spaces, '-', '/', '.' and ',' (empty pieces dropped), lower case.
std::vector<std::string> pieces(std::string_view text) {
    std::vector<std::string> out(1);
    for (char c : without_time(text)) {
        if (c == ' ' || c == '-' || c == '/' || c == '.' || c == ',' || c == '\t') {
            if (!out.back().empty())
                out.emplace_back();
        } else
            out.back().push_back(lower(c));
    }
    if (out.back().empty())
        out.pop_back();
    return out;
}

/// Month names of Indonesian and English exports, full and abbreviated.
int month_of_name(const std::string& word) {
    static const std::array<std::vector<const char*>, 12> names{{
        {"januari", "january", "jan"},
        {"februari", "february", "pebruari", "feb", "peb"},
        {"maret", "march", "mar"},
        {"april", "apr"},
        {"mei", "may"},
        {"juni", "june", "jun"},
        {"juli", "july", "jul"},
        {"agustus", "august", "agu", "agt", "ags", "aug"},
        {"september", "sep", "sept"},
        {"oktober", "october", "okt", "oct"},
        {"november", "nopember", "nov", "nop"},
        {"desember", "december", "des", "dec"},
    }};
    for (std::size_t m = 0; m < names.size(); ++m)
        for (const char* name : names[m])
            if (word == name)
                return static_cast<int>(m) + 1;
    return 0;
}

std::optional<int> year_of(const std::string& s) {
    if (s.size() != 4 || !digits_only(s))
        return std::nullopt;
    const int year = std::stoi(s);
    return year >= 1900 && year <= 2200 ? std::optional<int>(year) : std::nullopt;
}

std::optional<int> number_in(const std::string& s, int low, int high) {
    if (s.empty() || s.size() > 2 || !digits_only(s))
        return std::nullopt;
    const int v = std::stoi(s);
    return v >= low && v <= high ? std::optional<int>(v) : std::nullopt;
}

std::optional<int> quarter_of(const std::string& s) {
    return s.size() == 2 && s[0] == 'q' ? number_in(s.substr(1), 1, 4) : std::nullopt;
}

RecordPeriod monthly(int year, int month) {
    return {quarter_label(year * 4 + (month - 1) / 3), month};
}

std::optional<RecordPeriod> from_two(const std::vector<std::string>& p) {
    if (const auto year = year_of(p[0])) {
        if (const auto q = quarter_of(p[1]))
            return RecordPeriod{quarter_label(*year * 4 + *q - 1), 0};
        if (const auto m = number_in(p[1], 1, 12))
            return monthly(*year, *m);
        if (const int m = month_of_name(p[1]))
            return monthly(*year, m);
    }
    if (const auto year = year_of(p[1])) {
        if (const auto q = quarter_of(p[0]))
            return RecordPeriod{quarter_label(*year * 4 + *q - 1), 0};
        if (const auto m = number_in(p[0], 1, 12))
            return monthly(*year, *m);
        if (const int m = month_of_name(p[0]))
            return monthly(*year, m);
    }
    return std::nullopt;
}

std::optional<RecordPeriod> dated(int year, int month, int day) {
    RecordPeriod out = monthly(year, month);
    out.day = day;
    return out;
}

std::optional<RecordPeriod> from_date(const std::vector<std::string>& p) {
    const auto year_first = year_of(p[0]); // 2025-07-15
    const auto year_last = year_of(p[2]);  // 15/07/2025, 15 Juli 2025
    if (year_first) {
        const auto m = number_in(p[1], 1, 12);
        const auto d = number_in(p[2], 1, 31);
        return m && d ? dated(*year_first, *m, *d) : std::nullopt;
    }
    if (year_last) {
        const auto m = number_in(p[1], 1, 12);
        const int named = month_of_name(p[1]);
        const auto d = number_in(p[0], 1, 31);
        return (m || named) && d ? dated(*year_last, m ? *m : named, *d) : std::nullopt;
    }
    return std::nullopt;
}
} // namespace

std::optional<RecordPeriod> parse_record_period(std::string_view text) {
    if (quarter_index(text))
        return RecordPeriod{std::string(text), 0};
    std::string compact; // "2025Q3" written as "2025q3"
    for (char c : text)
        compact.push_back(lower(c));
    if (compact.size() == 6 && compact[4] == 'q') {
        compact[4] = 'Q';
        if (quarter_index(compact))
            return RecordPeriod{compact, 0};
    }
    const auto p = pieces(text);
    if (p.size() == 2)
        return from_two(p);
    if (p.size() == 3)
        return from_date(p);
    return std::nullopt;
}

const char* month_abbreviation(int month) {
    static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

} // namespace riskmap
