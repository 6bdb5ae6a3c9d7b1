#include "io/tile_io.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cpl_string.h>
#include <gdal_utils.h>

#include <cmath>
#include <cstdio>
#include <limits>

namespace riskmap::io {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

const char* resampling_name(Resampling r) {
    switch (r) {
    case Resampling::Average:
        return "average";
    case Resampling::Nearest:
        return "near";
    case Resampling::Bilinear:
        break;
    }
    return "bilinear";
}

/// Work files are written once and read back once; fast compression keeps national-size
/// work files small (mostly sea) without costing much time.
CPLStringList work_file_options() {
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", "512");
    options.SetNameValue("BLOCKYSIZE", "512");
    options.SetNameValue("COMPRESS", "ZSTD");
    options.SetNameValue("ZSTD_LEVEL", "1");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    return options;
}

[[noreturn]] void write_failed(const std::string& path) {
    throw Error("cannot write '" + path + "'" + write_failure_cause(path) + gdal_last_error());
}

void check_gdal_state(const std::string& path) {
    // GDAL 3.6 reports failures while flushing and closing (disk full) only through the error
    // state, not a return value.
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        write_failed(path);
}
} // namespace

GridBandReader::GridBandReader(const std::string& path, const Grid& grid, std::string shown_path)
    : shown_path_(std::move(shown_path)), ds_(open_raster(path)) {
    if (ds_->GetRasterXSize() != grid.width || ds_->GetRasterYSize() != grid.height)
        throw InputError("'" + shown_path_ + "': size differs from the analysis grid");
    int has = 0;
    nodata_ = ds_->GetRasterBand(1)->GetNoDataValue(&has);
    has_nodata_ = has && !std::isnan(nodata_);
}

Layer<float> GridBandReader::read(const Rect& rect) const {
    Layer<float> out(rect.width, rect.height);
    {
        std::lock_guard lock(mutex_);
        if (ds_->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width, rect.height,
                                            out.data(), rect.width, rect.height, GDT_Float32, 0,
                                            0) != CE_None)
            throw InputError("'" + shown_path_ + "': pixels cannot be read" + gdal_last_error());
    }
    const float nd = static_cast<float>(nodata_);
    for (int r = 0; r < rect.height; ++r) {
        for (int c = 0; c < rect.width; ++c) {
            float& v = out(r, c);
            if (has_nodata_ && v == nd)
                v = kNaN;
            else if (std::isinf(v))
                throw InputError("'" + shown_path_ + "': pixel (row " +
                                 std::to_string(rect.y0 + r) + ", col " +
                                 std::to_string(rect.x0 + c) + ") is infinite; set it to nodata");
        }
    }
    return out;
}

void warp_to_grid_file(const std::string& path, const Grid& grid, Resampling resampling,
                       const std::string& work_path, int threads) {
    auto src = open_raster(path);
    read_grid(path); // checks the CRS and geotransform, naming the file
    const auto& gt = grid.geotransform;
    const double x_max = gt[0] + gt[1] * grid.width;
    const double y_min = gt[3] + gt[5] * grid.height;
    CPLStringList args;
    for (const std::string& a : {std::string("-of"),
                                 std::string("GTiff"),
                                 std::string("-ot"),
                                 std::string("Float32"),
                                 std::string("-t_srs"),
                                 grid.crs_wkt,
                                 std::string("-te"),
                                 format_double(gt[0]),
                                 format_double(y_min),
                                 format_double(x_max),
                                 format_double(gt[3]),
                                 std::string("-ts"),
                                 std::to_string(grid.width),
                                 std::to_string(grid.height),
                                 std::string("-r"),
                                 std::string(resampling_name(resampling)),
                                 std::string("-dstnodata"),
                                 std::string("nan"),
                                 std::string("-wm"),
                                 std::string("256"),
                                 std::string("-multi"),
                                 std::string("-wo"),
                                 "NUM_THREADS=" + std::to_string(std::max(1, threads))})
        args.AddString(a.c_str());
    const CPLStringList create = work_file_options();
    for (int i = 0; i < create.size(); ++i) {
        args.AddString("-co");
        args.AddString(create[i]);
    }
    std::unique_ptr<GDALWarpAppOptions, decltype(&GDALWarpAppOptionsFree)> options(
        GDALWarpAppOptionsNew(args.List(), nullptr), GDALWarpAppOptionsFree);
    GDALDatasetH source = GDALDataset::ToHandle(src.get());
    int usage_error = 0;
    CPLErrorReset();
    GDALDatasetUniquePtr warped(GDALDataset::FromHandle(
        GDALWarp(work_path.c_str(), nullptr, 1, &source, options.get(), &usage_error)));
    if (!warped)
        throw InputError("'" + path + "': cannot be warped onto the analysis grid" +
                         gdal_last_error());
    warped.reset();
    check_gdal_state(work_path);
}

TiledMapFile::TiledMapFile(std::string work_path, const Grid& grid, GDALDataType type,
                           const MapInfo& info)
    : work_path_(std::move(work_path)), type_(type), info_(info) {
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLErrorReset();
    ds_.reset(gtiff->Create(work_path_.c_str(), grid.width, grid.height, 1, type,
                            work_file_options().List()));
    if (!ds_)
        write_failed(work_path_);
    auto gt = grid.geotransform;
    ds_->SetGeoTransform(gt.data());
    ds_->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds_->GetRasterBand(1);
    band->SetDescription(info.description.c_str());
    band->SetUnitType(info.units.c_str());
    for (const auto& [key, value] : info.metadata) {
        band->SetMetadataItem(key.c_str(), value.c_str());
        ds_->SetMetadataItem(key.c_str(), value.c_str());
    }
    if (type == GDT_Byte) {
        band->SetNoDataValue(0);
        GDALColorTable table;
        for (std::size_t i = 0; i < info.palette.size(); ++i) {
            const auto& c = info.palette[i];
            const GDALColorEntry entry{c[0], c[1], c[2], c[3]};
            table.SetColorEntry(static_cast<int>(i), &entry);
        }
        band->SetColorTable(&table);
    } else {
        band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    }
}

TiledMapFile::~TiledMapFile() {
    ds_.reset();
    std::remove(work_path_.c_str()); // a finished or abandoned work file
}

void TiledMapFile::write_raw(const Rect& rect, const void* values, GDALDataType type) {
    if (ds_->GetRasterBand(1)->RasterIO(GF_Write, rect.x0, rect.y0, rect.width, rect.height,
                                        const_cast<void*>(values), rect.width, rect.height, type, 0,
                                        0) != CE_None)
        throw Error("cannot write '" + work_path_ + "'" + gdal_last_error());
}

void TiledMapFile::write(const Rect& rect, const float* values) {
    write_raw(rect, values, GDT_Float32);
}

void TiledMapFile::write(const Rect& rect, const std::uint8_t* values) {
    write_raw(rect, values, GDT_Byte);
}

Layer<float> TiledMapFile::read(const Rect& rect) {
    Layer<float> out(rect.width, rect.height);
    std::lock_guard lock(mutex_);
    if (ds_->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width, rect.height,
                                        out.data(), rect.width, rect.height, GDT_Float32, 0,
                                        0) != CE_None)
        throw Error("cannot read '" + work_path_ + "'" + gdal_last_error());
    if (type_ == GDT_Byte)
        for (float& v : out.values())
            if (v == 0)
                v = kNaN;
    return out;
}

std::string TiledMapFile::finish(const std::string& path, int threads) {
    CPLErrorReset();
    ds_->FlushCache();
    check_gdal_state(work_path_);
    // Classes are categories: overviews take the most common class, never an average.
    write_cog(*ds_, path, type_ == GDT_Byte ? "MODE" : "AVERAGE", threads);
    ds_.reset();
    std::remove(work_path_.c_str());
    if (info_.category_names.empty())
        return "";
    // TIFF has no place for category names; GDAL keeps them in the .aux.xml beside the file,
    // written here without touching the COG's own bytes.
    GDALDatasetUniquePtr reopened(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!reopened)
        throw Error("cannot reopen '" + path + "'" + gdal_last_error());
    CPLStringList list;
    for (const auto& n : info_.category_names)
        list.AddString(n.c_str());
    reopened->GetRasterBand(1)->SetCategoryNames(list.List());
    return path + ".aux.xml";
}

} // namespace riskmap::io
