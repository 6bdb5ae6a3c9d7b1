#include "pipelines/puskesmas_table.hpp"

#include "core/error.hpp"
#include "core/names.hpp"
#include "io/csv.hpp"

#include <algorithm>

namespace riskmap {

PuskesmasTable::PuskesmasTable(const std::string& path, AreaUnit unit) : path_(path) {
    io::CsvReader csv(path);
    if (csv.header().size() < 2)
        throw InputError("'" + path +
                         "': a puskesmas table needs two columns (puskesmas, the "
                         "code of the area it serves)");
    io::CsvRow row;
    while (csv.next(row)) {
        const std::string place = "'" + path + "' line " + std::to_string(row.line) + ": ";
        const std::string name = normalised_name(row.fields[0]);
        if (name.empty())
            throw InputError(place + "empty puskesmas name");
        const auto code = normalise_area_code(row.fields[1], unit);
        if (!code.ok())
            throw InputError(place + code.problem);
        const auto [it, fresh] = code_of_.emplace(name, code.digits);
        if (!fresh && it->second != code.digits)
            throw InputError(place + "puskesmas '" + row.fields[0] + "' is listed for " +
                             dotted_code(it->second) + " and " + dotted_code(code.digits) +
                             "; its counts cannot be split between areas");
        if (fresh)
            names_.push_back({std::string(trim_view(row.fields[0])), name});
    }
}

std::string_view PuskesmasTable::trim_view(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

PuskesmasTable::Match PuskesmasTable::find(std::string_view raw) const {
    const std::string name = normalised_name(raw);
    if (const auto it = code_of_.find(name); it != code_of_.end())
        return {it->second, name, ""};
    std::string closest;
    for (const std::string& shown : closest_names(name, names_))
        closest += (closest.empty() ? "" : ", ") + shown;
    return {"", "",
            "puskesmas '" + std::string(raw) + "' is not in the puskesmas table '" + path_ + "'" +
                (closest.empty() ? "" : " (closest: " + closest + ")")};
}

} // namespace riskmap
