#include "io/map_style.hpp"
#include "io/quicklook.hpp"
#include "pipelines/map_styles.hpp"

#include <gtest/gtest.h>

using namespace riskmap;

TEST(MapStyles, DisplayNumbersHaveTwoSignificantFigures) {
    EXPECT_EQ(display_number(1634.2), "1600");
    EXPECT_EQ(display_number(14.04), "14");
    EXPECT_EQ(display_number(0.3456), "0.35");
    EXPECT_EQ(display_number(9.1e-6), "0");
    IndicatorSpec mmr;
    mmr.display_scale = 100000;
    mmr.display_unit = "per 100,000 live births";
    EXPECT_EQ(display_label(0.00183, mmr), "180 per 100,000 live births");
}

TEST(MapStyles, RateRampHasPercentileBreaksAndTheTarget) {
    Layer<float> values(100, 1);
    for (int i = 0; i < 100; ++i)
        values(0, i) = 0.10f + 0.002f * static_cast<float>(i); // 0.10 .. 0.298
    IndicatorSpec spec;
    spec.name = "stunting";
    spec.target = 0.14;
    spec.display_scale = 100;
    spec.display_unit = "%";
    const auto style = rate_style(values, spec, "t");
    ASSERT_GE(style.stops.size(), 5u);
    for (std::size_t i = 1; i < style.stops.size(); ++i)
        EXPECT_LT(style.stops[i - 1].value, style.stops[i].value);
    bool target = false;
    for (const auto& s : style.stops)
        target = target || s.label == "14 % (target)";
    EXPECT_TRUE(target);
    EXPECT_EQ(style.legend, "stunting rate, %");
}

TEST(MapStyles, QmlListsEveryStop) {
    const auto style = priority_style("priority");
    const std::string xml = io::qml(style);
    EXPECT_NE(xml.find("type=\"paletted\""), std::string::npos);
    EXPECT_NE(xml.find("value=\"1\" color=\"#bd0026\" alpha=\"255\" label=\"1 highest\""),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("label=\"5 lowest\""), std::string::npos);
}

TEST(MapStyles, RampColoursInterpolateBetweenStops) {
    io::MapStyle style{"t", "u", false, {{0, {0, 0, 0}, "0"}, {1, {200, 100, 50}, "1"}}};
    EXPECT_EQ(io::color_of(style, 0.5), (std::array<std::uint8_t, 3>{100, 50, 25}));
    EXPECT_EQ(io::color_of(style, -1), (std::array<std::uint8_t, 3>{0, 0, 0}));
    EXPECT_EQ(io::color_of(style, 9), (std::array<std::uint8_t, 3>{200, 100, 50}));
}
