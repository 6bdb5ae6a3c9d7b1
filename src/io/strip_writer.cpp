#include "io/strip_writer.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"

#include <algorithm>
#include <limits>

namespace riskmap::io {

namespace {
constexpr int kTile = 256;
}

StripWriter::StripWriter(const std::string& path, const Grid& grid, const std::string& description,
                         const std::string& units,
                         const std::vector<std::pair<std::string, std::string>>& metadata,
                         int threads)
    : path_(path), width_(grid.width) {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", std::to_string(kTile).c_str());
    options.SetNameValue("BLOCKYSIZE", std::to_string(kTile).c_str());
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("PREDICTOR", "3");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    options.SetNameValue("NUM_THREADS", std::to_string(std::max(1, threads)).c_str());
    GDALDatasetUniquePtr file(
        driver->Create(path.c_str(), grid.width, grid.height, 1, GDT_Float32, options.List()));
    if (!file)
        throw Error("cannot create '" + path + "'" + gdal_last_error());
    auto gt = grid.geotransform;
    file->SetGeoTransform(gt.data());
    file->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = file->GetRasterBand(1);
    band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    band->SetDescription(description.c_str());
    band->SetUnitType(units.c_str());
    for (const auto& [key, value] : metadata) {
        band->SetMetadataItem(key.c_str(), value.c_str());
        file->SetMetadataItem(key.c_str(), value.c_str());
    }
    ds_.reset(new Dataset{std::move(file)});
}

void StripWriter::write(int row0, int rows, const std::vector<float>& values) {
    CPLErrorReset();
    if (ds_->file->GetRasterBand(1)->RasterIO(GF_Write, 0, row0, width_, rows,
                                              const_cast<float*>(values.data()), width_, rows,
                                              GDT_Float32, 0, 0, nullptr) != CE_None)
        throw Error("cannot write '" + path_ + "'" + gdal_last_error());
    ds_->file->FlushCache(false);
    if (CPLGetLastErrorType() == CE_Failure)
        throw Error("cannot write '" + path_ + "'" + gdal_last_error());
}

void StripWriter::close() {
    CPLErrorReset();
    ds_.reset();
    if (CPLGetLastErrorType() == CE_Failure)
        throw Error("cannot finish '" + path_ + "'" + gdal_last_error());
}

} // namespace riskmap::io
