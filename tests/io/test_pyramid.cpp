#include "io/pyramid.hpp"

#include "io/gdal_env.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace riskmap;

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// Random values with about a tenth NaN, runs of NaN as on a coast.
Layer<float> noisy(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0, 1);
    Layer<float> out(w, h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c)
            out(r, c) = (c + r) % 37 < 3 || u(rng) < 0.05f ? kNaN : u(rng) * 100;
    return out;
}

/// GDAL's own overviews of `values` (a MEM dataset, `resampling` at factors 2, 4, ...).
template <class T>
std::vector<Layer<T>> gdal_levels(const Layer<T>& values, int levels, const char* resampling) {
    io::init_gdal();
    const GDALDataType type = std::is_same_v<T, float> ? GDT_Float32 : GDT_Byte;
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("MEM")->Create(
        "", values.width(), values.height(), 1, type, nullptr));
    GDALRasterBand* band = ds->GetRasterBand(1);
    EXPECT_EQ(band->SetNoDataValue(type == GDT_Byte ? 0.0 : std::nan("")), CE_None);
    EXPECT_EQ(band->RasterIO(GF_Write, 0, 0, values.width(), values.height(),
                             const_cast<T*>(values.data()), values.width(), values.height(), type,
                             0, 0),
              CE_None);
    std::vector<int> factors;
    for (int k = 1; k <= levels; ++k)
        factors.push_back(1 << k);
    EXPECT_EQ(ds->BuildOverviews(resampling, levels, factors.data(), 0, nullptr, nullptr, nullptr,
                                 nullptr),
              CE_None);
    std::vector<Layer<T>> out;
    for (int k = 0; k < levels; ++k) {
        GDALRasterBand* o = band->GetOverview(k);
        out.emplace_back(o->GetXSize(), o->GetYSize());
        EXPECT_EQ(o->RasterIO(GF_Read, 0, 0, o->GetXSize(), o->GetYSize(), out.back().data(),
                              o->GetXSize(), o->GetYSize(), type, 0, 0),
                  CE_None);
    }
    return out;
}

int gdal_cog_levels(int w, int h) {
    io::init_gdal();
    const std::string path = "/vsimem/levels.tif";
    GDALDatasetUniquePtr src(
        GetGDALDriverManager()->GetDriverByName("MEM")->Create("", w, h, 1, GDT_Byte, nullptr));
    const char* options[] = {"BLOCKSIZE=512", nullptr};
    GDALDatasetUniquePtr cog(GetGDALDriverManager()->GetDriverByName("COG")->CreateCopy(
        path.c_str(), src.get(), false, const_cast<char**>(options), nullptr, nullptr));
    const int levels = cog ? cog->GetRasterBand(1)->GetOverviewCount() : -1;
    cog.reset();
    VSIUnlink(path.c_str());
    return levels;
}
} // namespace

TEST(Pyramid, LevelCountIsTheCogDrivers) {
    for (const auto& [w, h] : std::vector<std::pair<int, int>>{
             {512, 512}, {513, 10}, {10, 1025}, {1024, 1024}, {1025, 700}, {2830, 2830}})
        EXPECT_EQ(io::cog_overview_levels(w, h, 512), gdal_cog_levels(w, h)) << w << "x" << h;
    EXPECT_EQ(io::cog_overview_levels(55200, 20400, 512), 7); // the national grid
}

TEST(Pyramid, MeansAreGdalsAverageOnWholeBlocks) {
    const Layer<float> values = noisy(1024, 768, 1);
    const auto ours = io::mean_pyramid(values.view(), 3);
    const auto gdal = gdal_levels(values, 3, "AVERAGE");
    ASSERT_EQ(ours.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        ASSERT_EQ(ours[k].width(), gdal[k].width());
        ASSERT_EQ(ours[k].height(), gdal[k].height());
        for (std::size_t i = 0; i < ours[k].size(); ++i) {
            ASSERT_EQ(std::isnan(ours[k][i]), std::isnan(gdal[k][i])) << "level " << k + 1;
            if (!std::isnan(ours[k][i])) {
                ASSERT_NEAR(ours[k][i], gdal[k][i], 2e-5f) << "level " << k + 1 << " pixel " << i;
            }
        }
    }
}

TEST(Pyramid, EdgeBlocksAverageWhatTheyCover) {
    Layer<float> values(3, 3, 1.0f);
    values(0, 2) = 5;
    values(2, 0) = kNaN;
    values(2, 1) = kNaN;
    const auto levels = io::mean_pyramid(values.view(), 2);
    ASSERT_EQ(levels[0].width(), 2);
    ASSERT_EQ(levels[0].height(), 2);
    EXPECT_FLOAT_EQ(levels[0](0, 1), 3.0f); // column 2 of rows 0-1: 5 and 1
    EXPECT_TRUE(std::isnan(levels[0](1, 0)));
    EXPECT_FLOAT_EQ(levels[0](1, 1), 1.0f);
    ASSERT_EQ(levels[1].width(), 1);
    EXPECT_FLOAT_EQ(levels[1](0, 0), 11.0f / 7); // the seven values, not a mean of means
}

TEST(Pyramid, TilesGiveTheWholeMapsLevelsExactly) {
    const Layer<float> values = noisy(1536, 1100, 2);
    const auto whole = io::mean_pyramid(values.view(), 3);
    for (int y0 = 0; y0 < values.height(); y0 += 512)
        for (int x0 = 0; x0 < values.width(); x0 += 512) {
            const int w = std::min(512, values.width() - x0),
                      h = std::min(512, values.height() - y0);
            const LayerView<const float> tile{values.data() + std::size_t(y0) * values.width() + x0,
                                              w, h, values.width()};
            const auto part = io::mean_pyramid(tile, 3);
            for (int k = 1; k <= 3; ++k)
                for (int r = 0; r < part[k - 1].height(); ++r)
                    for (int c = 0; c < part[k - 1].width(); ++c) {
                        const float a = part[k - 1](r, c),
                                    b = whole[k - 1]((y0 >> k) + r, (x0 >> k) + c);
                        ASSERT_TRUE(a == b || (std::isnan(a) && std::isnan(b)))
                            << "level " << k << " at " << x0 << "," << y0;
                    }
        }
}

TEST(Pyramid, ModesAreGdalsModeAndTiesGoToTheSmallerClass) {
    // Classes constant over 8 x 8 blocks, at most one other value (or nodata) per 2 x 2 block:
    // every block of every level has one clear most frequent class.
    std::mt19937 rng(3);
    Layer<std::uint8_t> values(1024, 768);
    for (int r = 0; r < values.height(); ++r)
        for (int c = 0; c < values.width(); ++c)
            values(r, c) = std::uint8_t(1 + ((r / 8) * 7 + (c / 8) * 3) % 5);
    for (int r = 0; r < values.height(); r += 2)
        for (int c = 0; c < values.width(); c += 2)
            if (rng() % 3 == 0)
                values(r + int(rng() % 2), c + int(rng() % 2)) = std::uint8_t(rng() % 6);
    const auto ours = io::mode_pyramid(values.view(), 3);
    const auto gdal = gdal_levels(values, 3, "MODE");
    for (std::size_t k = 0; k < 3; ++k)
        ASSERT_EQ(std::vector<std::uint8_t>(ours[k].values().begin(), ours[k].values().end()),
                  std::vector<std::uint8_t>(gdal[k].values().begin(), gdal[k].values().end()))
            << "level " << k + 1;

    Layer<std::uint8_t> tie(2, 2, 0);
    tie(0, 0) = 4, tie(0, 1) = 2, tie(1, 0) = 4, tie(1, 1) = 2;
    EXPECT_EQ(io::mode_pyramid(tie.view(), 1)[0](0, 0), 2);
    Layer<std::uint8_t> empty(2, 2, 0);
    EXPECT_EQ(io::mode_pyramid(empty.view(), 1)[0](0, 0), 0);
    empty(1, 1) = 5; // one class beats three nodata pixels
    EXPECT_EQ(io::mode_pyramid(empty.view(), 1)[0](0, 0), 5);
}
