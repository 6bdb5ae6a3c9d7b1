// Two quarters through `riskmap run` into one output folder: the cube, the change maps and
// last quarter's columns in the village table.

#include "io/cube.hpp"
#include "io/raster_io.hpp"
#include "support/small_job.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <filesystem>

using namespace riskmap;
using namespace riskmap::test;

namespace {
class Quarters : public SmallJob {
protected:
    void run_two_quarters() {
        ASSERT_EQ(run({"--inputs.period", "2025Q2"}).exit_code, 0);
        q2_file = read_text(dir / "out/riskmap.quarters/riskmap_2025Q2.nc");
        // Q3: village 2002 reports far more stunting than in Q2.
        records.replace(records.find("3205012002,80,30"), 16, "3205012002,80,60");
        const auto r = run({"--inputs.period", "2025Q3"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    std::string q2_file;
};
} // namespace

TEST_F(Quarters, SecondQuarterAddsChangeMapsAndPreviousColumns) {
    run_two_quarters();
    const auto files = list_dir(dir / "out");
    for (const char* f : {"stunting_rate_change.tif", "maternal_rate_change.tif",
                          "priority_class_change.tif", "stunting_rate_change.qml"})
        EXPECT_NE(std::find(files.begin(), files.end(), f), files.end()) << f;
    EXPECT_EQ(io::cube_periods(dir / "out/riskmap.nc"),
              (std::vector<std::string>{"2025Q2", "2025Q3"}));
    const std::string csv = read_text(dir / "out/villages.csv");
    const std::string header = csv.substr(0, csv.find('\n'));
    EXPECT_NE(header.find(",stunting_eb_prev,maternal_eb_prev,risk_index_prev,"
                          "priority_rank_prev"),
              std::string::npos)
        << header;
    // The stunting rate rose around village 2002: the change map is positive there.
    const auto change = io::read_band(dir / "out/stunting_rate_change.tif", grid);
    EXPECT_GT(change(5, 15), 0.0f);
    EXPECT_NE(read_text(dir / "out/run.json").find("\"compare.previous\""), std::string::npos);
}

TEST_F(Quarters, ClassChangeIsAByteMapWithAColourPerChange) {
    // Float32 with averaged overviews left fractions no palette entry matches (issue 16).
    run_two_quarters();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((dir / "out/priority_class_change.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    GDALRasterBand* band = ds->GetRasterBand(1);
    EXPECT_EQ(band->GetRasterDataType(), GDT_Byte);
    EXPECT_EQ(band->GetNoDataValue(), 0.0);
    ASSERT_NE(band->GetColorTable(), nullptr);
    EXPECT_EQ(band->GetColorTable()->GetColorEntry(5)->c1, 247); // "same": RdBu's white
    char** names = band->GetCategoryNames();
    ASSERT_GE(CSLCount(names), 10);
    EXPECT_STREQ(names[5], "same");
    EXPECT_STREQ(names[6], "1 higher");
    std::vector<GDALRasterBand*> levels{band};
    for (int k = 0; k < band->GetOverviewCount(); ++k)
        levels.push_back(band->GetOverview(k));
    for (GDALRasterBand* level : levels) {
        std::vector<std::uint8_t> v(std::size_t(level->GetXSize()) * level->GetYSize());
        ASSERT_EQ(level->RasterIO(GF_Read, 0, 0, level->GetXSize(), level->GetYSize(), v.data(),
                                  level->GetXSize(), level->GetYSize(), GDT_Byte, 0, 0),
                  CE_None);
        EXPECT_LE(*std::max_element(v.begin(), v.end()), 9);
    }
    const std::string qml = read_text(dir / "out/priority_class_change.qml");
    EXPECT_NE(qml.find("value=\"5\" color=\"#f7f7f7\" alpha=\"255\" label=\"same\""),
              std::string::npos)
        << qml;
}

TEST_F(Quarters, CubePackWritesOneFileAndRefusesALoneMaster) {
    run_two_quarters();
    const std::string cube = dir / "out/riskmap.nc", packed = dir / "shared.nc";
    const auto r = test::run_riskmap({"cube", "pack", cube, packed});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(io::cube_periods(packed), (std::vector<std::string>{"2025Q2", "2025Q3"}));
    EXPECT_EQ(io::cube_read_villages(cube, "2025Q3").rows(), 4u);
    std::filesystem::create_directories(dir / "lone");
    std::filesystem::copy_file(cube, dir / "lone/riskmap.nc");
    const auto lone = test::run_riskmap({"cube", "pack", dir / "lone/riskmap.nc", dir / "x.nc"});
    EXPECT_EQ(lone.exit_code, 3) << lone.output;
    EXPECT_NE(lone.output.find("is missing"), std::string::npos) << lone.output;
    EXPECT_EQ(test::run_riskmap({"cube"}).exit_code, 2);
    EXPECT_EQ(test::run_riskmap({"cube", "pack", cube, cube}).exit_code, 2);
}

TEST_F(Quarters, EarlierQuarterStaysByteIdenticalAndRerunsReplaceOnlyTheirQuarter) {
    run_two_quarters();
    EXPECT_EQ(read_text(dir / "out/riskmap.quarters/riskmap_2025Q2.nc"), q2_file);
    records.replace(records.find("3205012002,80,60"), 16, "3205012002,80,10");
    ASSERT_EQ(run({"--inputs.period", "2025Q3"}).exit_code, 0);
    EXPECT_EQ(read_text(dir / "out/riskmap.quarters/riskmap_2025Q2.nc"), q2_file);
    EXPECT_EQ(io::cube_periods(dir / "out/riskmap.nc").size(), 2u);
    const auto change = io::read_band(dir / "out/stunting_rate_change.tif", grid);
    EXPECT_LT(change(5, 15), 0.0f); // now lower than Q2
}

TEST_F(Quarters, XarrayAndGdalOpenTheCubeWithTimeAndGrid) {
    run_two_quarters();
    const std::string cube = dir / "out/riskmap.nc";
    const auto py =
        run_command("/usr/bin/python3 -c \"import xarray as xr; d = xr.open_dataset('" + cube +
                    "'); v = d['stunting_rate']; print(v.dims, v.shape, [str(t)[:10] for t in "
                    "d['time'].values])\"");
    ASSERT_EQ(py.exit_code, 0) << py.output;
    EXPECT_NE(py.output.find("('time', 'y', 'x') (2, 20, 20) ['2025-04-01', '2025-07-01']"),
              std::string::npos)
        << py.output;
    const auto info = run_command("gdalinfo 'NETCDF:\"" + cube + "\":stunting_rate'");
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("Size is 20, 20"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("UTM zone 49S"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("Origin = (400000.000000000000000,9230000.000000000000000)"),
              std::string::npos)
        << info.output;
}

TEST_F(Quarters, WithoutAPeriodThereIsNoCube) {
    ASSERT_EQ(run().exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(dir / "out/riskmap.nc"));
}

TEST_F(Quarters, InfoListsTheCubesQuartersAndLayers) {
    run_two_quarters();
    const auto info = run_riskmap({"info", dir / "out/riskmap.nc"});
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("2 quarter(s) 2025Q2 2025Q3"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find(" stunting_rate "), std::string::npos) << info.output;
    EXPECT_NE(info.output.find(" priority_class"), std::string::npos) << info.output;
}
