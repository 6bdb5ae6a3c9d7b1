#include "pipelines/code_crosswalk.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"

#include <algorithm>

namespace riskmap {

CodeCrosswalk::CodeCrosswalk(const std::string& path, AreaUnit unit) : path_(path) {
    io::CsvReader csv(path);
    if (csv.header().size() < 2)
        throw InputError("'" + path +
                         "': a crosswalk needs two columns (the records' code, "
                         "the polygons' code); the header has " +
                         std::to_string(csv.header().size()));
    io::CsvRow row;
    while (csv.next(row)) {
        const auto from = normalise_area_code(row.fields[0], unit);
        const auto to = normalise_area_code(row.fields[1], unit);
        for (const auto* code : {&from, &to})
            if (!code->ok())
                throw InputError("'" + path + "' line " + std::to_string(row.line) + ": " +
                                 code->problem);
        auto& targets = to_[from.digits];
        if (std::find(targets.begin(), targets.end(), to.digits) != targets.end())
            throw InputError("'" + path + "' line " + std::to_string(row.line) + ": " +
                             dotted_code(from.digits) + " -> " + dotted_code(to.digits) +
                             " is listed twice");
        targets.push_back(to.digits);
    }
}

NormalisedCode CodeCrosswalk::polygon_code(const std::string& record_code) const {
    const auto it = to_.find(record_code);
    if (it == to_.end())
        return {"",
                "code " + dotted_code(record_code) + " is not in the crosswalk '" + path_ + "'"};
    if (it->second.size() > 1) {
        std::string list;
        for (const auto& code : it->second)
            list += (list.empty() ? "" : ", ") + dotted_code(code);
        return {"", "code " + dotted_code(record_code) + " maps to " +
                        std::to_string(it->second.size()) + " polygons in the crosswalk (" + list +
                        "); ambiguous: its counts cannot be split"};
    }
    return {it->second.front(), ""};
}

} // namespace riskmap
