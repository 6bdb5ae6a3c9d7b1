// inputs.code_crosswalk (issue 14): records keyed by BPS codes joined to Kemendagri polygons;
// unmatched and ambiguous codes rejected by line.

#include "core/error.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

class CodeCrosswalkRun : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        write_text(dir / "crosswalk.csv", "kode_bps,kode_kemendagri\n"
                                          "3205010001,32.05.01.2001\n"
                                          "3205010002,3205012002\n"
                                          "3205020003,3205022003\n"
                                          "3205020004,3205022004\n"
                                          "3205020006,3205022003\n"   // split after 2020:
                                          "3205020006,3205022004\n"); // ambiguous
    }
};

TEST_F(CodeCrosswalkRun, BpsCodesJoinThroughTheCrosswalk) {
    auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string direct = read_text(dir / "out/villages.csv");
    records = "kode_desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "3205010001,100,20,40,0\n"
              "3205010002,80,30,35,1\n"
              "3205020003,120,10,50,0\n"
              "32.05.02.0004,90,25,30,0\n"
              "3205029999,10,1,5,0\n"
              "3205020006,10,1,5,0\n";
    sections["inputs"]["code_crosswalk"] = "crosswalk.csv";
    r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), direct);
    const std::string xwalk = (dir / "crosswalk.csv");
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n"
              "6,3205029999,code 32.05.02.9999 is not in the crosswalk '" +
                  xwalk +
                  "'\n"
                  "7,3205020006,\"code 32.05.02.0006 maps to 2 polygons in the crosswalk "
                  "(32.05.02.2003, 32.05.02.2004); ambiguous: its counts cannot be split\"\n");
    EXPECT_NE(read_text(dir / "out/run.json").find("crosswalk.csv"), std::string::npos);
}

TEST_F(CodeCrosswalkRun, ABadCrosswalkLineIsNamed) {
    write_text(dir / "crosswalk.csv", "kode_bps,kode_kemendagri\n3205010001,32050120\n");
    sections["inputs"]["code_crosswalk"] = "crosswalk.csv";
    expect_failure(kExitInput, {"crosswalk.csv", "line 2", "village code '32050120' has 8 digits"});
}

TEST_F(CodeCrosswalkRun, APairListedTwiceIsNamed) {
    write_text(dir / "crosswalk.csv",
               "kode_bps,kode_kemendagri\n3205010001,3205012001\n3205010001,32.05.01.2001\n");
    sections["inputs"]["code_crosswalk"] = "crosswalk.csv";
    expect_failure(kExitInput,
                   {"crosswalk.csv", "line 3", "32.05.01.0001 -> 32.05.01.2001 is listed twice"});
}
