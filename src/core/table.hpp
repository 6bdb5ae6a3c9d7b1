#pragma once
/// \file
/// A column-oriented result table (villages.csv, kecamatan.csv, villages.gpkg): text, integer
/// or real columns, NaN meaning "no value" (empty CSV cell, NULL field).

#include <string>
#include <vector>

namespace riskmap {

struct TableColumn {
    enum class Kind { Text, Integer, Real };
    std::string name;
    Kind kind = Kind::Real;
    std::vector<std::string> text; ///< Kind::Text
    std::vector<double> number;    ///< Kind::Integer and Kind::Real
};

struct Table {
    std::vector<TableColumn> columns;
    /// Row order for writing (the ranking); empty means natural order.
    std::vector<std::size_t> order;

    std::size_t rows() const {
        if (columns.empty())
            return 0;
        const auto& c = columns.front();
        return c.kind == TableColumn::Kind::Text ? c.text.size() : c.number.size();
    }
    TableColumn& add_text(std::string name) {
        return columns.emplace_back(TableColumn{std::move(name), TableColumn::Kind::Text, {}, {}});
    }
    TableColumn& add_real(std::string name, std::vector<double> values) {
        return columns.emplace_back(
            TableColumn{std::move(name), TableColumn::Kind::Real, {}, std::move(values)});
    }
    TableColumn& add_integer(std::string name, std::vector<double> values) {
        return columns.emplace_back(
            TableColumn{std::move(name), TableColumn::Kind::Integer, {}, std::move(values)});
    }
};

} // namespace riskmap
