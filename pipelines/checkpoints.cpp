#include "pipelines/checkpoints.hpp"

#include "core/error.hpp"
#include "io/checksum.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>

namespace riskmap {

namespace fs = std::filesystem;

namespace {
constexpr const char* kFolder = ".riskmap-resume";

std::string fingerprint(const JobState& s) {
    std::string text;
    // Not [run] threads, tile_size, work_memory: the tiles are the same bytes whatever they are.
    for (const auto& [key, value] : s.config.resolved)
        if (!key.starts_with("run."))
            text += key + "=" + value + "\n";
    for (const auto& [file, sum] : s.checksums)
        text += file + ":" + sum + "\n";
    return io::sha256_text(text).substr(0, 24);
}
} // namespace

TileCheckpoints::TileCheckpoints(const JobState& state, bool resume)
    : dir_(fs::path(state.config.output_dir) / kFolder / fingerprint(state)), resume_(resume) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec)
        throw Error("cannot create '" + dir_.string() + "': " + ec.message());
}

fs::path TileCheckpoints::file_of(const Rect& c) const {
    return dir_ / ("tile-" + std::to_string(c.x0) + "-" + std::to_string(c.y0) + "-" +
                   std::to_string(c.width) + "-" + std::to_string(c.height) + ".tif");
}

bool TileCheckpoints::has(const Rect& core) const {
    return resume_ && fs::exists(file_of(core));
}

std::vector<Layer<float>> TileCheckpoints::load(const Rect& core, std::size_t bands) const {
    const std::string path = file_of(core).string();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds || ds->GetRasterCount() != static_cast<int>(bands) ||
        ds->GetRasterXSize() != core.width || ds->GetRasterYSize() != core.height)
        throw Error("checkpoint '" + path + "' is not a tile of this run; delete the folder '" +
                    dir_.string() + "' and run again");
    std::vector<Layer<float>> out;
    for (std::size_t b = 0; b < bands; ++b) {
        out.emplace_back(core.width, core.height);
        if (ds->GetRasterBand(static_cast<int>(b) + 1)
                ->RasterIO(GF_Read, 0, 0, core.width, core.height, out.back().data(), core.width,
                           core.height, GDT_Float32, 0, 0) != CE_None)
            throw Error("cannot read checkpoint '" + path + "'" + io::gdal_last_error());
    }
    return out;
}

void TileCheckpoints::save(const Rect& core, const std::vector<const Layer<float>*>& layers) const {
    const fs::path final_path = file_of(core);
    const std::string part = final_path.string() + ".part";
    CPLStringList options;
    options.SetNameValue("COMPRESS", "ZSTD");
    options.SetNameValue("ZSTD_LEVEL", "1");
    options.SetNameValue("INTERLEAVE", "BAND");
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLErrorReset();
    const auto failed = [&] {
        const std::string cause = io::write_failure_cause(part) + io::gdal_last_error();
        std::error_code ec;
        fs::remove(part, ec); // never leave a partial checkpoint
        throw Error("cannot write checkpoint '" + part + "'" + cause);
    };
    // A .part left by a killed run is garbage; GDAL's Create would first try to read it (to
    // delete its side files) and fail on the truncated TIFF.
    std::error_code stale;
    fs::remove(part, stale);
    CPLErrorReset();
    {
        GDALDatasetUniquePtr ds(gtiff->Create(part.c_str(), core.width, core.height,
                                              static_cast<int>(layers.size()), GDT_Float32,
                                              options.List()));
        if (!ds)
            failed();
        for (std::size_t b = 0; b < layers.size(); ++b)
            if (ds->GetRasterBand(static_cast<int>(b) + 1)
                    ->RasterIO(GF_Write, 0, 0, core.width, core.height,
                               const_cast<float*>(layers[b]->data()), core.width, core.height,
                               GDT_Float32, 0, 0) != CE_None)
                failed();
    }
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        failed();
    std::error_code ec;
    fs::rename(part, final_path, ec);
    if (ec)
        throw Error("cannot keep checkpoint '" + final_path.string() + "': " + ec.message());
}

void TileCheckpoints::discard_all(const std::string& output_dir) {
    std::error_code ec;
    fs::remove_all(fs::path(output_dir) / kFolder, ec);
}

} // namespace riskmap
