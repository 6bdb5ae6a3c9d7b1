// riskmap's neighbours and empirical Bayes against R's spdep on the synthetic district: the
// reference implementation of DESIGN.md section 3, run side by side (tests/reference/*.R).

#include "support/fixtures.hpp"
#include "synth/synth.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include <sys/wait.h>

using namespace riskmap;
using namespace riskmap::test;

TEST(SpdepReference, NeighboursAndEmpiricalBayesMatchSpdep) {
    TempDir dir;
    synth::SynthOptions opt;
    opt.out_dir = dir / "data";
    synth::generate(opt);
    // Tables only, with the same counts under both models so every spdep function applies.
    const auto run = run_riskmap({"run",
                                  "--inputs.villages",
                                  dir / "data/villages.gpkg",
                                  "--inputs.records",
                                  dir / "data/records.csv",
                                  "--inputs.record_period",
                                  "periode",
                                  "--output.dir",
                                  dir / "out",
                                  "--quiet",
                                  "--indicator.pois.numerator",
                                  "children_stunted",
                                  "--indicator.pois.denominator",
                                  "children_measured",
                                  "--indicator.pois.model",
                                  "poisson",
                                  "--indicator.pois.target",
                                  "0.2",
                                  "--indicator.pois.population_share",
                                  "0.09",
                                  "--indicator.binom.numerator",
                                  "children_stunted",
                                  "--indicator.binom.denominator",
                                  "children_measured",
                                  "--indicator.binom.model",
                                  "binomial",
                                  "--indicator.binom.target",
                                  "0.14",
                                  "--indicator.binom.population_share",
                                  "0.09"});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto check = run_command("Rscript " + std::string(RISKMAP_SOURCE_DIR) +
                                   "/tests/reference/spdep_check.R " + dir / "out");
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_EQ(check.output.find("FAIL"), std::string::npos) << check.output;
    std::size_t oks = 0;
    for (std::size_t p = 0; (p = check.output.find("OK ", p)) != std::string::npos; ++p)
        ++oks;
    EXPECT_EQ(oks, 4u) << check.output;
}
