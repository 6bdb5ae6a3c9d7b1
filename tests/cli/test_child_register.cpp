// Child-level registers (issue 14): one row per child measured, aggregated to children
// measured and stunted per village and quarter, end to end through `riskmap run`.

#include "core/error.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;

namespace {
std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == ',')
            out.emplace_back();
        else
            out.back().push_back(c);
    }
    return out;
}

/// The cell of `column` in the row of `code` of a villages.csv written by riskmap.
std::string cell(const std::string& csv, const std::string& code, const std::string& column) {
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    const auto header = split(line);
    const auto at = std::find(header.begin(), header.end(), column);
    if (at == header.end())
        return "(no column " + column + ")";
    while (std::getline(in, line)) {
        const auto fields = split(line);
        if (fields[0] == code)
            return fields[std::size_t(at - header.begin())];
    }
    return "(no row " + code + ")";
}
} // namespace

class ChildRegister : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        auto& in = sections["inputs"];
        in["records_kind"] = "children";
        in["record_period"] = "tanggal_ukur";
        in["period"] = "2025Q3";
        in["child_id"] = "id_anak";
        in["child_haz"] = "zs_tbu";
        in["child_status"] = "status_tbu";
        in["child_age"] = "umur_bulan";
        records = "kode_desa,tanggal_ukur,id_anak,jk,umur_bulan,zs_tbu,status_tbu\n"
                  // line 2-3: child A measured twice; the later (not stunted) counts
                  "32.05.01.2001,2025-07-03,A,L,24,-2.5,Pendek\n"
                  "32.05.01.2001,15/09/2025,A,L,26,-1.5,Normal\n"
                  // line 4: decimal comma, stunted
                  "3205012001,Juli 2025,B,P,30,\"-3,1\",Pendek\n"
                  // line 5: status words only
                  "3205012001,2025-08-20,C,P,12,,Pendek\n"
                  // line 6: implausible z-score (WHO flag); line 7: not under five
                  "3205012001,2025-08-20,D,L,40,7.25,Tinggi\n"
                  "3205012001,2025-08-21,E,L,61,-1.0,Normal\n"
                  // lines 8-9: village 2
                  "3205012002,2025-07-10,F,L,11,0.3,Normal\n"
                  "3205012002,2025-07-10,G,P,50,,Sangat Pendek\n"
                  // line 10: another quarter; line 11: a status word no register uses
                  "3205012002,2025-10-01,H,P,20,-2.4,Pendek\n"
                  "3205022003,2025-08-01,I,P,20,,Kerdil\n"
                  // lines 12-13: village 3 and 4 without ids: two children each
                  "3205022003,2025-08-01,,L,20,-2.1,\n"
                  "3205022004,2025-09-01,,L,20,-0.1,\n";
    }
};

TEST_F(ChildRegister, ChildrenAreCountedOncePerQuarterAndImplausibleRowsRejected) {
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string villages = read_text(dir / "out/villages.csv");
    EXPECT_EQ(cell(villages, "3205012001", "stunting_num"), "2") << villages; // B, C
    EXPECT_EQ(cell(villages, "3205012001", "stunting_den"), "3");             // A, B, C
    EXPECT_EQ(cell(villages, "3205012002", "stunting_num"), "1");             // G
    EXPECT_EQ(cell(villages, "3205012002", "stunting_den"), "2");
    EXPECT_EQ(cell(villages, "3205022003", "stunting_den"), "1");
    EXPECT_EQ(cell(villages, "3205022004", "stunting_num"), "0");
    // A register holds no births: only the indicator it feeds is mapped.
    EXPECT_EQ(villages.find("maternal"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir / "out/maternal_mean.tif"));
    EXPECT_TRUE(std::filesystem::exists(dir / "out/stunting_mean.tif"));

    const std::string rejects = read_text(dir / "out/rejects.csv");
    EXPECT_EQ(rejects,
              "line,code,reason\n"
              "6,3205012001,height-for-age z-score outside -6..+6 (implausible; WHO flag)\n"
              "7,3205012001,age in months missing or outside 0..59 (not under five)\n"
              "11,3205022003,\"height-for-age status word not recognised (expected Sangat "
              "Pendek, Pendek, Normal or Tinggi)\"\n");
    const std::string json = read_text(dir / "out/run.json");
    EXPECT_NE(json.find("\"children\": {\"rows\": 12, \"measurements_counted\": 8, "
                        "\"repeated_measurements_left_out\": 1, \"rows_rejected\": 3}"),
              std::string::npos)
        << json;
    // No child-level value reaches an output: not the implausible z-score, not the ages.
    for (const auto& file : list_dir(dir / "out")) {
        if (file.ends_with(".csv") || file.ends_with(".json")) {
            EXPECT_EQ(read_text(dir / ("out/" + file)).find("7.25"), std::string::npos) << file;
        }
    }
}

TEST_F(ChildRegister, NeedsAZScoreOrStatusColumn) {
    sections["inputs"].erase("child_haz");
    sections["inputs"].erase("child_status");
    expect_failure(kExitUsage, {"inputs.records_kind = children needs inputs.child_haz"});
}

TEST_F(ChildRegister, AMissingColumnIsNamed) {
    sections["inputs"]["child_haz"] = "zs_tb_u";
    expect_failure(kExitInput, {"records.csv", "no column 'zs_tb_u'", "zs_tbu"});
}

TEST_F(ChildRegister, TheRegisterIndicatorMustBeAProportion) {
    sections["inputs"]["register_indicator"] = "maternal";
    expect_failure(kExitUsage, {"inputs.register_indicator 'maternal'", "binomial"});
}
