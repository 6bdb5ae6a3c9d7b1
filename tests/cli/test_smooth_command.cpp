// `riskmap smooth` through the real binary: georeferencing, no-data, constants, exit codes.

#include "core/grid.hpp"
#include "io/raster_io.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace riskmap;
using riskmap::test::run_riskmap;
using riskmap::test::TempDir;

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// A constant 7 with a no-data hole in the middle and a no-data column on the right.
Layer<float> constant_with_holes(int w, int h) {
    Layer<float> l(w, h, 7.0f);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c)
            if ((r - h / 2) * (r - h / 2) + (c - w / 2) * (c - w / 2) < 9 || c == w - 1)
                l(r, c) = kNaN;
    return l;
}

void expect_smoothed_constant(const std::string& in, const std::string& out, const Grid& grid) {
    const Grid got = io::read_grid(out);
    EXPECT_TRUE(got.same_georeference(grid));
    EXPECT_EQ(got.geographic, grid.geographic);
    const Layer<float> src = io::read_band(in, grid), res = io::read_band(out, got);
    for (std::size_t i = 0; i < src.size(); ++i) {
        ASSERT_EQ(std::isnan(src[i]), std::isnan(res[i])) << "pixel " << i;
        if (!std::isnan(src[i])) {
            ASSERT_NEAR(res[i], 7.0f, 7e-5f) << "pixel " << i;
        }
    }
}
} // namespace

TEST(SmoothCommand, ConstantStaysConstantAndNodataIsKeptOnProjectedGrid) {
    TempDir dir;
    const Grid grid = test::utm_grid(40, 30, 100.0);
    test::write_raster(dir / "in.tif", grid, constant_with_holes(40, 30));
    const auto r = run_riskmap(
        {"smooth", dir / "in.tif", dir / "out.tif", "--bandwidth-m", "400", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_smoothed_constant(dir / "in.tif", dir / "out.tif", grid);
}

TEST(SmoothCommand, BandwidthInMetresOnGeographicGrid) {
    TempDir dir;
    const Grid grid = test::geographic_grid(36, 28, 0.001);
    test::write_raster(dir / "in.tif", grid, constant_with_holes(36, 28));
    const auto r = run_riskmap({"smooth", dir / "in.tif", dir / "out.tif", "--bandwidth-m", "500"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_smoothed_constant(dir / "in.tif", dir / "out.tif", grid);
}

TEST(SmoothCommand, SpreadsAnImpulseByTheBandwidthInPixels) {
    TempDir dir;
    // 41 x 41 so the valid mask's sum is the same (no edge within 4 sigma) at the probes.
    const Grid grid = test::utm_grid(41, 41, 100.0);
    Layer<float> in(41, 41, 0.0f);
    in(20, 20) = 1.0f;
    test::write_raster(dir / "in.tif", grid, in);
    const auto r = run_riskmap({"smooth", dir / "in.tif", dir / "out.tif", "--bandwidth-px", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Layer<float> out = io::read_band(dir / "out.tif", grid);
    // Normalised convolution of an impulse: the ratio of neighbours follows the Gaussian.
    EXPECT_NEAR(out(20, 23) / out(20, 20), std::exp(-0.5), 1e-3);
    EXPECT_NEAR(out(23, 20) / out(20, 20), std::exp(-0.5), 1e-3);
}

TEST(SmoothCommand, BadArgumentsExitWithTwo) {
    TempDir dir;
    test::write_raster(dir / "in.tif", test::utm_grid(5, 5), Layer<float>(5, 5, 1.0f));
    const std::string in = dir / "in.tif", out = dir / "out.tif";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"smooth", in, out},
          {"smooth", in, out, "--bandwidth-m", "100", "--bandwidth-px", "2"},
          {"smooth", in, out, "--bandwidth-m", "-5"},
          {"smooth", in, out, "--bandwidth-m", "1,5"},
          {"smooth", in, out, "--bandwidth-px", "2", "--threads", "many"},
          {"smooth", in, "--bandwidth-px", "2"},
          {"smooth", in, out, "--bandwidth", "2"}}) {
        const auto r = run_riskmap(args);
        EXPECT_EQ(r.exit_code, 2) << r.output;
    }
}

TEST(SmoothCommand, MissingInputExitsWithThree) {
    TempDir dir;
    const auto r =
        run_riskmap({"smooth", dir / "missing.tif", dir / "out.tif", "--bandwidth-m", "100"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("missing.tif"), std::string::npos) << r.output;
}

TEST(SmoothCommand, HelpExitsWithZero) {
    const auto r = run_riskmap({"smooth", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find("Example:"), std::string::npos);
}

TEST(SmoothCommand, StreamsTilesWithTheSameBytesForAnyTileSizeAndThreadCount) {
    TempDir dir;
    const Grid grid = test::utm_grid(1300, 700, 100.0);
    Layer<float> field(1300, 700);
    for (int r = 0; r < 700; ++r)
        for (int c = 0; c < 1300; ++c)
            field(r, c) = (r * 31 + c * 17) % 97 == 0 ? kNaN : float((r * 7 + c * 3) % 23);
    test::write_raster(dir / "in.tif", grid, field);
    const std::vector<std::vector<std::string>> variants = {
        {"--tile-size", "512", "--threads", "1"}, {"--tile-size", "1024", "--threads", "2"}};
    std::vector<std::string> outputs;
    for (std::size_t v = 0; v < variants.size(); ++v) {
        const std::string out = dir / ("out" + std::to_string(v) + ".tif");
        std::vector<std::string> args = {"smooth", dir / "in.tif", out, "--bandwidth-px", "20"};
        args.insert(args.end(), variants[v].begin(), variants[v].end());
        const auto r = run_riskmap(args);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        outputs.push_back(test::read_text(out));
    }
    EXPECT_EQ(outputs[0], outputs[1]);
    EXPECT_EQ(test::list_dir(dir / "").size(), 3u) << "no work or part file is left behind";
}
