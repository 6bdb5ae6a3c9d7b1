#pragma once
/// \file
/// What the report's sections share (report.cpp): an output table in memory, the run's
/// indicators from run.json, and the report's language.

#include "core/language.hpp"
#include "core/numbers.hpp"
#include "io/map_style.hpp"

#include <cpl_json.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io::report_detail {

/// A whole CSV table in memory (a report shows its first rows and sums its columns).
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    std::optional<std::size_t> column(const std::string& name) const {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? std::nullopt
                                  : std::optional(static_cast<std::size_t>(it - header.begin()));
    }
    std::string text(std::size_t row, const std::string& name) const {
        const auto c = column(name);
        return c && *c < rows[row].size() ? rows[row][*c] : std::string();
    }
    std::optional<double> number(std::size_t row, const std::string& name) const {
        return parse_double(text(row, name));
    }
    double sum(const std::string& name) const {
        double total = 0;
        for (std::size_t r = 0; r < rows.size(); ++r)
            total += number(r, name).value_or(0);
        return total;
    }
};

/// The table at `path`; empty when there is none.
CsvTable read_csv(const std::filesystem::path& path);
/// Three significant digits, but whole numbers from 100 on ("4820", not "4.82e+03").
std::string number_text(std::optional<double> v, int digits = 3);

/// What the run's config says about one indicator.
struct Indicator {
    std::string name, cases, unit;
    double scale = 1, target = 0, weight = 1;
};

std::vector<Indicator> indicators(const CPLJSONObject& config);

/// The report's language: sentences written in both, numbers with the language's separators
/// and the units and names riskmap writes in English localised (core/language.hpp).
struct Speak {
    Language lang = Language::English;

    std::string t(const char* english, const char* indonesian) const {
        return lang == Language::Indonesian ? indonesian : english;
    }
    std::string num(std::optional<double> v, int digits = 3) const {
        return localise_number(number_text(v, digits), lang);
    }
    std::string count(std::size_t n) const { return num(static_cast<double>(n), 15); }
    std::string words(const std::string& english) const {
        return xml_escape(localise(english, lang));
    }
    std::string rate(double proportion, const Indicator& ind) const {
        return num(proportion * ind.scale) + " " + words(ind.unit);
    }
};

} // namespace riskmap::io::report_detail
