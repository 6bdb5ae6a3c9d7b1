#pragma once
/// \file
/// A deterministic, seeded generator of realistic riskmap inputs (villages, quarterly records,
/// population and sanitation rasters) together with the true risk surfaces they were drawn
/// from, so that tests and benchmarks can check the engine against a known answer.

#include <cstdint>
#include <string>

namespace riskmap::synth {

// The field comments stay lined up as in the interface agreed for this file.
// clang-format off
struct SynthOptions {
    std::string preset = "district"; // "national" (EPSG:4326 at 3", 55200x20400 px, ~84,000 villages, streamed), "province" (~2830x2830 px, ~8,500 villages in 25 regencies), "district" (1000x1000 px, ~240 villages) or "tiny" (~120x100 px, ~12 villages, for fast unit tests)
    std::uint64_t seed = 42;
    std::string out_dir;             // created if missing
    std::string period = "2025Q3";   // the last quarter in the records
    int quarters = 1;                // consecutive quarters of records ending at period
    double scale = 1;                // national only: pixels per degree x scale (same box, coarser pixels), villages x scale^2
    int threads = 0;                 // national only: 0 = all cores; the bytes do not depend on it
    double truth_cv = -1;            // calibration: >= 0 sets the CV of the villages' true rates (both indicators)
    double maternal_events = -1;     // calibration: >= 0 sets the expected maternal deaths per quarter over the map
    double stunting_mean = -1;       // calibration: in (0, 1) sets the population-weighted mean true stunting
    std::string villages;            // given polygons (real boundaries): the district is made over them
    std::string villages_layer;      // their layer (empty: the only one)
    std::string village_code = "kode_desa"; // their 10-digit code field
    std::string village_name;        // their name field (empty: names from the codes)
};
// clang-format on

/// Writes into out_dir: villages.gpkg, records.csv, population.tif, sanitation.tif,
/// truth_stunting.tif, truth_maternal.tif, truth_villages.csv. The national preset writes no
/// truth rasters (a whole layer would not fit in memory) but national.ini, a ready-to-run
/// config. Throws riskmap::UsageError for an unknown preset. The same options give the same
/// bytes in every file, whatever the thread count.
void generate(const SynthOptions& options);

} // namespace riskmap::synth
