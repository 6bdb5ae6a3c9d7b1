#include "io/info.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/csv.hpp"
#include "io/cube.hpp"
#include "io/gdal_env.hpp"

#include <cpl_json.h>

#include <algorithm>
#include <filesystem>

namespace riskmap::io {

namespace fs = std::filesystem;

namespace {
std::string crs_name(GDALDataset& ds) {
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (!srs)
        return "no CRS";
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    return auth && code ? std::string(auth) + ":" + code : std::string(srs->GetName());
}

std::string describe_raster(const std::string& path) {
    auto ds = open_raster(path);
    GDALRasterBand* band = ds->GetRasterBand(1);
    int overviews = band->GetOverviewCount();
    std::string out = fs::path(path).filename().string() + ": " +
                      std::to_string(ds->GetRasterXSize()) + " x " +
                      std::to_string(ds->GetRasterYSize()) + ", " + crs_name(*ds) + ", " +
                      GDALGetDataTypeName(band->GetRasterDataType()) + ", " +
                      std::to_string(overviews) + " overview(s)";
    if (*band->GetDescription())
        out += "\n    " + std::string(band->GetDescription());
    if (*band->GetUnitType())
        out += " [" + std::string(band->GetUnitType()) + "]";
    return out + "\n";
}

std::string describe_run(const std::string& json_path) {
    CPLJSONDocument doc;
    if (!doc.Load(json_path))
        throw InputError("'" + json_path + "': not a readable run.json");
    const CPLJSONObject root = doc.GetRoot();
    const CPLJSONObject counts = root.GetObj("counts");
    const CPLJSONObject cfg = root.GetObj("config");
    std::string out = "run: riskmap " + root.GetString("riskmap_version") + ", period " +
                      cfg.GetString("inputs.period", "-") + ", config " +
                      root.GetString("config_file", "-") + "\n";
    out += "villages " + std::to_string(counts.GetInteger("villages")) + ", records read " +
           std::to_string(counts.GetInteger("records_read")) + ", joined " +
           std::to_string(counts.GetInteger("records_joined")) + ", rejected " +
           std::to_string(counts.GetInteger("records_rejected")) + "\n";
    double total = 0;
    for (const auto& t : root.GetObj("timings_s").GetChildren())
        total += t.ToDouble();
    out += "time in stages: " + format_double(total, 3) + " s\n";
    for (const auto& w : root.GetArray("warnings"))
        out += "warning: " + w.ToString() + "\n";
    return out;
}

/// What a run's priority score adds up: each indicator's name, priority weight and the words
/// for its cases (its numerator column, "maternal_deaths" -> "maternal deaths").
struct ScoreTerm {
    std::string indicator, weight, cases;
};

std::vector<ScoreTerm> score_terms(const std::string& json_path) {
    std::vector<ScoreTerm> terms;
    CPLJSONDocument doc;
    if (!doc.Load(json_path))
        return terms;
    for (const auto& item : doc.GetRoot().GetObj("config").GetChildren()) {
        const std::string key = item.GetName(), suffix = ".priority_weight";
        if (key.rfind("indicator.", 0) != 0 || key.size() <= suffix.size() ||
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const std::string name = key.substr(10, key.size() - 10 - suffix.size());
        std::string cases =
            doc.GetRoot().GetObj("config").GetString("indicator." + name + ".numerator", name);
        std::replace(cases.begin(), cases.end(), '_', ' ');
        terms.push_back({name, item.ToString(), cases});
    }
    return terms;
}

/// "score 143 = 1 x 93.3 excess children stunted + 200 x 0.249 excess maternal deaths; rank 1
/// (95 %: 1-7), P(top) 1.00": the key of the ranking, from the table's own columns.
std::string top_villages(const std::string& csv_path, const std::vector<ScoreTerm>& terms,
                         std::size_t count) {
    CsvReader csv(csv_path);
    const std::size_t code = csv.column("code"), name = csv.column("name"),
                      rank = csv.column("priority_rank"), score = csv.column("priority_score");
    const auto optional = [&](const std::string& column) {
        const auto& h = csv.header();
        const auto it = std::find(h.begin(), h.end(), column);
        return it == h.end() ? h.size() : static_cast<std::size_t>(it - h.begin());
    };
    std::string out = "highest priority villages (score = priority weight x expected excess "
                      "cases a quarter):\n";
    CsvRow row;
    const auto cell = [&](std::size_t c, int digits) {
        return c < row.fields.size() && !row.fields[c].empty()
                   ? format_double(parse_double(row.fields[c]).value_or(0), digits)
                   : std::string("-");
    };
    for (std::size_t i = 0; i < count && csv.next(row); ++i) {
        std::string key;
        for (const auto& t : terms)
            key += (key.empty() ? "" : " + ") + t.weight + " x " +
                   cell(optional(t.indicator + "_excess"), 3) + " excess " + t.cases;
        out += "  " + row.fields[rank] + ". " + row.fields[code] + " " + row.fields[name] +
               ": score " + cell(score, 3) + (key.empty() ? "" : " = " + key) + "; rank 95 % " +
               cell(optional("priority_rank_lo"), 6) + "-" + cell(optional("priority_rank_hi"), 6) +
               ", P(top) " + cell(optional("priority_p_top"), 2) + "\n";
    }
    return out;
}

/// Periods (from the cube) and layers (GDAL's netCDF subdatasets) of a quarterly cube.
std::string describe_cube(const std::string& path) {
    const auto periods = cube_periods(path);
    std::string out =
        "quarterly cube " + path + ": " + std::to_string(periods.size()) + " quarter(s)";
    for (const auto& p : periods)
        out += " " + p;
    out += "\n  layers:";
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    char** subdatasets = ds ? ds->GetMetadata("SUBDATASETS") : nullptr;
    for (char** item = subdatasets; item && *item; ++item) {
        const std::string entry(*item);
        const auto eq = entry.find('=');
        if (entry.find("_NAME=") == std::string::npos || eq == std::string::npos)
            continue;
        out += " " + entry.substr(entry.rfind(':') + 1);
    }
    return out + "\n";
}

std::string describe_folder(const fs::path& dir) {
    std::string out = "riskmap output folder " + dir.string() + "\n";
    if (fs::exists(dir / "run.json"))
        out += describe_run((dir / "run.json").string());
    std::vector<std::string> maps;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".tif")
            maps.push_back(e.path().string());
    std::sort(maps.begin(), maps.end());
    out += "maps (" + std::to_string(maps.size()) + "):\n";
    for (const auto& m : maps)
        out += "  " + describe_raster(m);
    if (fs::exists(dir / "riskmap.nc"))
        out += describe_cube((dir / "riskmap.nc").string());
    if (fs::exists(dir / "villages.csv"))
        out += top_villages((dir / "villages.csv").string(),
                            score_terms((dir / "run.json").string()), 5);
    return out;
}
} // namespace

std::string describe(const std::string& path) {
    init_gdal();
    if (!fs::exists(path))
        throw InputError("'" + path + "': not found");
    if (fs::is_directory(path))
        return describe_folder(path);
    if (fs::path(path).filename() == "run.json")
        return describe_run(path);
    if (fs::path(path).extension() == ".nc")
        return describe_cube(path);
    return describe_raster(path);
}

} // namespace riskmap::io
