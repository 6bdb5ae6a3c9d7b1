#include "io/map_style.hpp"

#include "core/numbers.hpp"

namespace riskmap::io {

std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {
std::string items(const MapStyle& style, const char* element) {
    std::string out;
    for (const auto& s : style.stops)
        out += std::string("          <") + element + " value=\"" + format_double(s.value) +
               "\" color=\"" + hex_color(s.rgb) + "\" alpha=\"255\" label=\"" +
               xml_escape(s.label) + "\"/>\n";
    return out;
}

std::string renderer(const MapStyle& style) {
    if (style.categorical)
        return "    <rasterrenderer type=\"paletted\" band=\"1\" opacity=\"1\" "
               "alphaBand=\"-1\">\n      <colorPalette>\n" +
               items(style, "paletteEntry") + "      </colorPalette>\n    </rasterrenderer>\n";
    const std::string lo = format_double(style.stops.front().value);
    const std::string hi = format_double(style.stops.back().value);
    return "    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" "
           "alphaBand=\"-1\" classificationMin=\"" +
           lo + "\" classificationMax=\"" + hi +
           "\">\n      <rastershader>\n        <colorrampshader colorRampType=\"INTERPOLATED\" "
           "classificationMode=\"1\" clip=\"0\" minimumValue=\"" +
           lo + "\" maximumValue=\"" + hi + "\">\n" + items(style, "item") +
           // QGIS 3.18+ draws an unlabelled continuous bar unless told to list the items.
           "          <rampLegendSettings useContinuousLegend=\"0\" minimumLabel=\"\" "
           "maximumLabel=\"\" prefix=\"\" suffix=\"\" direction=\"0\" orientation=\"2\"/>\n"
           "        </colorrampshader>\n      </rastershader>\n    </rasterrenderer>\n";
}
} // namespace

std::string hex_color(const std::array<std::uint8_t, 3>& rgb) {
    static const char* digits = "0123456789abcdef";
    std::string out = "#";
    for (auto v : rgb) {
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

std::string qml(const MapStyle& style) {
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.28.0\" styleCategories=\"AllStyleCategories\">\n"
           "  <!-- " +
           xml_escape(style.title) + ": " + xml_escape(style.legend) + " -->\n  <pipe>\n" +
           renderer(style) +
           "    <brightnesscontrast brightness=\"0\" contrast=\"0\"/>\n"
           "    <huesaturation saturation=\"0\" grayscaleMode=\"0\" colorizeOn=\"0\"/>\n"
           "    <rasterresampler maxOversampling=\"2\"/>\n  </pipe>\n"
           "  <blendMode>0</blendMode>\n</qgis>\n";
}

} // namespace riskmap::io
