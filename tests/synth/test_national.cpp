// The national preset at a reduced scale (same box, 1/60 degree pixels, ~300 villages): grid,
// codes, village coverage, land mask, population sums, thread-independent bytes, and a run of
// the engine on the config it writes. The full scale is checked by hand (see RESULTS).

#include "core/error.hpp"
#include "core/village_code.hpp"
#include "io/gdal_env.hpp"
#include "support/fixtures.hpp"
#include "synth/national.hpp"
#include "synth/synth.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace riskmap;
using namespace riskmap::test;
namespace nat = riskmap::synth::national;

namespace {
constexpr double kTestScale = 0.05; // 1200 x 0.05 = 60 pixels per degree

class NationalSynth : public ::testing::Test {
protected:
    // ctest runs each test in its own process: the second thread count only where needed.
    static void SetUpTestSuite() {
        io::init_gdal();
        dir = new TempDir;
        generate(1);
    }
    static void generate(int threads) {
        synth::SynthOptions opt;
        opt.preset = "national";
        opt.scale = kTestScale;
        opt.threads = threads;
        opt.out_dir = *dir / ("t" + std::to_string(threads));
        synth::generate(opt);
    }
    static void TearDownTestSuite() { delete dir; }
    static std::string data(const std::string& name) { return *dir / ("t1/" + name); }

    struct Village {
        std::string code, kecamatan;
        std::unique_ptr<OGRGeometry> geometry;
    };
    static std::vector<Village> villages() {
        GDALDatasetUniquePtr ds = io::open_vector(data("villages.gpkg"));
        std::vector<Village> out;
        for (auto& f : *ds->GetLayer(0))
            out.push_back({f->GetFieldAsString("kode_desa"), f->GetFieldAsString("kecamatan"),
                           std::unique_ptr<OGRGeometry>(f->StealGeometry())});
        return out;
    }

    static inline TempDir* dir = nullptr;
};

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<float> band(GDALDataset& ds) {
    std::vector<float> v(static_cast<std::size_t>(ds.GetRasterXSize()) *
                         static_cast<std::size_t>(ds.GetRasterYSize()));
    EXPECT_EQ(ds.GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(),
                                            v.data(), ds.GetRasterXSize(), ds.GetRasterYSize(),
                                            GDT_Float32, 0, 0, nullptr),
              CE_None);
    return v;
}

std::set<std::pair<double, double>> vertices(const OGRGeometry& g) {
    std::set<std::pair<double, double>> out;
    for (const OGRPolygon* poly : *g.toMultiPolygon())
        for (const OGRLinearRing* ring : *poly)
            for (const OGRPoint& p : *ring)
                out.insert({p.getX(), p.getY()});
    return out;
}
} // namespace

TEST(NationalPreset, ScaleOneIsTheIndonesiaGridAt3ArcSeconds) {
    const nat::NationalPreset p = nat::national_preset(1);
    const Grid g = nat::national_grid(p);
    EXPECT_EQ(g.width, 55200);
    EXPECT_EQ(g.height, 20400);
    EXPECT_DOUBLE_EQ(g.geotransform[1], 1.0 / 1200);
    EXPECT_DOUBLE_EQ(g.geotransform[5], -1.0 / 1200);
    EXPECT_DOUBLE_EQ(g.geotransform[0], 95);
    EXPECT_DOUBLE_EQ(g.geotransform[3], 6);
    EXPECT_TRUE(g.geographic);
    EXPECT_EQ(nat::national_grid(p, p.sanitation_factor).width, 18400);
    EXPECT_EQ(p.villages, 84000);
    EXPECT_EQ(p.kecamatan, 7200);
    EXPECT_EQ(p.regencies, 514);
    EXPECT_EQ(p.provinces, 38);
}

TEST(NationalPreset, ScaleMustGiveWholePixelsPerDegree) {
    EXPECT_THROW(nat::national_preset(0.051), UsageError);    // 61.2 pixels per degree
    EXPECT_THROW(nat::national_preset(1.0 / 12), UsageError); // 100, not a multiple of 3
    EXPECT_THROW(nat::national_preset(0), UsageError);
    EXPECT_THROW(nat::national_preset(2), UsageError);
    EXPECT_EQ(nat::national_preset(0.05).pixels_per_degree, 60);
    synth::SynthOptions opt;
    opt.preset = "tiny";
    opt.scale = 0.5;
    opt.out_dir = "unused";
    EXPECT_THROW(synth::generate(opt), UsageError);
}

// A square island with a square lake: points and pixel centres get the same answer.
TEST(LandIndex, PointsAndRowSpansFollowOneRule) {
    nat::Island island;
    island.rings = {
        {{100, 0}, {101, 0}, {101, 1}, {100, 1}, {100, 0}},
        {{100.25, 0.25}, {100.25, 0.75}, {100.75, 0.75}, {100.75, 0.25}, {100.25, 0.25}}};
    nat::NationalPreset p = nat::national_preset(0.05);
    const nat::LandIndex land({island}, p);
    EXPECT_EQ(land.island_at(100.1, 0.5), 0);
    EXPECT_EQ(land.island_at(100.5, 0.5), -1); // in the lake
    EXPECT_EQ(land.island_at(99.9, 0.5), -1);
    EXPECT_EQ(land.island_at(100, 0.5), 0); // a crossing counts as land on its east side
    const Grid g = nat::national_grid(p);
    std::vector<nat::Crossing> scratch;
    std::vector<nat::Span> spans;
    int land_pixels = 0;
    for (int r = 0; r < g.height; ++r) {
        nat::row_spans(land, g, r, scratch, spans);
        std::vector<char> in(static_cast<std::size_t>(g.width), 0);
        for (const auto& s : spans)
            for (int c = s.first; c < s.last; ++c)
                in[static_cast<std::size_t>(c)] = 1;
        for (int c = 0; c < g.width; ++c) {
            ASSERT_EQ(in[static_cast<std::size_t>(c)] == 1,
                      land.island_at(g.x_of(c), g.y_of(r)) == 0)
                << "row " << r << " column " << c;
            land_pixels += in[static_cast<std::size_t>(c)];
        }
    }
    EXPECT_EQ(land_pixels, 60 * 60 - 30 * 30);
}

TEST_F(NationalSynth, RastersAreTiledCompressedGeographicGrids) {
    for (const auto& [name, factor] :
         {std::pair<std::string, int>{"population.tif", 1}, {"sanitation.tif", 3}}) {
        GDALDatasetUniquePtr ds = io::open_raster(data(name));
        EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "4326") << name;
        std::array<double, 6> gt{};
        ds->GetGeoTransform(gt.data());
        EXPECT_DOUBLE_EQ(gt[1], factor / (1200 * kTestScale)) << name;
        EXPECT_DOUBLE_EQ(gt[5], -factor / (1200 * kTestScale)) << name;
        EXPECT_DOUBLE_EQ(gt[0], 95);
        EXPECT_DOUBLE_EQ(gt[3], 6);
        EXPECT_EQ(ds->GetRasterXSize(), 46 * 60 / factor);
        EXPECT_EQ(ds->GetRasterYSize(), 17 * 60 / factor);
        int bx = 0, by = 0;
        ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
        EXPECT_EQ(bx, 256);
        EXPECT_EQ(by, 256);
        EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
        int has_nodata = 0;
        EXPECT_TRUE(std::isnan(ds->GetRasterBand(1)->GetNoDataValue(&has_nodata)));
        EXPECT_TRUE(has_nodata);
    }
}

TEST_F(NationalSynth, CodesAreValidUniqueAndNumberedWithinTheirParents) {
    const auto vs = villages();
    ASSERT_GT(vs.size(), 200u);
    std::set<std::string> codes;
    std::map<std::string, std::set<std::string>> kecamatan_names;
    std::map<std::string, std::set<int>> children; // parent code -> child numbers
    for (const auto& v : vs) {
        ASSERT_TRUE(normalise_village_code(v.code).ok()) << v.code;
        ASSERT_EQ(v.code.size(), 10u);
        EXPECT_TRUE(codes.insert(v.code).second) << "duplicate " << v.code;
        const int province = std::stoi(v.code.substr(0, 2));
        EXPECT_TRUE(province >= 11 && province <= 99) << v.code;
        const int village = std::stoi(v.code.substr(6));
        EXPECT_TRUE((village > 1000 && village < 2000) || (village > 2000 && village < 3000))
            << v.code;
        kecamatan_names[v.code.substr(0, 6)].insert(v.kecamatan);
        children[v.code.substr(0, 2)].insert(std::stoi(v.code.substr(2, 2)));
        children[v.code.substr(0, 4)].insert(std::stoi(v.code.substr(4, 2)));
        children[v.code.substr(0, 6) + (village < 2000 ? "k" : "d")].insert(village % 1000);
    }
    for (const auto& [kec, names] : kecamatan_names)
        EXPECT_EQ(names.size(), 1u) << "kecamatan " << kec << " has several names";
    // Regencies, kecamatan and villages are numbered 1..n within their parent, no gaps.
    for (const auto& [parent, numbers] : children)
        EXPECT_EQ(*numbers.rbegin(), static_cast<int>(numbers.size())) << "gap under " << parent;
    std::set<std::string> provinces, regencies;
    for (const auto& c : codes) {
        provinces.insert(c.substr(0, 2));
        regencies.insert(c.substr(0, 4));
    }
    const nat::NationalPreset p = nat::national_preset(kTestScale);
    EXPECT_EQ(provinces.size(), static_cast<std::size_t>(p.provinces));
    EXPECT_EQ(regencies.size(), static_cast<std::size_t>(p.regencies));
    EXPECT_EQ(kecamatan_names.size(), static_cast<std::size_t>(p.kecamatan));
    // Records and truth name exactly these villages, once per quarter.
    std::set<std::string> in_records;
    std::istringstream records(read_text(data("records.csv")));
    std::string line;
    std::getline(records, line);
    while (std::getline(records, line))
        EXPECT_TRUE(in_records.insert(normalise_village_code(line.substr(0, line.find(','))).digits)
                        .second);
    EXPECT_EQ(in_records, codes);
}

TEST_F(NationalSynth, VillagesAreValidAndDoNotOverlap) {
    const auto vs = villages();
    std::size_t borders = 0;
    for (std::size_t i = 0; i < vs.size(); ++i) {
        ASSERT_TRUE(vs[i].geometry->IsValid()) << vs[i].code;
        OGREnvelope a;
        vs[i].geometry->getEnvelope(&a);
        for (std::size_t j = i + 1; j < vs.size(); ++j) {
            OGREnvelope b;
            vs[j].geometry->getEnvelope(&b);
            if (!a.Intersects(b) || !vs[i].geometry->Intersects(vs[j].geometry.get()))
                continue;
            const std::unique_ptr<OGRGeometry> common(
                vs[i].geometry->Intersection(vs[j].geometry.get()));
            const double area = common ? OGR_G_Area(OGRGeometry::ToHandle(common.get())) : 0;
            EXPECT_LT(area, 1e-12) << vs[i].code << " overlaps " << vs[j].code;
            // Neighbours share their border's vertices exactly: queen contiguity finds them.
            std::set<std::pair<double, double>> shared;
            const auto va = vertices(*vs[i].geometry), vb = vertices(*vs[j].geometry);
            for (const auto& v : va)
                if (vb.count(v))
                    shared.insert(v);
            EXPECT_GE(shared.size(), 1u) << vs[i].code << " touches " << vs[j].code;
            borders += shared.size() >= 2;
        }
    }
    EXPECT_GT(borders, vs.size()) << "villages of one island form a mesh of shared borders";
}

// Pixel-centre rasterization of the villages (GDAL's own rule) is the population's land mask.
TEST_F(NationalSynth, LandMaskIsTheRasterizedVillages) {
    GDALDatasetUniquePtr pop = io::open_raster(data("population.tif"));
    const std::vector<float> people = band(*pop);
    GDALDatasetUniquePtr mask(GetGDALDriverManager()->GetDriverByName("MEM")->Create(
        "", pop->GetRasterXSize(), pop->GetRasterYSize(), 1, GDT_Byte, nullptr));
    std::array<double, 6> gt{};
    pop->GetGeoTransform(gt.data());
    mask->SetGeoTransform(gt.data());
    mask->SetSpatialRef(pop->GetSpatialRef());
    GDALDatasetUniquePtr vectors = io::open_vector(data("villages.gpkg"));
    OGRLayerH layer = OGRLayer::ToHandle(vectors->GetLayer(0));
    int band_list = 1;
    double burn = 1;
    ASSERT_EQ(GDALRasterizeLayers(GDALDataset::ToHandle(mask.get()), 1, &band_list, 1, &layer,
                                  nullptr, nullptr, &burn, nullptr, nullptr, nullptr),
              CE_None);
    std::vector<std::uint8_t> inside(people.size());
    ASSERT_EQ(mask->GetRasterBand(1)->RasterIO(
                  GF_Read, 0, 0, mask->GetRasterXSize(), mask->GetRasterYSize(), inside.data(),
                  mask->GetRasterXSize(), mask->GetRasterYSize(), GDT_Byte, 0, 0, nullptr),
              CE_None);
    std::size_t land = 0, mismatched = 0;
    for (std::size_t i = 0; i < people.size(); ++i) {
        land += !std::isnan(people[i]);
        mismatched += !std::isnan(people[i]) != (inside[i] == 1);
    }
    EXPECT_EQ(mismatched, 0u);
    // Land is 15-25 % of the box, as Indonesia's 1.9 million km2 are of its 9.6.
    EXPECT_GT(land, people.size() * 15 / 100);
    EXPECT_LT(land, people.size() * 25 / 100);
}

TEST_F(NationalSynth, VillagePopulationsAddUpToTheRaster) {
    GDALDatasetUniquePtr pop = io::open_raster(data("population.tif"));
    double on_map = 0, top = 0;
    for (float v : band(*pop))
        if (!std::isnan(v)) {
            ASSERT_GE(v, 0);
            on_map += v;
            top = std::max(top, static_cast<double>(v));
        }
    std::istringstream truth(read_text(data("truth_villages.csv")));
    std::string line;
    std::getline(truth, line);
    double in_villages = 0;
    while (std::getline(truth, line)) {
        const std::size_t a = line.find(',') + 1;
        in_villages += std::stod(line.substr(a, line.find(',', a) - a));
    }
    EXPECT_NEAR(in_villages, on_map, 1e-9 * on_map);
    EXPECT_NEAR(on_map, 280e6, 0.02 * 280e6);
    // Cities: the densest pixel (1.85 km wide here) holds several thousand people per km2.
    EXPECT_GT(top / (1.85 * 1.85), 3000);
}

TEST_F(NationalSynth, SanitationIsAShareAtEveryLandPixel) {
    GDALDatasetUniquePtr pop = io::open_raster(data("population.tif"));
    GDALDatasetUniquePtr san = io::open_raster(data("sanitation.tif"));
    const std::vector<float> people = band(*pop), share = band(*san);
    const int w = pop->GetRasterXSize(), sw = san->GetRasterXSize();
    for (std::size_t i = 0; i < people.size(); ++i) {
        if (std::isnan(people[i]))
            continue;
        const int r = static_cast<int>(i) / w, c = static_cast<int>(i) % w;
        const float s =
            share[static_cast<std::size_t>(r / 3) * sw + static_cast<std::size_t>(c / 3)];
        ASSERT_TRUE(s >= 0.01F && s <= 0.99F) << "row " << r << " column " << c;
    }
    EXPECT_TRUE(std::isnan(share.front())) << "open sea north-west of Sumatra";
}

TEST_F(NationalSynth, SameBytesForOneAndTwoThreads) {
    generate(2);
    for (const char* name : {"population.tif", "sanitation.tif", "villages.gpkg", "records.csv",
                             "truth_villages.csv", "national.ini"}) {
        const std::string one = file_bytes(*dir / (std::string("t1/") + name));
        EXPECT_FALSE(one.empty()) << name;
        EXPECT_TRUE(one == file_bytes(*dir / (std::string("t2/") + name))) << name;
    }
}

TEST_F(NationalSynth, RunSucceedsWithTheConfigItWrites) {
    const CommandResult r =
        run_riskmap({"run", "--config", data("national.ini"), "--output.dir", *dir / "out"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    GDALDatasetUniquePtr risk = io::open_raster(*dir / "out/risk_index.tif");
    EXPECT_EQ(risk->GetRasterXSize(), 46 * 60);
    EXPECT_NE(read_text(*dir / "out/villages.csv").find("\n11"), std::string::npos);
}
