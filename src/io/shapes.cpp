#include "io/shapes.hpp"

#include "core/error.hpp"
#include "io/gdal_env.hpp"

#include <cpl_conv.h>
#include <gdal_alg.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>

namespace riskmap::io {

void Box::merge(const Box& other) {
    min_x = std::min(min_x, other.min_x);
    min_y = std::min(min_y, other.min_y);
    max_x = std::max(max_x, other.max_x);
    max_y = std::max(max_y, other.max_y);
}

Shape polygon_shape(const std::vector<std::vector<XY>>& rings) {
    auto out = std::make_unique<OGRPolygon>();
    for (const auto& ring : rings) {
        OGRLinearRing r;
        r.setNumPoints(static_cast<int>(ring.size()), false);
        for (std::size_t i = 0; i < ring.size(); ++i)
            r.setPoint(static_cast<int>(i), ring[i].x, ring[i].y);
        out->addRing(&r);
    }
    return make_shape(std::move(out));
}

Shape empty_multipolygon() {
    return make_shape(std::make_unique<OGRMultiPolygon>());
}

void add_part(Shape& multi, Shape polygon) {
    multi->ogr->toMultiPolygon()->addGeometryDirectly(polygon->ogr.release());
}

Shape polygonal_parts(Shape shape) {
    auto out = std::make_unique<OGRMultiPolygon>();
    if (!shape || !shape->ogr)
        return make_shape(std::move(out));
    const OGRGeometry& geom = *shape->ogr;
    const auto type = wkbFlatten(geom.getGeometryType());
    if (type == wkbPolygon) {
        out->addGeometry(&geom);
    } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        for (const OGRGeometry* part : geom.toGeometryCollection())
            if (wkbFlatten(part->getGeometryType()) == wkbPolygon)
                out->addGeometry(part);
            else if (wkbFlatten(part->getGeometryType()) == wkbMultiPolygon)
                for (const OGRPolygon* poly : part->toMultiPolygon())
                    out->addGeometry(poly);
    }
    return make_shape(std::move(out));
}

bool is_empty(const Shape& shape) {
    return shape->ogr->IsEmpty();
}

bool is_valid(const Shape& shape) {
    return shape->ogr->IsValid();
}

Shape made_valid(const Shape& shape) {
    std::unique_ptr<OGRGeometry> fixed(shape->ogr->MakeValid());
    return fixed ? make_shape(std::move(fixed)) : Shape();
}

Shape difference(const Shape& a, const Shape& b) {
    std::unique_ptr<OGRGeometry> rest(a->ogr->Difference(b->ogr.get()));
    return rest ? make_shape(std::move(rest)) : Shape();
}

std::optional<XY> centroid(const Shape& shape) {
    OGRPoint point;
    if (shape->ogr->Centroid(&point) != OGRERR_NONE)
        return std::nullopt;
    return XY{point.getX(), point.getY()};
}

std::optional<XY> point_on_surface(const Shape& shape) {
    OGRPoint point;
    const OGRGeometry& g = *shape->ogr;
    OGRErr err = OGRERR_FAILURE;
    if (wkbFlatten(g.getGeometryType()) == wkbMultiPolygon)
        err = g.toMultiPolygon()->PointOnSurface(&point);
    else if (wkbFlatten(g.getGeometryType()) == wkbPolygon)
        err = g.toPolygon()->PointOnSurface(&point);
    if (err != OGRERR_NONE)
        return std::nullopt;
    return XY{point.getX(), point.getY()};
}

Box envelope(const Shape& shape) {
    OGREnvelope e;
    shape->ogr->getEnvelope(&e);
    return {e.MinX, e.MinY, e.MaxX, e.MaxY};
}

std::string epsg_wkt(int epsg) {
    OGRSpatialReference srs;
    if (srs.importFromEPSG(epsg) != OGRERR_NONE)
        throw Error("EPSG:" + std::to_string(epsg) + " is not a known CRS" + gdal_last_error());
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

namespace {
OGRSpatialReference gis_order_epsg(int epsg) {
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::unique_ptr<OGRCoordinateTransformation> transform_to(const VillageLayer& layer,
                                                          const OGRSpatialReference& to) {
    const OGRSpatialReference* from = ogr_srs(layer.srs);
    return std::unique_ptr<OGRCoordinateTransformation>(
        from ? OGRCreateCoordinateTransformation(from, &to) : nullptr);
}
} // namespace

int utm_epsg_of(const VillageLayer& layer) {
    Box all;
    for (const auto& g : layer.geometries)
        all.merge(envelope(g));
    double lon = (all.min_x + all.max_x) / 2, lat = (all.min_y + all.max_y) / 2;
    if (!layer.srs || !layer.srs->ogr.IsGeographic()) {
        const auto ct = transform_to(layer, gis_order_epsg(4326));
        if (!ct || !ct->Transform(1, &lon, &lat))
            throw InputError("synth: cannot place the villages on the globe" + gdal_last_error());
    }
    const int zone = std::clamp(static_cast<int>(std::floor((lon + 180) / 6)) + 1, 1, 60);
    return (lat < 0 ? 32700 : 32600) + zone;
}

std::vector<Shape> multipolygons_in(const VillageLayer& layer, int epsg, const std::string& path) {
    const auto ct = transform_to(layer, gis_order_epsg(epsg));
    if (!ct)
        throw InputError("'" + path + "': cannot transform the villages to UTM" +
                         gdal_last_error());
    std::vector<Shape> out;
    for (std::size_t i = 0; i < layer.table.size(); ++i) {
        std::unique_ptr<OGRGeometry> copy(layer.geometries[i]->ogr->clone());
        if (copy->transform(ct.get()) != OGRERR_NONE)
            throw InputError("'" + path + "' village " + layer.table[i].code +
                             ": cannot be transformed to UTM" + gdal_last_error());
        if (wkbFlatten(copy->getGeometryType()) != wkbMultiPolygon) {
            auto multi = std::make_unique<OGRMultiPolygon>();
            multi->addGeometryDirectly(copy.release());
            copy = std::move(multi);
        }
        out.push_back(make_shape(std::move(copy)));
    }
    return out;
}

namespace {
GDALDatasetUniquePtr mem_raster(const Grid& g, GDALDataType type, const void* data) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", g.width, g.height, 1, type, nullptr));
    auto gt = g.geotransform;
    ds->SetGeoTransform(gt.data());
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, g.width, g.height, const_cast<void*>(data),
                                       g.width, g.height, type, 0, 0) != CE_None)
        throw Error("cannot fill an in-memory raster" + gdal_last_error());
    return ds;
}
} // namespace

std::vector<Shape> polygonize_labels(const Grid& g, const Layer<std::int32_t>& labels,
                                     std::size_t count) {
    Layer<std::uint8_t> mask(g.width, g.height, 0);
    for (std::size_t i = 0; i < labels.size(); ++i)
        mask[i] = labels[i] > 0 ? 1 : 0;
    auto label_ds = mem_raster(g, GDT_Int32, labels.data());
    auto mask_ds = mem_raster(g, GDT_Byte, mask.data());
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");
    GDALDatasetUniquePtr vec(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = vec->CreateLayer("labels", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn field("label", OFTInteger);
    layer->CreateField(&field);
    if (GDALPolygonize(label_ds->GetRasterBand(1), mask_ds->GetRasterBand(1), layer, 0, nullptr,
                       nullptr, nullptr) != CE_None)
        throw Error("polygonizing labels failed" + gdal_last_error());
    std::vector<Shape> out(count);
    for (auto& feature : *layer) {
        const int label = feature->GetFieldAsInteger(0);
        if (label < 1 || static_cast<std::size_t>(label) > count)
            continue;
        auto& slot = out[static_cast<std::size_t>(label - 1)];
        if (!slot)
            slot = empty_multipolygon();
        slot->ogr->toMultiPolygon()->addGeometry(feature->GetGeometryRef());
    }
    return out;
}

Layer<std::int32_t> burn_shapes(const Grid& g, const std::vector<const Shape*>& shapes) {
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        handles.push_back(OGRGeometry::ToHandle((*shapes[i])->ogr.get()));
        burn.push_back(static_cast<double>(i));
    }
    return burn_indices({g.width, g.height, &g.geotransform, nullptr, nullptr}, handles, burn,
                        "polygons");
}

void write_text_polygons(
    const std::string& path, const std::string& layer_name, int epsg,
    const std::vector<TextField>& fields,
    const std::vector<std::pair<const Shape*, std::vector<std::string>>>& rows) {
    std::vector<GpkgLayerWriter::Field> columns;
    for (const auto& f : fields)
        columns.push_back({f.name, OFTString, f.width});
    const OGRSpatialReference srs = gis_order_epsg(epsg);
    GpkgLayerWriter out(path, "2025-01-01T00:00:00Z", layer_name.c_str(), &srs, columns);
    for (const auto& [shape, values] : rows) {
        OGRFeature feature(out.layer().GetLayerDefn());
        for (std::size_t c = 0; c < values.size(); ++c)
            feature.SetField(static_cast<int>(c), values[c].c_str());
        feature.SetGeometry((*shape)->ogr.get());
        out.add(feature);
    }
    out.commit();
    out.close();
}

} // namespace riskmap::io
