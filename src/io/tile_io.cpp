#include "io/tile_io.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/pyramid.hpp"
#include "io/staged_output.hpp"

#include <cpl_string.h>
#include <gdal_utils.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>

namespace riskmap::io {

namespace {
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
    add_fast_compression(options, Driver::GTiff);
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

void DatasetCloser::operator()(Dataset* dataset) const {
    delete dataset;
}

GridBandReader::GridBandReader(const std::string& path, const Grid& grid, std::string shown_path)
    : shown_path_(std::move(shown_path)), ds_(new Dataset{open_raster(path)}) {
    GDALDataset& file = *ds_->file;
    if (file.GetRasterXSize() != grid.width || file.GetRasterYSize() != grid.height)
        throw InputError("'" + shown_path_ + "': size differs from the analysis grid");
    nodata_ = float_nodata(file);
}

Layer<float> GridBandReader::read(const Rect& rect) const {
    Layer<float> out(rect.width, rect.height);
    {
        std::lock_guard lock(mutex_);
        if (ds_->file->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width,
                                                  rect.height, out.data(), rect.width, rect.height,
                                                  GDT_Float32, 0, 0) != CE_None)
            throw InputError("'" + shown_path_ + "': pixels cannot be read" + gdal_last_error());
    }
    nodata_to_nan(out, nodata_);
    check_finite(out, shown_path_, rect.y0, rect.x0);
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

namespace {
/// A COG's block side, and the most overview levels made from tiles: tiles start on
/// multiples of 512 = 2^9, so levels up to 9 align with them (grids up to 262,144 pixels on
/// a side; larger ones leave their overviews to GDAL).
constexpr int kCogBlock = 512;
constexpr int kMaxTileLevels = 9;

GDALDataType gdal_type(PixelType type) {
    return type == PixelType::Byte ? GDT_Byte : GDT_Float32;
}

void write_band(const std::string& path, GDALRasterBand& band, const Rect& rect, const void* values,
                GDALDataType type) {
    // A write can push older blocks out of GDAL's cache into the file; a failure there (disk
    // full) is only in this thread's error state, and would leave a hole in the map.
    CPLErrorReset();
    if (band.RasterIO(GF_Write, rect.x0, rect.y0, rect.width, rect.height,
                      const_cast<void*>(values), rect.width, rect.height, type, 0, 0) != CE_None)
        write_failed(path);
    check_gdal_state(path);
}

int tile_levels(const Grid& grid, Overviews overviews) {
    const int levels = io::cog_overview_levels(grid.width, grid.height, kCogBlock);
    return overviews == Overviews::FromTiles && levels <= kMaxTileLevels ? levels : 0;
}
} // namespace

TiledMapFile::TiledMapFile(std::string work_path, const Grid& grid, PixelType type,
                           const MapInfo& info, Overviews overviews)
    : work_path_(std::move(work_path)), type_(type), info_(info),
      levels_(tile_levels(grid, overviews)) {
    init_gdal();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLErrorReset();
    GDALDatasetUniquePtr file(gtiff->Create(work_path_.c_str(), grid.width, grid.height, 1,
                                            gdal_type(type_), work_file_options().List()));
    if (!file)
        write_failed(work_path_);
    ds_.reset(new Dataset{std::move(file)});
    GDALDataset& ds = *ds_->file;
    auto gt = grid.geotransform;
    ds.SetGeoTransform(gt.data());
    ds.SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds.GetRasterBand(1);
    band->SetDescription(info.description.c_str());
    band->SetUnitType(info.units.c_str());
    for (const auto& [key, value] : info.metadata) {
        band->SetMetadataItem(key.c_str(), value.c_str());
        ds.SetMetadataItem(key.c_str(), value.c_str());
    }
    if (type_ == PixelType::Byte) {
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
    if (levels_ == 0)
        return;
    std::vector<int> factors;
    for (int k = 1; k <= levels_; ++k)
        factors.push_back(1 << k);
    // "NONE": the levels are made empty, to be filled by write().
    if (ds.BuildOverviews("NONE", levels_, factors.data(), 0, nullptr, nullptr, nullptr, nullptr) !=
        CE_None)
        write_failed(work_path_);
}

TiledMapFile::~TiledMapFile() {
    discard();
}

void TiledMapFile::discard() {
    if (ds_) {
        // Blocks still in GDAL's cache are dropped, not compressed and written: the file is
        // deleted anyway (a grid whose work rasters fit in the cache never writes them).
        ds_->file->MarkSuppressOnClose();
        ds_.reset();
    }
    std::remove(work_path_.c_str()); // a finished or abandoned work file
}

void TiledMapFile::check_aligned(const Rect& rect) const {
    if (rect.x0 % (1 << levels_) != 0 || rect.y0 % (1 << levels_) != 0)
        throw Error("'" + work_path_ + "': a tile written with overviews must start on a " +
                    "multiple of " + std::to_string(1 << levels_) + " pixels");
}

template <class T>
void TiledMapFile::write_levels(const Rect& rect, const std::vector<Layer<T>>& levels) {
    GDALRasterBand* band = ds_->file->GetRasterBand(1);
    const GDALDataType buffer = std::is_same_v<T, float> ? GDT_Float32 : GDT_Byte;
    for (int k = 1; k <= levels_; ++k) {
        const Layer<T>& level = levels[std::size_t(k - 1)];
        const Rect at{rect.x0 >> k, rect.y0 >> k, level.width(), level.height()};
        write_band(work_path_, *band->GetOverview(k - 1), at, level.data(), buffer);
    }
}

void TiledMapFile::write(const Rect& rect, const float* values) {
    write_band(work_path_, *ds_->file->GetRasterBand(1), rect, values, GDT_Float32);
    if (levels_ == 0)
        return;
    check_aligned(rect);
    const LayerView<const float> tile{values, rect.width, rect.height, rect.width};
    write_levels(rect, io::mean_pyramid(tile, levels_));
}

void TiledMapFile::write(const Rect& rect, const std::uint8_t* values) {
    write_band(work_path_, *ds_->file->GetRasterBand(1), rect, values, GDT_Byte);
    if (levels_ == 0)
        return;
    check_aligned(rect);
    const LayerView<const std::uint8_t> tile{values, rect.width, rect.height, rect.width};
    write_levels(rect, io::mode_pyramid(tile, levels_));
}

Layer<float> TiledMapFile::read(const Rect& rect) {
    Layer<float> out(rect.width, rect.height);
    std::lock_guard lock(mutex_);
    if (ds_->file->GetRasterBand(1)->RasterIO(GF_Read, rect.x0, rect.y0, rect.width, rect.height,
                                              out.data(), rect.width, rect.height, GDT_Float32, 0,
                                              0) != CE_None)
        throw Error("cannot read '" + work_path_ + "'" + gdal_last_error());
    if (type_ == PixelType::Byte)
        nodata_to_nan(out, 0.0f); // a class map's nodata
    return out;
}

std::string TiledMapFile::finish(const std::string& path, int threads) {
    // The COG driver reads the work raster through the block cache: blocks still there are
    // copied from memory, the rest decoded from the file (a block the cache could not write
    // out was reported by the write that pushed it out).
    // Classes are categories: overviews take the most common class, never an average.
    write_cog(*ds_->file, path, type_ == PixelType::Byte ? "MODE" : "AVERAGE", threads);
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
