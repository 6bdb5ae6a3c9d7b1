#include "pipelines/raster_stages.hpp"

#include "core/error.hpp"
#include "core/numbers.hpp"
#include "io/raster_io.hpp"
#include "kernels/adaptive.hpp"
#include "sched/smooth.hpp"

#include <cmath>

namespace riskmap {

namespace {
void check_population(const Layer<float>& pop, const std::string& path) {
    bool any = false;
    for (int r = 0; r < pop.height(); ++r) {
        for (int c = 0; c < pop.width(); ++c) {
            const float v = pop(r, c);
            if (v < 0)
                throw InputError("'" + path + "': negative population " + format_double(v) +
                                 " at pixel (row " + std::to_string(r) + ", col " +
                                 std::to_string(c) + ")");
            any = any || !std::isnan(v);
        }
    }
    if (!any)
        throw InputError("'" + path + "': every pixel is nodata; nothing to map");
}

void scale_sanitation(Layer<float>& deficit, double scale, const std::string& path) {
    for (float& v : deficit.values()) {
        if (std::isnan(v))
            continue;
        v = static_cast<float>(v / scale);
        if (v < -1e-6f || v > 1.000001f)
            throw InputError("'" + path + "': sanitation value " + format_double(v * scale) +
                             " is outside 0.." + format_double(scale) +
                             " (set inputs.sanitation_scale = 100 for percent)");
    }
}
} // namespace

void ReadRasters::run(JobState& state) {
    const JobConfig& cfg = state.config;
    state.grid = io::read_grid(cfg.population);
    state.population = io::read_band(cfg.population, state.grid);
    check_population(state.population, cfg.population);
    if (!cfg.sanitation.empty()) {
        state.sanitation =
            io::read_band_on_grid(cfg.sanitation, state.grid, io::Resampling::Bilinear);
        scale_sanitation(state.sanitation, cfg.sanitation_scale, cfg.sanitation);
    }
    state.has_rasters = true;
}

void RasterizeVillages::run(JobState& state) {
    state.raster = io::rasterize_villages(state.villages, state.grid, state.config.villages);
    state.footprint = kernels::village_footprint(
        std::as_const(state.raster.village_of_pixel).view(), std::as_const(state.population).view(),
        state.villages.table.size());
    std::size_t outside = 0;
    for (std::size_t v = 0; v < state.villages.table.size(); ++v)
        outside += state.footprint.pixels[v] == 0 && state.raster.point_pixel[v] < 0;
    if (outside > 0)
        state.warnings.push_back(std::to_string(outside) +
                                 " village(s) lie outside the population grid; they are in the "
                                 "tables but not on the maps");
}

namespace {
Layer<float> to_float(const Layer<double>& in) {
    Layer<float> out(in.width(), in.height());
    for (std::size_t i = 0; i < in.size(); ++i)
        out[i] = static_cast<float>(in[i]);
    return out;
}

Layer<float> spread(JobState& state, const std::vector<double>& counts, double& unplaced) {
    Layer<double> pixels(state.grid.width, state.grid.height, 0.0);
    unplaced += kernels::disaggregate(std::as_const(state.raster.village_of_pixel).view(),
                                      std::as_const(state.population).view(), state.footprint,
                                      counts, state.raster.point_pixel, pixels.view());
    return to_float(pixels);
}
} // namespace

void Disaggregate::run(JobState& state) {
    for (const auto& counts : state.counts) {
        state.pixel_numerator.push_back(spread(state, counts.numerator, state.unplaced_events));
        state.pixel_denominator.push_back(spread(state, counts.denominator, state.unplaced_events));
    }
}

namespace {
void smooth_fixed(JobState& state) {
    const auto params = sched::gaussian_rows_for(state.grid, state.config.bandwidth_m);
    for (std::size_t k = 0; k < state.pixel_numerator.size(); ++k) {
        state.smooth_numerator.push_back(sched::gaussian_sum(state.pixel_numerator[k], params));
        state.smooth_denominator.push_back(sched::gaussian_sum(state.pixel_denominator[k], params));
    }
}

void smooth_adaptive(JobState& state) {
    const int w = state.grid.width, h = state.grid.height;
    for (std::size_t k = 0; k < state.pixel_numerator.size(); ++k) {
        Layer<float> y(w, h, 0.0f), n(w, h, 0.0f), used(w, h, 0.0f);
        const auto min_den = static_cast<float>(state.config.indicators[k].min_denominator);
        for (double bandwidth : state.config.bandwidth_ladder_m) {
            const auto params = sched::gaussian_rows_for(state.grid, bandwidth);
            const auto y_h = sched::gaussian_sum(state.pixel_numerator[k], params);
            const auto n_h = sched::gaussian_sum(state.pixel_denominator[k], params);
            kernels::adaptive_step(y_h.view(), n_h.view(), static_cast<float>(bandwidth), min_den,
                                   y.view(), n.view(), used.view());
        }
        state.smooth_numerator.push_back(std::move(y));
        state.smooth_denominator.push_back(std::move(n));
        state.bandwidth_used.push_back(std::move(used));
    }
}
} // namespace

void SmoothGaussian::run(JobState& state) {
    if (state.config.bandwidth_ladder_m.empty())
        smooth_fixed(state);
    else
        smooth_adaptive(state);
    // The unsmoothed layers are no longer needed; free them before scoring.
    state.pixel_numerator.clear();
    state.pixel_denominator.clear();
}

} // namespace riskmap
