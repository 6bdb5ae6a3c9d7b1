#include "kernels/risk_score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace riskmap::kernels {

double risk_index(std::span<const double> exceed, double sanitation, const ScoreWeights& w) {
    double sum = 0, weights = 0;
    for (std::size_t k = 0; k < exceed.size(); ++k) {
        if (std::isnan(exceed[k]))
            continue;
        sum += w.risk[k] * exceed[k];
        weights += w.risk[k];
    }
    if (!std::isnan(sanitation)) {
        sum += w.sanitation * sanitation;
        weights += w.sanitation;
    }
    return weights > 0 ? sum / weights : std::numeric_limits<double>::quiet_NaN();
}

void score_pixel_row(const PixelScoreRow& row, const ScoreWeights& w, std::span<float> risk,
                     std::span<float> score) {
    std::vector<double> exceed(row.exceed.size());
    for (std::size_t c = 0; c < row.mapped.size(); ++c) {
        if (!row.mapped[c])
            continue;
        double cases = 0;
        bool any = false;
        for (std::size_t k = 0; k < exceed.size(); ++k) {
            exceed[k] = row.exceed[k][c];
            const float excess = row.excess_rate[k][c];
            if (std::isnan(excess))
                continue;
            cases += w.priority[k] * excess * w.population_share[k];
            any = true;
        }
        if (!any)
            continue;
        const double sanitation =
            row.sanitation.empty() ? std::numeric_limits<double>::quiet_NaN() : row.sanitation[c];
        risk[c] = static_cast<float>(risk_index(exceed, sanitation, w));
        score[c] = static_cast<float>(std::max(0.0, cases * row.density[c]));
    }
}

} // namespace riskmap::kernels
