#include "core/grid.hpp"
#include "core/numbers.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>

using namespace riskmap;

TEST(Numbers, CountsAreDigitsOnly) {
    EXPECT_EQ(parse_count("12"), 12);
    EXPECT_EQ(parse_count(" 7 "), 7);
    EXPECT_EQ(parse_count("0"), 0);
    EXPECT_FALSE(parse_count("-1"));
    EXPECT_FALSE(parse_count("1.5"));
    EXPECT_FALSE(parse_count("1,5"));
    EXPECT_FALSE(parse_count(""));
    EXPECT_FALSE(parse_count("12a"));
}

TEST(Numbers, DoublesUseThePointWhateverTheLocale) {
    // Under id_ID the C library would write 0,5; we never ask it.
    std::setlocale(LC_ALL, "");
    EXPECT_DOUBLE_EQ(*parse_double("0.5"), 0.5);
    EXPECT_FALSE(parse_double("0,5"));
    EXPECT_EQ(format_double(0.25), "0.25");
    EXPECT_EQ(format_double(1234.5, 3), "1.23e+03");
    EXPECT_EQ(format_double(std::nan("")), "");
    std::setlocale(LC_ALL, "C");
}

TEST(Grid, ProjectedPixelSizeIsTheGeotransform) {
    Grid g;
    g.width = g.height = 10;
    g.geotransform = {0, 30, 0, 0, 0, -30};
    EXPECT_DOUBLE_EQ(g.pixel_width_m(3), 30);
    EXPECT_DOUBLE_EQ(g.pixel_height_m(3), 30);
}

TEST(Grid, GeographicPixelWidthShrinksWithLatitude) {
    Grid g;
    g.width = 10;
    g.height = 10;
    g.geographic = true;
    const double arcsec3 = 3.0 / 3600.0;
    g.geotransform = {100, arcsec3, 0, arcsec3 * 0.5, 0, -arcsec3}; // row 0 centred on equator
    // A degree on WGS84 at the equator: 111.320 km of longitude, 110.574 km of latitude; at
    // 60 degrees: 55.800 km of longitude (the standard "length of a degree" tables).
    EXPECT_NEAR(g.pixel_width_m(0), 111320.0 / 1200, 0.01);
    EXPECT_NEAR(g.pixel_height_m(0), 110574.0 / 1200, 0.01);
    g.geotransform[3] = -60 + arcsec3 * 0.5;
    EXPECT_NEAR(g.pixel_width_m(0), 55800.0 / 1200, 0.01);
}
