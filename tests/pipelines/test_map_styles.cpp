#include "io/map_style.hpp"
#include "io/quicklook.hpp"
#include "pipelines/map_styles.hpp"
#include "pipelines/village_style.hpp"

#include <gtest/gtest.h>

using namespace riskmap;

namespace {
/// Stunting with its 14 % target, shown in percent.
IndicatorSpec stunting_in_percent() {
    IndicatorSpec spec;
    spec.name = "stunting";
    spec.target = 0.14;
    spec.display_scale = 100;
    spec.display_unit = "%";
    return spec;
}
} // namespace

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
    const auto style = rate_style(values, stunting_in_percent(), "t");
    ASSERT_GE(style.stops.size(), 5u);
    for (std::size_t i = 1; i < style.stops.size(); ++i)
        EXPECT_LT(style.stops[i - 1].value, style.stops[i].value);
    bool target = false;
    for (const auto& s : style.stops)
        target = target || s.label == "14 % (target)";
    EXPECT_TRUE(target);
    EXPECT_EQ(style.legend, "stunting rate, %");
}

TEST(MapStyles, TargetOutsideTheRatesIsStillInTheLegend) {
    Layer<float> values(100, 1);
    for (int i = 0; i < 100; ++i)
        values(0, i) = 0.18f + 0.0008f * static_cast<float>(i); // every pixel above 14 %
    const auto style = rate_style(values, stunting_in_percent(), "t");
    EXPECT_EQ(style.stops.front().label, "14 % (target)");
    EXPECT_DOUBLE_EQ(style.stops.front().value, 0.14);
    for (std::size_t i = 1; i < style.stops.size(); ++i) // six stops, five colours: none shared
        EXPECT_NE(style.stops[i].rgb, style.stops[i - 1].rgb) << i;
}

TEST(MapStyles, RampQmlAsksQgisForLabelledItems) {
    // QGIS 3.22 shows its continuous bar with the raw ends unless the shader says otherwise.
    const std::string xml = io::qml(probability_style("p", "P"));
    EXPECT_NE(xml.find("<rampLegendSettings useContinuousLegend=\"0\""), std::string::npos);
    EXPECT_NE(xml.find("label=\"95 % chance or more\""), std::string::npos);
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

TEST(VillageStyle, EveryColumnKindHasAReadableName) {
    JobConfig cfg;
    IndicatorSpec stunting = stunting_in_percent();
    stunting.numerator = "children_stunted";
    stunting.denominator = "children_measured";
    cfg.indicators = {stunting};
    EXPECT_EQ(column_alias("code", cfg), "village code");
    EXPECT_EQ(column_alias("stunting_num", cfg), "stunting: children stunted (count)");
    EXPECT_EQ(column_alias("stunting_ebl", cfg), "stunting: local EB rate (GeoDa EBlocal)");
    EXPECT_EQ(column_alias("stunting_exceed", cfg), "stunting: P(rate > target 14 %)");
    EXPECT_EQ(column_alias("stunting_p_above_20", cfg), "stunting: P(rate > 20 %)");
    EXPECT_EQ(column_alias("stunting_p_above_2p5", cfg), "stunting: P(rate > 2.5 %)");
    EXPECT_EQ(column_alias("stunting_p_top", cfg), "stunting: P(in the top fifth)");
    EXPECT_EQ(column_alias("priority_rank_prev", cfg), "overall priority rank, last quarter");
    EXPECT_EQ(column_alias("stunting_eb_prev", cfg),
              "stunting: global EB rate (spdep EBest), last quarter");
    EXPECT_EQ(column_alias("not_a_column", cfg), "not_a_column");
    EXPECT_EQ(column_alias("maternal_eb", cfg), "maternal_eb"); // not an indicator of this run
}

TEST(VillageStyle, QmlIsCategorisedByPriorityClassWithAliases) {
    JobConfig cfg;
    Table table;
    table.add_text("code");
    table.add_integer("priority_class", {});
    const std::string xml = village_layer_qml(table, cfg);
    EXPECT_NE(xml.find("type=\"categorizedSymbol\" attr=\"priority_class\""), std::string::npos);
    EXPECT_NE(xml.find("label=\"1 highest\""), std::string::npos);
    EXPECT_NE(xml.find("<alias field=\"priority_class\" index=\"1\" "
                       "name=\"priority class (1 highest)\"/>"),
              std::string::npos)
        << xml;
}
