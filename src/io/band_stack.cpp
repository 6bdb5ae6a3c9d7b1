#include "io/band_stack.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/staged_output.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>

#include <filesystem>

namespace riskmap::io {

void write_band_stack(const std::string& path, const std::vector<const Layer<float>*>& layers,
                      const std::string& what) {
    const int width = layers.front()->width(), height = layers.front()->height();
    CPLStringList options;
    add_fast_compression(options, Driver::GTiff);
    options.SetNameValue("INTERLEAVE", "BAND");
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const auto failed = [&] {
        const std::string cause = write_failure_cause(path) + gdal_last_error();
        std::error_code ec;
        std::filesystem::remove(path, ec); // never leave a partial file
        throw Error("cannot write " + what + " '" + path + "'" + cause);
    };
    // A file left by a killed run is garbage; GDAL's Create would first try to read it (to
    // delete its side files) and fail on the truncated TIFF.
    std::error_code stale;
    std::filesystem::remove(path, stale);
    CPLErrorReset();
    {
        GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), width, height,
                                              static_cast<int>(layers.size()), GDT_Float32,
                                              options.List()));
        if (!ds)
            failed();
        for (std::size_t b = 0; b < layers.size(); ++b)
            if (ds->GetRasterBand(static_cast<int>(b) + 1)
                    ->RasterIO(GF_Write, 0, 0, width, height, const_cast<float*>(layers[b]->data()),
                               width, height, GDT_Float32, 0, 0) != CE_None)
                failed();
    }
    // GDAL 3.6 reports failures while flushing and closing (disk full) only in its error state.
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        failed();
}

std::optional<std::vector<Layer<float>>> read_band_stack(const std::string& path, int width,
                                                         int height, std::size_t bands,
                                                         const std::vector<bool>& wanted) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds || ds->GetRasterCount() != static_cast<int>(bands) || ds->GetRasterXSize() != width ||
        ds->GetRasterYSize() != height)
        return std::nullopt;
    std::vector<Layer<float>> out;
    for (std::size_t b = 0; b < bands; ++b) {
        if (!wanted.empty() && !wanted[b]) {
            out.emplace_back();
            continue;
        }
        out.emplace_back(width, height);
        if (ds->GetRasterBand(static_cast<int>(b) + 1)
                ->RasterIO(GF_Read, 0, 0, width, height, out.back().data(), width, height,
                           GDT_Float32, 0, 0) != CE_None)
            throw Error("cannot read '" + path + "'" + gdal_last_error());
    }
    return out;
}

} // namespace riskmap::io
