#pragma once
/// \file
/// A small valid job (four villages on a 20 x 20 grid) that tests modify one input at a time.

#include "core/error.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace riskmap::test {

/// A small valid job: four 1 km x 1 km villages on a 20 x 20 grid of 100 m pixels.
class SmallJob : public ::testing::Test {
protected:
    void SetUp() override {
        grid = utm_grid(20, 20, 100.0);
        write_inputs();
    }

    void write_inputs() {
        Layer<float> pop(20, 20, 5.0f);
        pop(0, 0) = std::nanf("");
        write_raster(dir / "population.tif", grid, pop);
        write_raster(dir / "sanitation.tif", grid, Layer<float>(20, 20, 0.4f));
        // Four villages of 10 x 10 pixels in the grid's own units.
        const double x = grid.geotransform[0], y = grid.geotransform[3];
        const double sx = 10 * grid.geotransform[1], sy = -10 * grid.geotransform[5];
        write_rect_villages(dir / "villages.gpkg",
                            {{"3205012001", x, y - sy, x + sx, y},
                             {"3205012002", x + sx, y - sy, x + 2 * sx, y},
                             {"3205022003", x, y - 2 * sy, x + sx, y - sy},
                             {"32.05.02.2004", x + sx, y - 2 * sy, x + 2 * sx, y - sy}},
                            grid.crs_wkt);
        records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
                  "32.05.01.2001,100,20,40,0\n"
                  "3205012002,80,30,35,1\n"
                  "3205022003,120,10,50,0\n"
                  "3205022004,90,25,30,0\n";
        sections = {{"inputs",
                     {{"villages", "villages.gpkg"},
                      {"records", "records.csv"},
                      {"population", "population.tif"},
                      {"sanitation", "sanitation.tif"}}},
                    {"smoothing", {{"bandwidth_m", "300"}}},
                    {"output", {{"dir", "out"}}}};
    }

    CommandResult run(const std::vector<std::string>& extra = {}) {
        write_text(dir / "records.csv", records);
        write_text(dir / "job.ini", ini(sections));
        std::vector<std::string> args{"run", "--config", dir / "job.ini", "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_riskmap(args);
    }

    /// Runs and checks the exit code, that each fragment is in the message, and that the
    /// output folder holds no file.
    void expect_failure(int code, const std::vector<std::string>& fragments,
                        const std::vector<std::string>& extra = {}) {
        const auto r = run(extra);
        EXPECT_EQ(r.exit_code, code) << r.output;
        for (const auto& f : fragments)
            EXPECT_NE(r.output.find(f), std::string::npos) << "missing '" << f << "' in\n"
                                                           << r.output;
        EXPECT_TRUE(list_dir(dir / "out").empty()) << "partial output left behind";
    }

    TempDir dir;
    Grid grid;
    std::string records;
    std::map<std::string, std::map<std::string, std::string>> sections;
};

} // namespace riskmap::test
