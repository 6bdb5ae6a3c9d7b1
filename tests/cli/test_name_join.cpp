// inputs.record_name (issue 14): records keyed by village name, as SIGIZI-style tables and
// dashboard extracts write them, joined by normalised name; misspelt and ambiguous names are
// rejected by line with the closest candidates.

#include "core/error.hpp"
#include "core/names.hpp"
#include "support/small_job.hpp"

#include <gtest/gtest.h>

using namespace riskmap;
using namespace riskmap::test;

TEST(Names, NormalisedFormDropsCasePunctuationAndPrefixes) {
    EXPECT_EQ(normalised_name("DESA  Suka-Maju"), "sukamaju");
    EXPECT_EQ(normalised_name("Kel. Sukamaju "), "sukamaju");
    EXPECT_EQ(normalised_name("Ds.Karang Anyar"), "karanganyar");
    EXPECT_EQ(normalised_name("Desa"), "desa"); // a village called Desa keeps its name
    EXPECT_EQ(normalised_name("Kelurahan Pasirmuncang"), "pasirmuncang");
    EXPECT_EQ(edit_distance("sukamju", "sukamaju"), 1u);
}

class NameJoin : public SmallJob {
protected:
    void SetUp() override {
        SmallJob::SetUp();
        const double x = grid.geotransform[0], y = grid.geotransform[3], s = 1000;
        // Two villages called Sukamaju, in kecamatan 32.05.01 and 32.05.02.
        write_rect_villages(dir / "villages.gpkg",
                            {{"3205012001", x, y - s, x + s, y, "Sukamaju"},
                             {"3205012002", x + s, y - s, x + 2 * s, y, "Karanganyar"},
                             {"3205022003", x, y - 2 * s, x + s, y - s, "Sukamaju"},
                             {"3205022004", x + s, y - 2 * s, x + 2 * s, y - s, "Cibodas"}},
                            grid.crs_wkt);
        sections["inputs"]["village_name"] = "nama_desa";
        sections["inputs"]["record_name"] = "desa";
        sections["inputs"]["record_parent_code"] = "kode_kec";
    }
};

TEST_F(NameJoin, NamesWithinTheirKecamatanGiveTheCodeTable) {
    sections["inputs"].erase("record_name");
    sections["inputs"].erase("record_parent_code");
    auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string by_code = read_text(dir / "out/villages.csv");
    sections["inputs"]["record_name"] = "desa";
    sections["inputs"]["record_parent_code"] = "kode_kec";
    records = "kode_kec,desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "32.05.01,DESA SUKAMAJU,100,20,40,0\n"
              "320501,Kel. Karang-Anyar,80,30,35,1\n"
              "320502,sukamaju,120,10,50,0\n"
              "320502, Cibodas ,90,25,30,0\n"
              "320502,Cibodass,1,0,1,0\n"
              "320501,Cimahi,1,0,1,0\n";
    r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/villages.csv"), by_code);
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n"
              "6,Cibodass,no village named 'Cibodass' in 32.05.02 (closest: Cibodas "
              "32.05.02.2004)\n"
              "7,Cimahi,no village named 'Cimahi' in 32.05.01\n");
}

TEST_F(NameJoin, ANameOfTwoVillagesWithoutItsKecamatanIsAmbiguous) {
    sections["inputs"].erase("record_parent_code");
    records = "desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "Sukamaju,100,20,40,0\n"
              "Cibodas,90,25,30,0\n";
    const auto r = run();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_text(dir / "out/rejects.csv"),
              "line,code,reason\n"
              "2,Sukamaju,\"village name 'Sukamaju' matches 2 villages (Sukamaju 32.05.01.2001, "
              "Sukamaju 32.05.02.2003); add the kecamatan code column "
              "(inputs.record_parent_code) or use codes\"\n");
}

TEST_F(NameJoin, VillagesWithoutNamesCannotBeJoinedByName) {
    sections["inputs"].erase("village_name");
    records = "kode_kec,desa,children_measured,children_stunted,live_births,maternal_deaths\n"
              "320501,Sukamaju,100,20,40,0\n";
    expect_failure(kExitUsage, {"inputs.record_name", "set inputs.village_name"});
}
