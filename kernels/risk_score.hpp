#pragma once
/// \file
/// The risk index and the priority score (DESIGN.md section 3), for an area and for a row of
/// pixels. The risk index is context: the weighted mean of the indicators' exceedance
/// probabilities and the sanitation deficit. The score ranks: the overall list's weighted
/// excess cases per km^2 around a pixel, so neither the pixel size nor one pixel's count of
/// people decides a class.

#include <cstdint>
#include <span>
#include <vector>

namespace riskmap::kernels {

/// Per indicator, the weights of the two; one sanitation weight.
struct ScoreWeights {
    std::vector<double> risk;             ///< indicator.NAME.weight
    std::vector<double> priority;         ///< indicator.NAME.priority_weight, per excess case
    std::vector<double> population_share; ///< of the population that is the denominator
    double sanitation = 1;                ///< risk.sanitation_weight
};

/// Weighted mean of the exceedance probabilities and the sanitation deficit; NaN terms are left
/// out with their weight; NaN when every term is.
double risk_index(std::span<const double> exceed, double sanitation, const ScoreWeights& w);

/// One row of pixels' inputs, every span as long as the row.
struct PixelScoreRow {
    std::span<const std::uint8_t> mapped;            ///< 1: inside a village where people live
    std::vector<std::span<const float>> exceed;      ///< per indicator, P(rate > target)
    std::vector<std::span<const float>> excess_rate; ///< per indicator, E[(rate - target)+]
    std::span<const float> sanitation;               ///< deficit 0..1; empty: none
    std::span<const float> density;                  ///< persons per km^2 around the pixel
};

/// Writes the risk index and the score (never below 0) of every mapped pixel with at least one
/// indicator's excess rate; leaves the others as they are (nodata).
void score_pixel_row(const PixelScoreRow& row, const ScoreWeights& w, std::span<float> risk,
                     std::span<float> score);

} // namespace riskmap::kernels
