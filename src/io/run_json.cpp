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
            for (const auto& p : indicator.GetObj(level).GetArray("grid"))
                points.push_back({p.ToArray()[0].ToDouble(), p.ToArray()[1].ToDouble(),
                                  p.ToArray()[2].ToDouble()});
        }
    }
    return run;
}

} // namespace riskmap::io
