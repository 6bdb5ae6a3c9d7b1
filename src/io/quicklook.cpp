#include "io/quicklook.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cairo.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace riskmap::io {

namespace {
constexpr int kMaxImage = 800;
constexpr int kTitle = 48;
constexpr int kFooter = 40;
constexpr int kLegend = 300;

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

void set_rgb(cairo_t* cr, const std::array<std::uint8_t, 3>& c) {
    cairo_set_source_rgb(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
}

/// The map itself, one image pixel per `stride` grid pixels (nearest sample).
Surface map_image(const Layer<float>& values, const MapStyle& style, int stride) {
    const int w = (values.width() + stride - 1) / stride;
    const int h = (values.height() + stride - 1) / stride;
    Surface img(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
    cairo_surface_flush(img.get());
    unsigned char* data = cairo_image_surface_get_data(img.get());
    const int row_bytes = cairo_image_surface_get_stride(img.get());
    for (int r = 0; r < h; ++r) {
        auto* px = reinterpret_cast<std::uint32_t*>(data + std::ptrdiff_t{r} * row_bytes);
        for (int c = 0; c < w; ++c) {
            const float v = values(r * stride, c * stride);
            const auto rgb =
                std::isnan(v) ? std::array<std::uint8_t, 3>{235, 235, 235} : color_of(style, v);
            px[c] = (std::uint32_t{rgb[0]} << 16) | (std::uint32_t{rgb[1]} << 8) | rgb[2];
        }
    }
    cairo_surface_mark_dirty(img.get());
    return img;
}

void draw_text(cairo_t* cr, double x, double y, double size, bool bold, const std::string& s) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s.c_str());
}

void draw_legend(cairo_t* cr, const MapStyle& style, double x, double y) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_text(cr, x, y, 12, false, style.legend);
    for (std::size_t i = 0; i < style.stops.size(); ++i) {
        const double top = y + 14 + static_cast<double>(style.stops.size() - 1 - i) * 24;
        set_rgb(cr, style.stops[i].rgb);
        cairo_rectangle(cr, x, top, 28, 18);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        draw_text(cr, x + 36, top + 14, 12, false, style.stops[i].label);
    }
}

/// The width the legend's longest line needs (Indonesian lines run longer than English).
double legend_width(const MapStyle& style) {
    Surface probe(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1), cairo_surface_destroy);
    Context cr(cairo_create(probe.get()), cairo_destroy);
    cairo_select_font_face(cr.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr.get(), 12);
    const auto width = [&](const std::string& text) {
        cairo_text_extents_t extents;
        cairo_text_extents(cr.get(), text.c_str(), &extents);
        return extents.x_advance;
    };
    double widest = width(style.legend);
    for (const auto& stop : style.stops)
        widest = std::max(widest, 36 + width(stop.label));
    return widest;
}

/// A bar of 1, 2 or 5 x 10^k metres, about a quarter of the image wide.
void draw_scale_bar(cairo_t* cr, double metres_per_pixel, double x, double y, int image_w) {
    const double target = image_w / 4.0 * metres_per_pixel;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target)));
    double length = magnitude;
    for (double step : {2.0, 5.0})
        if (step * magnitude <= target)
            length = step * magnitude;
    const double bar = length / metres_per_pixel;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x, y, bar, 6);
    cairo_fill(cr);
    // Seven significant digits: a national map's 1000 km prints as such, not as "1e+03".
    const std::string label =
        length >= 1000 ? format_double(length / 1000, 7) + " km" : format_double(length, 7) + " m";
    draw_text(cr, x + bar + 8, y + 7, 12, false, label);
}
/// The page as an 8-bit RGB PNG through GDAL's PNG driver at zlib level 1: cairo's own writer
/// compresses at the default level with adaptive filters, about a tenth of a second per
/// quicklook, most of what the twelve quicklooks of a run cost; the image is the same.
void write_png(cairo_surface_t* page, const std::string& path) {
    cairo_surface_flush(page);
    const int w = cairo_image_surface_get_width(page), h = cairo_image_surface_get_height(page);
    const int row_bytes = cairo_image_surface_get_stride(page);
    const unsigned char* data = cairo_image_surface_get_data(page);
    std::vector<std::uint8_t> rgb(std::size_t(w) * std::size_t(h) * 3);
    for (int r = 0; r < h; ++r) {
        // RGB24 is one native-endian 32-bit word per pixel, 0x00RRGGBB.
        const auto* px =
            reinterpret_cast<const std::uint32_t*>(data + std::ptrdiff_t(r) * row_bytes);
        std::uint8_t* out = rgb.data() + std::size_t(r) * std::size_t(w) * 3;
        for (int c = 0; c < w; ++c) {
            std::uint8_t* pixel = out + 3 * std::ptrdiff_t{c};
            pixel[0] = static_cast<std::uint8_t>(px[c] >> 16);
            pixel[1] = static_cast<std::uint8_t>(px[c] >> 8);
            pixel[2] = static_cast<std::uint8_t>(px[c]);
        }
    }
    init_gdal();
    GDALDatasetUniquePtr mem(
        GetGDALDriverManager()->GetDriverByName("MEM")->Create("", w, h, 3, GDT_Byte, nullptr));
    if (!mem || mem->RasterIO(GF_Write, 0, 0, w, h, rgb.data(), w, h, GDT_Byte, 3, nullptr, 3,
                              std::int64_t{3} * w, 1, nullptr) != CE_None)
        throw Error("cannot build the quicklook of '" + path + "' in memory" + gdal_last_error());
    const char* options[] = {"ZLEVEL=1", nullptr};
    CPLErrorReset();
    GDALDatasetUniquePtr png(GetGDALDriverManager()->GetDriverByName("PNG")->CreateCopy(
        path.c_str(), mem.get(), false, const_cast<char**>(options), nullptr, nullptr));
    const bool failed = !png || CPLGetLastErrorType() == CE_Failure;
    png.reset();
    if (failed || CPLGetLastErrorType() == CE_Failure)
        throw Error("cannot write '" + path + "'" + write_failure_cause(path) + gdal_last_error());
}
} // namespace

std::array<std::uint8_t, 3> color_of(const MapStyle& style, double value) {
    const auto& s = style.stops;
    if (style.categorical) {
        for (const auto& stop : s)
            if (std::abs(stop.value - value) < 0.5)
                return stop.rgb;
        return {235, 235, 235};
    }
    if (value <= s.front().value)
        return s.front().rgb;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (value > s[i].value)
            continue;
        const double t = (value - s[i - 1].value) / (s[i].value - s[i - 1].value);
        std::array<std::uint8_t, 3> out{};
        for (int k = 0; k < 3; ++k)
            out[k] = static_cast<std::uint8_t>(
                std::lround(s[i - 1].rgb[k] + t * (s[i].rgb[k] - s[i - 1].rgb[k])));
        return out;
    }
    return s.back().rgb;
}

void write_quicklook(const std::string& path, const Grid& grid, const Layer<float>& values,
                     const MapStyle& style) {
    const int stride =
        std::max(1, (std::max(values.width(), values.height()) + kMaxImage - 1) / kMaxImage);
    const Surface img = map_image(values, style, stride);
    const int w = cairo_image_surface_get_width(img.get());
    const int h = cairo_image_surface_get_height(img.get());
    const int legend = std::max(kLegend, static_cast<int>(std::ceil(legend_width(style))) + 16);
    Surface page(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w + legend + 20,
                                            std::max(h, 200) + kTitle + kFooter),
                 cairo_surface_destroy);
    Context cr(cairo_create(page.get()), cairo_destroy);
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    draw_text(cr.get(), 10, 30, 18, true, style.title);
    cairo_set_source_surface(cr.get(), img.get(), 10, kTitle);
    cairo_paint(cr.get());
    draw_legend(cr.get(), style, w + 24, kTitle + 12);
    draw_scale_bar(cr.get(), grid.pixel_width_m(grid.height / 2) * stride, 10, kTitle + h + 14, w);
    write_png(page.get(), path);
}

} // namespace riskmap::io
