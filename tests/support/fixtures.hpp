#pragma once
/// \file
/// Test helpers: temporary folders, running the real riskmap binary, writing small rasters and
/// polygon layers through GDAL, and config files.

#include "core/grid.hpp"
#include "core/layer.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace riskmap::test {

/// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string output; ///< stdout and stderr together
};

/// `riskmap run` arguments: the committed config `config` (a file in configs/) on the inputs of
/// a `riskmap synth` folder `data`, writing into `out`.
std::vector<std::string> synth_run_args(const std::string& config, const std::string& data,
                                        const std::string& out);

/// Runs build/riskmap with the arguments (each shell-quoted).
CommandResult run_riskmap(const std::vector<std::string>& args);

/// Runs a shell command line; output is stdout and stderr together.
CommandResult run_command(const std::string& command_line);

/// A UTM 49S grid of the given shape at `pixel` metres.
Grid utm_grid(int width, int height, double pixel = 100.0);

/// An EPSG:4326 grid near Jakarta of the given shape at `degrees` per pixel.
Grid geographic_grid(int width, int height, double degrees);

/// Single-band Float32 GeoTIFF; crs_wkt empty writes no CRS. NaN is nodata.
void write_raster(const std::string& path, const Grid& grid, const Layer<float>& values,
                  bool with_crs = true);

/// Axis-aligned rectangle polygon in the grid's CRS.
struct Rect {
    std::string code;
    double x0, y0, x1, y1;
    std::string name = {}; ///< written as nama_desa when any rectangle has one
};

/// GeoPackage layer "villages" with field kode_desa and (code, WKT) features; an empty WKT
/// writes a feature without geometry.
void write_wkt_villages(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& villages,
                        const std::string& crs_wkt, const std::vector<std::string>& names = {});

/// WKT of an axis-aligned rectangle.
std::string rect_wkt(double x0, double y0, double x1, double y1);

/// GeoPackage layer "villages" with field kode_desa and the rectangles.
void write_rect_villages(const std::string& path, const std::vector<Rect>& rects,
                         const std::string& crs_wkt);

/// Writes a text file.
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

/// A plain CSV (no quoted commas) as rows of cells by column name, in file order.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path);

/// INI text from section -> (key, value) lines.
std::string ini(const std::map<std::string, std::map<std::string, std::string>>& sections);

/// Files in a folder (names only, sorted); empty when it does not exist.
std::vector<std::string> list_dir(const std::string& path);

} // namespace riskmap::test
