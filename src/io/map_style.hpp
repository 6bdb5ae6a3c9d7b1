#pragma once
/// \file
/// How a map looks: a colour ramp with labelled stops, written as a QGIS style (.qml) beside
/// the map and used for the PNG quicklook.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace riskmap::io {

struct ColorStop {
    double value = 0;
    std::array<std::uint8_t, 3> rgb{};
    std::string label; ///< in display units, e.g. "14 %", "183 per 100,000 live births"
};

struct MapStyle {
    std::string title;            ///< e.g. "Stunting rate 2025Q3"
    std::string legend;           ///< unit line under the title, e.g. "children under 5, %"
    bool categorical = false;     ///< paletted classes instead of an interpolated ramp
    std::vector<ColorStop> stops; ///< ascending values
};

/// QGIS 3 layer style: singlebandpseudocolor (interpolated) or paletted.
std::string qml(const MapStyle& style);

/// `text` with & < > " as XML/HTML entities, for attribute values and text nodes.
std::string xml_escape(const std::string& text);

/// "#rrggbb"
std::string hex_color(const std::array<std::uint8_t, 3>& rgb);

} // namespace riskmap::io
