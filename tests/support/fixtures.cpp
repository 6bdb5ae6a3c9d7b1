#include "support/fixtures.hpp"

#include "core/numbers.hpp"
#include "io/gdal_env.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace riskmap::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    for (;;) {
        path_ = fs::temp_directory_path() / ("riskmap-test-" + std::to_string(rd()));
        if (fs::create_directory(path_))
            break;
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

namespace {
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
} // namespace

CommandResult run_riskmap(const std::vector<std::string>& args) {
    std::string cmd = shell_quote(RISKMAP_BINARY);
    for (const auto& a : args)
        cmd += " " + shell_quote(a);
    return run_command(cmd);
}

CommandResult run_command(const std::string& command_line) {
    const std::string cmd = command_line + " 2>&1";
    CommandResult result;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe)
        throw std::runtime_error("cannot run " + cmd);
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
        result.output.append(buf.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

namespace {
Grid grid_in_epsg(int epsg, int width, int height, std::array<double, 6> geotransform) {
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    Grid g;
    g.width = width;
    g.height = height;
    g.geographic = srs.IsGeographic();
    g.geotransform = geotransform;
    g.crs_wkt = wkt;
    CPLFree(wkt);
    return g;
}
} // namespace

Grid utm_grid(int width, int height, double pixel) {
    return grid_in_epsg(32749, width, height, {400000, pixel, 0, 9230000, 0, -pixel});
}

Grid geographic_grid(int width, int height, double degrees) {
    return grid_in_epsg(4326, width, height, {106.8, degrees, 0, -6.2, 0, -degrees});
}

void write_raster(const std::string& path, const Grid& grid, const Layer<float>& values,
                  bool with_crs) {
    io::init_gdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(
        drv->Create(path.c_str(), grid.width, grid.height, 1, GDT_Float32, nullptr));
    auto gt = grid.geotransform;
    ds->SetGeoTransform(gt.data());
    if (with_crs)
        ds->SetProjection(grid.crs_wkt.c_str());
    ds->GetRasterBand(1)->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, grid.width, grid.height,
                                       const_cast<float*>(values.data()), grid.width, grid.height,
                                       GDT_Float32, 0, 0) != CE_None)
        throw std::runtime_error("cannot write " + path);
}

void write_wkt_villages(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& villages,
                        const std::string& crs_wkt, const std::vector<std::string>& names) {
    io::init_gdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromWkt(crs_wkt.c_str());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER); // x = east even for EPSG:4326
    OGRLayer* layer = ds->CreateLayer("villages", &srs, wkbUnknown, nullptr);
    OGRFieldDefn code("kode_desa", OFTString);
    layer->CreateField(&code);
    OGRFieldDefn name("nama_desa", OFTString);
    if (!names.empty())
        layer->CreateField(&name);
    // One transaction: SQLite would otherwise sync the file once per feature.
    ds->StartTransaction();
    for (std::size_t i = 0; i < villages.size(); ++i) {
        const auto& [code_text, wkt] = villages[i];
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("kode_desa", code_text.c_str());
        if (!names.empty())
            f.SetField("nama_desa", names[i].c_str());
        OGRGeometry* geom = nullptr;
        if (!wkt.empty() &&
            OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &geom) != OGRERR_NONE)
            throw std::runtime_error("bad test WKT " + wkt);
        f.SetGeometryDirectly(geom);
        if (layer->CreateFeature(&f) != OGRERR_NONE)
            throw std::runtime_error("cannot write feature to " + path);
    }
    if (ds->CommitTransaction() != OGRERR_NONE)
        throw std::runtime_error("cannot write " + path);
}

std::string rect_wkt(double x0, double y0, double x1, double y1) {
    const auto p = [](double x, double y) { return format_double(x) + " " + format_double(y); };
    return "POLYGON ((" + p(x0, y0) + ", " + p(x1, y0) + ", " + p(x1, y1) + ", " + p(x0, y1) +
           ", " + p(x0, y0) + "))";
}

void write_rect_villages(const std::string& path, const std::vector<Rect>& rects,
                         const std::string& crs_wkt) {
    std::vector<std::pair<std::string, std::string>> villages;
    std::vector<std::string> names;
    bool named = false;
    for (const auto& r : rects) {
        villages.emplace_back(r.code, rect_wkt(r.x0, r.y0, r.x1, r.y1));
        names.push_back(r.name);
        named = named || !r.name.empty();
    }
    write_wkt_villages(path, villages, crs_wkt, named ? names : std::vector<std::string>{});
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string ini(const std::map<std::string, std::map<std::string, std::string>>& sections) {
    std::string out;
    for (const auto& [section, keys] : sections) {
        out += "[" + section + "]\n";
        for (const auto& [k, v] : keys)
            out += k + " = " + v + "\n";
    }
    return out;
}

std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> names;
    if (!fs::exists(path))
        return names;
    for (const auto& e : fs::directory_iterator(path))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> synth_run_args(const std::string& config, const std::string& data,
                                        const std::string& out) {
    return {"run",
            "--config",
            std::string(RISKMAP_SOURCE_DIR) + "/configs/" + config,
            "--inputs.villages",
            data + "/villages.gpkg",
            "--inputs.records",
            data + "/records.csv",
            "--inputs.population",
            data + "/population.tif",
            "--inputs.sanitation",
            data + "/sanitation.tif",
            "--output.dir",
            out};
}

std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
    std::istringstream in(read_text(path));
    const auto split = [](const std::string& line) {
        std::vector<std::string> cells;
        std::stringstream cs(line);
        for (std::string c; std::getline(cs, c, ',');)
            cells.push_back(c);
        return cells;
    };
    std::string line;
    std::getline(in, line);
    const auto header = split(line);
    std::vector<std::map<std::string, std::string>> out;
    while (std::getline(in, line)) {
        auto cells = split(line);
        cells.resize(header.size());
        auto& row = out.emplace_back();
        for (std::size_t i = 0; i < header.size(); ++i)
            row[header[i]] = cells[i];
    }
    return out;
}

} // namespace riskmap::test
