#pragma once
/// \file
/// Colour ramps, breaks and legend labels of each kind of map, in the units planners read.

#include "core/indicator.hpp"
#include "core/language.hpp"
#include "core/layer.hpp"
#include "io/map_style.hpp"

#include <string>

namespace riskmap {

/// Rates: five stops at the 2nd, 25th, 50th, 75th and 98th percentiles of the map (two
/// significant digits in display units), plus the target when it falls inside them.
io::MapStyle rate_style(const Layer<float>& values, const IndicatorSpec& spec,
                        const std::string& title);

/// Probabilities and the risk index: fixed stops 0, 0.2, 0.5, 0.8, 0.95 (comparable between
/// maps and quarters).
io::MapStyle probability_style(const std::string& title, const std::string& legend);

/// The same ramp for a 0..1 index that is not a probability (risk_index).
io::MapStyle index_style(const std::string& title, const std::string& legend);

/// Adaptive bandwidths: one stop per ladder rung.
io::MapStyle bandwidth_style(const std::vector<double>& ladder_m, const std::string& title);

/// Rate changes: diverging blue (fell) - white - red (rose), symmetric about 0 at the 98th
/// percentile of the absolute change.
io::MapStyle change_style(const Layer<float>& change, const IndicatorSpec& spec,
                          const std::string& title);

/// The unit of a change in the indicator's display units ("percentage points" for percent).
std::string change_unit(const IndicatorSpec& spec);

/// "live births" for the denominator column live_births.
std::string denominator_label(const IndicatorSpec& spec);

/// Effective denominators under the kernel: percentile stops, labelled in the denominator.
io::MapStyle information_style(const Layer<float>& values, const IndicatorSpec& spec,
                               const std::string& title);

/// Priority class changes -4 .. 4 (positive: rose in priority).
/// Class changes -4..4 are stored as change + 5 (1..9) in a Byte map whose 0 is nodata, so
/// that the map has an exact colour table and mode overviews (a band offset would make QGIS
/// read Float32 values the palette does not match).
constexpr int kClassChangeOffset = 5;

/// Stops at the stored values 1..9, labelled by the change ("2 higher", "same", ...).
io::MapStyle class_change_style(const std::string& title);

/// "very low (< 2.5 %)" ... per prevalence class of spec.class_breaks and class_names.
std::vector<std::string> prevalence_labels(const IndicatorSpec& spec);

/// Light to dark (ColorBrewer YlOrRd) for class c of `classes`.
std::array<std::uint8_t, 3> sequential_color(std::size_t c, std::size_t classes);

/// Prevalence classes 1 .. n (e.g. the WHO/UNICEF stunting classes).
io::MapStyle prevalence_style(const IndicatorSpec& spec, const std::string& title);

/// Priority classes 1 (highest) to 5.
io::MapStyle priority_style(const std::string& title);

/// `style` with its title, legend line and labels in `lang` (core/language.hpp).
io::MapStyle localised(io::MapStyle style, Language lang);

/// Two significant figures in fixed notation ("1600", "14", "0.35"; "0" below 0.005).
std::string display_number(double value);

/// "14 %", "183 per 100,000 live births": a proportion in the indicator's display units.
std::string display_label(double proportion, const IndicatorSpec& spec);

} // namespace riskmap
