#include "kernels/pixel_row.hpp"

namespace riskmap::kernels {

PixelSums PixelSumsRow::at(int c) const {
    return {events[c], exposure[c], exposure_w2[c], rate2[c], village_share[c]};
}

namespace {
void gather_row(const PixelSumsRow& sums, const std::uint8_t* mapped, int width,
                const PixelRowModel& model, PixelRowScratch& s) {
    s.events.clear(), s.exposure.clear(), s.columns.clear();
    for (int c = 0; c < width; ++c) {
        const PixelSums at = sums.at(c);
        if (!mapped[c] || !(at.exposure > 0) || at.exposure < model.min_denominator)
            continue;
        const Effective e = model.predictive ? effective_counts(at, model.uncertainty)
                                             : Effective{at.events, at.exposure};
        s.events.push_back(e.events), s.exposure.push_back(e.exposure), s.columns.push_back(c);
    }
}
} // namespace

int pixel_posterior_row(const PixelSumsRow& sums, const std::uint8_t* mapped, int width,
                        const PixelRowModel& model, const PixelMapsRow& out,
                        PixelRowScratch& scratch) {
    gather_row(sums, mapped, width, model, scratch);
    scratch.posteriors.resize(scratch.events.size());
    pixel_posteriors(model.uncertainty.prior, scratch.events, scratch.exposure, model.target,
                     scratch.posteriors);
    for (std::size_t i = 0; i < scratch.columns.size(); ++i) {
        const int c = scratch.columns[i];
        const Posterior& post = scratch.posteriors[i];
        out.rate[c] = sums.events[c] / sums.exposure[c];
        out.mean[c] = static_cast<float>(post.mean);
        out.lower[c] = static_cast<float>(post.lower);
        out.upper[c] = static_cast<float>(post.upper);
        out.exceed[c] = static_cast<float>(post.exceed);
        out.excess[c] = static_cast<float>(post.excess);
        out.information[c] = static_cast<float>(kish_exposure(sums.at(c)));
    }
    return static_cast<int>(scratch.columns.size());
}

} // namespace riskmap::kernels
