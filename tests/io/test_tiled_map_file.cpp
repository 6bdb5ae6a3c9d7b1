#include "io/tile_io.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"
#include "io/pyramid.hpp"
#include "support/fixtures.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

using namespace riskmap;
using riskmap::test::TempDir;

namespace {
/// A smooth field, NaN on a diagonal band (a coast) and in one corner.
Layer<float> field(int w, int h) {
    Layer<float> out(w, h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c)
            out(r, c) = std::abs(r - c) < 9 || (r < 40 && c < 70)
                            ? std::nanf("")
                            : 0.25f + 0.001f * static_cast<float>(r % 97) + 1e-4f * float(c);
    return out;
}

/// Writes `values` into a work file in 512-pixel tiles, as the map stages do.
template <class T> void write_tiles(io::TiledMapFile& file, const Layer<T>& values) {
    for (int y0 = 0; y0 < values.height(); y0 += 512)
        for (int x0 = 0; x0 < values.width(); x0 += 512) {
            const Rect rect{x0, y0, std::min(512, values.width() - x0),
                            std::min(512, values.height() - y0)};
            Layer<T> tile(rect.width, rect.height);
            for (int r = 0; r < rect.height; ++r)
                for (int c = 0; c < rect.width; ++c)
                    tile(r, c) = values(y0 + r, x0 + c);
            file.write(rect, tile.data());
        }
}

template <class T> Layer<T> read_band(GDALRasterBand& band) {
    Layer<T> out(band.GetXSize(), band.GetYSize());
    const GDALDataType type = std::is_same_v<T, float> ? GDT_Float32 : GDT_Byte;
    EXPECT_EQ(band.RasterIO(GF_Read, 0, 0, out.width(), out.height(), out.data(), out.width(),
                            out.height(), type, 0, 0),
              CE_None);
    return out;
}

template <class T> bool same(const Layer<T>& a, const Layer<T>& b) {
    if (a.width() != b.width() || a.height() != b.height())
        return false;
    return std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
} // namespace

TEST(TiledMapFile, CogOverviewsAreTheBlockMeansOfTheTiles) {
    TempDir dir;
    const Grid grid = test::utm_grid(1100, 700);
    const Layer<float> values = field(grid.width, grid.height);
    const std::string work = dir / "work.tif", cog = dir / "map.tif";
    {
        io::TiledMapFile file(work, grid, io::PixelType::Float32, io::MapInfo{},
                              io::Overviews::FromTiles);
        write_tiles(file, values);
        file.finish(cog, 2);
        EXPECT_TRUE(std::filesystem::exists(work)) << "readable until discarded";
        file.discard();
        EXPECT_FALSE(std::filesystem::exists(work));
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(cog.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
    GDALRasterBand& band = *ds->GetRasterBand(1);
    EXPECT_TRUE(same(read_band<float>(band), values));
    const auto levels = io::mean_pyramid(values.view(), 2);
    ASSERT_EQ(band.GetOverviewCount(), 2); // as GDAL's COG driver would make (1100 -> 550 -> 275)
    for (int k = 0; k < 2; ++k)
        EXPECT_TRUE(same(read_band<float>(*band.GetOverview(k)), levels[std::size_t(k)]))
            << "level " << k + 1;
    const auto check = test::run_command(
        "/usr/bin/python3 -m osgeo_utils.samples.validate_cloud_optimized_geotiff -q '" + cog +
        "'");
    EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(TiledMapFile, ClassMapOverviewsAreTheBlockModes) {
    TempDir dir;
    const Grid grid = test::utm_grid(1030, 530);
    Layer<std::uint8_t> values(grid.width, grid.height);
    for (int r = 0; r < grid.height; ++r)
        for (int c = 0; c < grid.width; ++c)
            values(r, c) = std::uint8_t((r / 5 + c / 3) % 6); // 0 is nodata
    io::MapInfo info;
    info.palette = {{0, 0, 0, 0}, {189, 0, 38, 255}};
    const std::string cog = dir / "classes.tif";
    {
        io::TiledMapFile file(dir / "work.tif", grid, io::PixelType::Byte, info,
                              io::Overviews::FromTiles);
        write_tiles(file, values);
        file.finish(cog, 1);
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(cog.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    GDALRasterBand& band = *ds->GetRasterBand(1);
    const auto levels = io::mode_pyramid(values.view(), 2);
    ASSERT_EQ(band.GetOverviewCount(), 2);
    for (int k = 0; k < 2; ++k)
        EXPECT_TRUE(same(read_band<std::uint8_t>(*band.GetOverview(k)), levels[std::size_t(k)]));
}

TEST(TiledMapFile, ATileOffTheLatticeIsRefused) {
    TempDir dir;
    const Grid grid = test::utm_grid(1100, 700);
    io::TiledMapFile file(dir / "work.tif", grid, io::PixelType::Float32, io::MapInfo{},
                          io::Overviews::FromTiles);
    const Layer<float> tile(10, 10, 1.0f);
    EXPECT_THROW(file.write(Rect{3, 0, 10, 10}, tile.data()), Error);
}
