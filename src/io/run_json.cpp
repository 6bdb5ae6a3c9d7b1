#include "io/run_json.hpp"

#include "core/error.hpp"

#include <cpl_json.h>

namespace riskmap::io {

RunRecord read_run_json(const std::string& path) {
    CPLJSONDocument doc;
    if (!doc.Load(path))
        throw InputError("'" + path + "': not a readable run.json");
    const CPLJSONObject root = doc.GetRoot();
    RunRecord run;
    for (const auto& item : root.GetObj("config").GetChildren())
        run.config[item.GetName()] = item.ToString();
    for (const auto& indicator : root.GetObj("uncertainty").GetChildren()) {
        if (indicator.GetType() != CPLJSONObject::Type::Object)
            continue;
        for (const char* level : {"villages", "kecamatan"}) {
            auto& points = run.grids[indicator.GetName() + "/" + level];
            for (const auto& p : indicator.GetObj(level).GetArray("grid")) {
                const auto v = p.ToArray();
                points.push_back({v[0].ToDouble(), v[1].ToDouble(), v[2].ToDouble(),
                                  v.Size() > 3 ? v[3].ToDouble() : 0.0});
            }
        }
    }
    return run;
}

} // namespace riskmap::io
