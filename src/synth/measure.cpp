#include "synth/internal.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"

#include <cpl_conv.h>
#include <gdal_alg.h>
#include <ogrsf_frmts.h>

#include <cmath>

namespace riskmap::synth::detail {

// Village index of every analysis pixel (pixel-centre rule, as riskmap itself rasterizes).
Layer<std::int32_t> village_owner(const Grid& g, const VillageSet& set) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", g.width, g.height, 1, GDT_Int32, nullptr));
    auto gt = g.geotransform;
    ds->SetGeoTransform(gt.data());
    ds->GetRasterBand(1)->Fill(-1);
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < set.villages.size(); ++i) {
        handles.push_back(OGRGeometry::ToHandle(set.villages[i].geometry.get()));
        burn.push_back(static_cast<double>(i));
    }
    int band = 1;
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                                static_cast<int>(handles.size()), handles.data(), nullptr, nullptr,
                                burn.data(), nullptr, nullptr, nullptr) != CE_None)
        throw Error("synth: rasterizing the villages failed" + io::gdal_last_error());
    Layer<std::int32_t> owner(g.width, g.height);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, g.width, g.height, owner.data(), g.width,
                                       g.height, GDT_Int32, 0, 0) != CE_None)
        throw Error("synth: reading the rasterized villages failed" + io::gdal_last_error());
    return owner;
}

namespace {
struct Sums {
    double pop = 0, pop_p = 0, pop_l = 0, p = 0, l = 0;
    int pixels = 0;
};

std::vector<Sums> village_sums(const Layer<std::int32_t>& owner, const Surfaces& s,
                               std::size_t count) {
    std::vector<Sums> sums(count);
    for (std::size_t i = 0; i < owner.size(); ++i) {
        if (owner[i] < 0 || std::isnan(s.stunting[i]))
            continue;
        Sums& v = sums[static_cast<std::size_t>(owner[i])];
        const double pop = s.population[i];
        v.pop += pop;
        v.pop_p += pop * s.stunting[i];
        v.pop_l += pop * s.maternal[i];
        v.p += s.stunting[i];
        v.l += s.maternal[i];
        ++v.pixels;
    }
    return sums;
}

// Sub-pixel villages (and any other village holding no pixel centre) take the rates of the
// pixel under their centroid and a registry-sized population of their own: the raster cannot
// see them.
void measure_point(const Grid& g, const Surfaces& s, Village& v, Rng& rng) {
    OGRPoint point;
    const OGRErr err = v.tiny ? v.geometry->Centroid(&point) : v.geometry->PointOnSurface(&point);
    if (err != OGRERR_NONE)
        throw Error("synth: no representative point for village " + v.code);
    const int col =
        static_cast<int>(std::floor((point.getX() - g.geotransform[0]) / g.geotransform[1]));
    const int row =
        static_cast<int>(std::floor((point.getY() - g.geotransform[3]) / g.geotransform[5]));
    v.population = std::round(rng.uniform(150, 400));
    v.stunting = v.maternal = std::nan("");
    if (col >= 0 && row >= 0 && col < g.width && row < g.height) {
        v.stunting = s.stunting(row, col);
        v.maternal = s.maternal(row, col);
    }
    if (std::isnan(v.stunting) || std::isnan(v.maternal))
        throw Error("synth: village " + v.code + " lies on water");
}
} // namespace

void measure_villages(const Preset& p, const Surfaces& s, VillageSet& set, Rng& rng) {
    const Grid g = preset_grid(p);
    const auto sums = village_sums(village_owner(g, set), s, set.villages.size());
    for (std::size_t k = 0; k < set.villages.size(); ++k) {
        Village& v = set.villages[k];
        const Sums& m = sums[k];
        if (v.tiny || m.pixels == 0) {
            measure_point(g, s, v, rng);
            continue;
        }
        v.population = m.pop;
        // Population-weighted, as the truth for counts drawn from the village's people; an
        // unpeopled (forest) village falls back to the plain mean.
        v.stunting = m.pop > 0 ? m.pop_p / m.pop : m.p / m.pixels;
        v.maternal = m.pop > 0 ? m.pop_l / m.pop : m.l / m.pixels;
    }
}

namespace {
void add_string_field(OGRLayer& layer, const char* name, int width) {
    OGRFieldDefn defn(name, OFTString);
    defn.SetWidth(width);
    if (layer.CreateField(&defn) != OGRERR_NONE)
        throw Error(std::string("synth: cannot create field ") + name + io::gdal_last_error());
}
} // namespace

void write_villages(const std::string& path, const VillageSet& set, int epsg) {
    // GeoPackage stamps gpkg_contents.last_change with the clock; a fixed date keeps reruns
    // byte-identical. Thread-local, so other GDAL users in the process are unaffected.
    CPLConfigOptionSetter fixed_date("OGR_CURRENT_DATE", "2025-01-01T00:00:00Z", false);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds)
        throw Error("synth: cannot create '" + path + "'" + io::gdal_last_error());
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = ds->CreateLayer("villages", &srs, wkbMultiPolygon, nullptr);
    if (!layer)
        throw Error("synth: cannot create layer in '" + path + "'" + io::gdal_last_error());
    add_string_field(*layer, "kode_desa", 10);
    add_string_field(*layer, "nama_desa", 0);
    add_string_field(*layer, "kecamatan", 0);
    ds->StartTransaction();
    for (const auto& v : set.villages) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField(0, v.code.c_str());
        feature.SetField(1, v.name.c_str());
        feature.SetField(2, set.kecamatan_names[static_cast<std::size_t>(v.kecamatan)].c_str());
        feature.SetGeometry(v.geometry.get());
        if (layer->CreateFeature(&feature) != OGRERR_NONE)
            throw Error("synth: cannot write village " + v.code + io::gdal_last_error());
    }
    if (ds->CommitTransaction() != OGRERR_NONE)
        throw Error("synth: cannot write '" + path + "'" + io::gdal_last_error());
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() == CE_Failure)
        throw Error("synth: cannot finish '" + path + "'" + io::gdal_last_error());
}

} // namespace riskmap::synth::detail
