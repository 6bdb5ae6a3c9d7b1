#include "io/vector_io.hpp"

#include "core/error.hpp"
#include "core/village_code.hpp"
#include "io/gdal_env.hpp"
#include "io/staged_output.hpp"

#include <cpl_conv.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace riskmap::io {

namespace {
std::string where(const std::string& path, GIntBig fid) {
    return "'" + path + "' feature " + std::to_string(fid);
}

OGRLayer* pick_layer(GDALDataset& ds, const VillageSource& source) {
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    if (!source.layer.empty()) {
        if (OGRLayer* layer = ds.GetLayerByName(source.layer.c_str()))
            return layer;
        throw InputError("'" + source.path + "': no layer '" + source.layer +
                         "' (layers: " + names + ")");
    }
    if (ds.GetLayerCount() == 1)
        return ds.GetLayer(0);
    throw UsageError("'" + source.path + "' has " + std::to_string(ds.GetLayerCount()) +
                     " layers (" + names + "); set inputs.villages_layer to one of them");
}

int field_index(OGRLayer& layer, const std::string& field, const std::string& path,
                const char* option) {
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const int idx = defn->GetFieldIndex(field.c_str());
    if (idx >= 0)
        return idx;
    std::string fields;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        fields += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    throw InputError("'" + path + "' layer '" + layer.GetName() + "': no field '" + field +
                     "' for " + option + " (fields: " + fields + ")");
}

bool ring_is_finite(const OGRLinearRing& ring) {
    for (int i = 0; i < ring.getNumPoints(); ++i)
        if (!std::isfinite(ring.getX(i)) || !std::isfinite(ring.getY(i)))
            return false;
    return true;
}

bool polygon_is_finite(const OGRPolygon& polygon) {
    for (const OGRLinearRing* ring : polygon)
        if (!ring_is_finite(*ring))
            return false;
    return true;
}

/// GEOS calls a NaN vertex invalid but MakeValid keeps it; name it instead of repairing.
bool coordinates_are_finite(const OGRGeometry& geom) {
    if (wkbFlatten(geom.getGeometryType()) == wkbPolygon)
        return polygon_is_finite(*geom.toPolygon());
    for (const OGRPolygon* part : *geom.toMultiPolygon())
        if (!polygon_is_finite(*part))
            return false;
    return true;
}

std::unique_ptr<OGRGeometry> checked_geometry(OGRFeature& feature, const VillageSource& source,
                                              const std::string& code) {
    const std::string place = where(source.path, feature.GetFID()) + " (code " + code + ")";
    const OGRGeometry* geom = feature.GetGeometryRef();
    if (!geom || geom->IsEmpty())
        throw InputError(place + ": empty geometry; every village needs its polygon");
    const auto type = wkbFlatten(geom->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon)
        throw InputError(place + ": geometry is " + geom->getGeometryName() +
                         "; expected Polygon or MultiPolygon");
    if (!coordinates_are_finite(*geom))
        throw InputError(place + ": a vertex has a NaN or infinite coordinate");
    std::unique_ptr<OGRGeometry> out(geom->clone());
    if (out->IsValid())
        return out;
    if (!source.repair)
        throw InputError(place + ": invalid geometry (self-intersection or bad ring); fix it or "
                                 "set inputs.repair_geometry = true");
    std::unique_ptr<OGRGeometry> fixed(out->MakeValid());
    if (fixed && wkbFlatten(fixed->getGeometryType()) == wkbGeometryCollection) {
        // MakeValid may return a collection with stray lines or points; keep the areas.
        auto areas = std::make_unique<OGRMultiPolygon>();
        for (const OGRGeometry* part : *fixed->toGeometryCollection()) {
            const auto t = wkbFlatten(part->getGeometryType());
            if (t == wkbPolygon || t == wkbMultiPolygon)
                areas->addGeometry(part);
        }
        fixed = std::move(areas);
    }
    const auto t = fixed ? wkbFlatten(fixed->getGeometryType()) : wkbUnknown;
    if (!fixed || fixed->IsEmpty() || (t != wkbPolygon && t != wkbMultiPolygon))
        throw InputError(place + ": invalid geometry that GEOS cannot repair into polygons");
    return fixed;
}

/// The level of `raw` from its digit count, for inputs.unit = auto.
AreaUnit unit_of_first_code(const std::string& raw, const std::string& place) {
    std::size_t digits = 0;
    bool only_digits = !raw.empty();
    for (char c : raw) {
        digits += c >= '0' && c <= '9';
        only_digits &= (c >= '0' && c <= '9') || c == '.' || c == ' ' || c == '-';
    }
    const auto unit = only_digits ? unit_from_digits(digits) : std::nullopt;
    if (!unit)
        throw InputError(place + ": cannot tell the areas' level from code '" + raw +
                         "' (Kemendagri codes have 2, 4, 6 or 10 digits); set inputs.unit to "
                         "village, kecamatan, regency, province, or any for other ids");
    return *unit;
}
} // namespace

VillageLayer read_villages(const VillageSource& source) {
    auto ds = open_vector(source.path);
    OGRLayer* layer = pick_layer(*ds, source);
    const int code_idx = field_index(*layer, source.code_field, source.path, "inputs.village_code");
    const int name_idx =
        source.name_field.empty()
            ? -1
            : field_index(*layer, source.name_field, source.path, "inputs.village_name");
    VillageLayer out;
    out.layer_name = layer->GetName();
    if (const OGRSpatialReference* srs = layer->GetSpatialRef())
        out.srs = gis_order_srs(*srs);
    std::unordered_map<std::string, GIntBig> first_fid;
    layer->ResetReading();
    for (auto& feature : *layer) {
        const std::string raw = feature->IsFieldSetAndNotNull(code_idx)
                                    ? feature->GetFieldAsString(code_idx)
                                    : std::string();
        if (out.table.size() == 0)
            out.unit = source.unit ? *source.unit
                                   : unit_of_first_code(raw, where(source.path, feature->GetFID()));
        const NormalisedCode code = normalise_area_code(raw, out.unit);
        if (!code.ok())
            throw InputError(where(source.path, feature->GetFID()) + ": " + code.problem);
        const auto [it, fresh] = first_fid.emplace(code.digits, feature->GetFID());
        if (!fresh)
            throw InputError(where(source.path, feature->GetFID()) + ": duplicate " +
                             code_noun(out.unit) + " " + dotted_code(code.digits) +
                             " (also feature " + std::to_string(it->second) + ")");
        auto geom = checked_geometry(*feature, source, code.digits);
        const std::string name = name_idx >= 0 ? feature->GetFieldAsString(name_idx) : "";
        out.table.add(Village{code.digits, name, feature->GetFID()});
        out.geometries.push_back(std::move(geom));
    }
    if (out.table.size() == 0)
        throw InputError("'" + source.path + "' layer '" + out.layer_name + "': no villages");
    return out;
}

namespace {
std::vector<std::unique_ptr<OGRGeometry>> to_grid_crs(const VillageLayer& villages,
                                                      const Grid& grid, const std::string& path) {
    if (villages.srs.IsEmpty())
        throw InputError("'" + path + "': villages have no CRS; add one (e.g. a .prj file)");
    OGRSpatialReference grid_srs;
    grid_srs.importFromWkt(grid.crs_wkt.c_str());
    grid_srs = gis_order_srs(grid_srs);
    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (!villages.srs.IsSame(&grid_srs)) {
        ct.reset(OGRCreateCoordinateTransformation(&villages.srs, &grid_srs));
        if (!ct)
            throw InputError("'" + path + "': cannot transform villages to the grid's CRS" +
                             gdal_last_error());
    }
    std::vector<std::unique_ptr<OGRGeometry>> out;
    out.reserve(villages.geometries.size());
    for (std::size_t i = 0; i < villages.geometries.size(); ++i) {
        std::unique_ptr<OGRGeometry> g(villages.geometries[i]->clone());
        if (ct && g->transform(ct.get()) != OGRERR_NONE)
            throw InputError(where(path, villages.table[i].feature_id) +
                             ": cannot be transformed to the grid's CRS");
        out.push_back(std::move(g));
    }
    return out;
}

std::int64_t pixel_of_point(const OGRGeometry& geom, const Grid& grid) {
    // GEOS point-on-surface: inside the polygon even when the centroid is not (C API, as
    // GDAL 3.6 has no C++ method for multipolygons).
    std::unique_ptr<OGRGeometry> surface_point(OGRGeometry::FromHandle(
        OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geom)))));
    if (!surface_point || wkbFlatten(surface_point->getGeometryType()) != wkbPoint)
        return -1;
    const auto* point = surface_point->toPoint();
    const auto& gt = grid.geotransform;
    const double col = std::floor((point->getX() - gt[0]) / gt[1]);
    const double row = std::floor((point->getY() - gt[3]) / gt[5]);
    if (col < 0 || row < 0 || col >= grid.width || row >= grid.height)
        return -1;
    return static_cast<std::int64_t>(row) * grid.width + static_cast<std::int64_t>(col);
}
} // namespace

namespace {
/// Rasterizer transformer: grid CRS -> pixel coordinates of a window. The grid pixel is
/// computed as for the whole grid and the window origin (an integer) subtracted, which is
/// exact, so every window sees the same pixel coordinates.
struct WindowPixels {
    std::array<double, 6> gt;
    double x0, y0;
};

int to_window_pixels(void* arg, int dst_to_src, int count, double* x, double* y, double*, int* ok) {
    const auto& w = *static_cast<const WindowPixels*>(arg);
    for (int i = 0; i < count; ++i) {
        if (dst_to_src) {
            x[i] = w.gt[0] + (x[i] + w.x0) * w.gt[1];
            y[i] = w.gt[3] + (y[i] + w.y0) * w.gt[5];
        } else {
            x[i] = (x[i] - w.gt[0]) / w.gt[1] - w.x0;
            y[i] = (y[i] - w.gt[3]) / w.gt[5] - w.y0;
        }
        ok[i] = TRUE;
    }
    return TRUE;
}

OGREnvelope pixel_envelope(const OGRGeometry& g, const Grid& grid) {
    OGREnvelope e;
    g.getEnvelope(&e);
    const auto& gt = grid.geotransform;
    const double xa = (e.MinX - gt[0]) / gt[1], xb = (e.MaxX - gt[0]) / gt[1];
    const double ya = (e.MinY - gt[3]) / gt[5], yb = (e.MaxY - gt[3]) / gt[5];
    OGREnvelope p;
    p.MinX = std::min(xa, xb), p.MaxX = std::max(xa, xb);
    p.MinY = std::min(ya, yb), p.MaxY = std::max(ya, yb);
    return p;
}
} // namespace

VillageBurner::VillageBurner(const VillageLayer& villages, const Grid& grid, std::string path)
    : grid_(grid), path_(std::move(path)), geometries_(to_grid_crs(villages, grid, path_)) {
    for (const auto& g : geometries_) {
        pixel_envelopes_.push_back(pixel_envelope(*g, grid_));
        point_pixel_.push_back(pixel_of_point(*g, grid_));
    }
}

Layer<std::int32_t> VillageBurner::burn(const Rect& rect) const {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", rect.width, rect.height, 1, GDT_Int32, nullptr));
    ds->GetRasterBand(1)->Fill(-1);
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < geometries_.size(); ++i) {
        const OGREnvelope& e = pixel_envelopes_[i];
        // One pixel of slack: the envelope is only a pre-filter; the rasterizer decides.
        if (e.MaxX < rect.x0 - 1 || e.MinX > rect.x1() + 1 || e.MaxY < rect.y0 - 1 ||
            e.MinY > rect.y1() + 1)
            continue;
        handles.push_back(OGRGeometry::ToHandle(geometries_[i].get()));
        burn.push_back(static_cast<double>(i));
    }
    Layer<std::int32_t> out(rect.width, rect.height, -1);
    if (handles.empty())
        return out;
    WindowPixels transform{grid_.geotransform, double(rect.x0), double(rect.y0)};
    int band = 1;
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                                static_cast<int>(handles.size()), handles.data(), to_window_pixels,
                                &transform, burn.data(), nullptr, nullptr, nullptr) != CE_None)
        throw Error("rasterizing '" + path_ + "' failed" + gdal_last_error());
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, rect.width, rect.height, out.data(),
                                       rect.width, rect.height, GDT_Int32, 0, 0) != CE_None)
        throw Error("reading the rasterized villages failed" + gdal_last_error());
    return out;
}

namespace {
OGRFieldType field_type(TableColumn::Kind kind) {
    switch (kind) {
    case TableColumn::Kind::Text:
        return OFTString;
    case TableColumn::Kind::Integer:
        return OFTInteger64;
    case TableColumn::Kind::Real:
        break;
    }
    return OFTReal;
}

void set_field(OGRFeature& f, int idx, const TableColumn& col, std::size_t row) {
    if (col.kind == TableColumn::Kind::Text) {
        f.SetField(idx, col.text[row].c_str());
        return;
    }
    const double v = col.number[row];
    if (std::isnan(v))
        f.SetFieldNull(idx);
    else if (col.kind == TableColumn::Kind::Integer)
        f.SetField(idx, static_cast<GIntBig>(v));
    else
        f.SetField(idx, v);
}
} // namespace

namespace {
/// The table QGIS itself creates to keep styles in a GeoPackage (its columns and meaning as
/// in QGIS's OGR provider); a fixed update_time keeps identical runs byte-identical.
void write_layer_style(GDALDataset& ds, OGRLayer& data, const LayerStyle& style,
                       const std::function<Error(const std::string&)>& failed) {
    OGRLayer* styles = ds.CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
    if (!styles)
        throw failed("cannot create the layer_styles table in");
    const std::pair<const char*, OGRFieldType> fields[] = {{"f_table_catalog", OFTString},
                                                           {"f_table_schema", OFTString},
                                                           {"f_table_name", OFTString},
                                                           {"f_geometry_column", OFTString},
                                                           {"styleName", OFTString},
                                                           {"styleQML", OFTString},
                                                           {"styleSLD", OFTString},
                                                           {"useAsDefault", OFTInteger},
                                                           {"description", OFTString},
                                                           {"owner", OFTString},
                                                           {"ui", OFTString},
                                                           {"update_time", OFTDateTime}};
    for (const auto& [name, type] : fields) {
        OGRFieldDefn defn(name, type);
        if (type == OFTInteger)
            defn.SetSubType(OFSTBoolean);
        if (styles->CreateField(&defn) != OGRERR_NONE)
            throw failed(std::string("cannot create field '") + name + "' in");
    }
    OGRFeature row(styles->GetLayerDefn());
    row.SetField("f_table_catalog", "");
    row.SetField("f_table_schema", "");
    row.SetField("f_table_name", data.GetName());
    row.SetField("f_geometry_column", data.GetGeometryColumn());
    row.SetField("styleName", style.name.c_str());
    row.SetField("styleQML", style.qml.c_str());
    row.SetField("styleSLD", "");
    row.SetField("useAsDefault", 1);
    row.SetField("description", "written by riskmap");
    row.SetField("owner", "");
    row.SetField("ui", "");
    row.SetField("update_time", 2000, 1, 1, 0, 0, 0.0f, 100);
    if (styles->CreateFeature(&row) != OGRERR_NONE)
        throw failed("cannot write the layer style to");
}
} // namespace

void write_villages_gpkg(const std::string& path, const VillageLayer& villages, const Table& table,
                         const LayerStyle* style) {
    // A GeoPackage stores its write time; a fixed one keeps identical runs byte-identical.
    CPLConfigOptionSetter fixed_date("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z", false);
    const auto failed = [&path](const std::string& what) {
        return Error(what + " '" + path + "'" + write_failure_cause(path) + gdal_last_error());
    };
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds)
        throw failed("cannot write new file");
    // GDAL 3.6 takes a non-const pointer but does not modify the reference.
    auto* srs = villages.srs.IsEmpty() ? nullptr : const_cast<OGRSpatialReference*>(&villages.srs);
    OGRLayer* layer = ds->CreateLayer("villages", srs, wkbMultiPolygon, nullptr);
    if (!layer)
        throw failed("cannot create layer in");
    for (const auto& col : table.columns) {
        OGRFieldDefn defn(col.name.c_str(), field_type(col.kind));
        if (layer->CreateField(&defn) != OGRERR_NONE)
            throw failed("cannot create field '" + col.name + "' in");
    }
    ds->StartTransaction();
    for (std::size_t k = 0; k < table.rows(); ++k) {
        const std::size_t row = table.order.empty() ? k : table.order[k];
        OGRFeature feature(layer->GetLayerDefn());
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            set_field(feature, static_cast<int>(c), table.columns[c], row);
        feature.SetGeometryDirectly(
            OGRGeometryFactory::forceToMultiPolygon(villages.geometries[row]->clone()));
        if (layer->CreateFeature(&feature) != OGRERR_NONE)
            throw failed("cannot write feature to");
    }
    if (ds->CommitTransaction() != OGRERR_NONE)
        throw failed("cannot write");
    if (style)
        write_layer_style(*ds, *layer, *style, failed);
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw failed("cannot write the end of"); // closing commits the file: a full disk shows here
}

Points village_points_m(const VillageLayer& villages) {
    Points p;
    for (const auto& g : villages.geometries) {
        OGRPoint point;
        const bool ok = g && g->Centroid(&point) == OGRERR_NONE;
        p.x.push_back(ok ? point.getX() : std::nan(""));
        p.y.push_back(ok ? point.getY() : std::nan(""));
    }
    if (villages.srs.IsGeographic()) {
        // Points come in the layer's axis order; GDAL 3 keeps latitude first for EPSG:4326
        // unless the layer says otherwise, so ask the SRS which axis is which.
        const bool lat_first = villages.srs.EPSGTreatsAsLatLong() &&
                               villages.srs.GetAxisMappingStrategy() == OAMS_AUTHORITY_COMPLIANT;
        if (lat_first)
            std::swap(p.x, p.y);
        double lat = 0, count = 0;
        for (double v : p.y)
            if (std::isfinite(v))
                lat += v, count += 1;
        const double mean_lat = count > 0 ? lat / count : 0;
        const double east = 111320.0 * std::cos(mean_lat * 3.14159265358979 / 180);
        for (double& v : p.x)
            v *= east;
        for (double& v : p.y)
            v *= 110574.0;
    } else if (!villages.srs.IsEmpty()) {
        const double unit = villages.srs.GetLinearUnits();
        for (double& v : p.x)
            v *= unit;
        for (double& v : p.y)
            v *= unit;
    }
    return p;
}

} // namespace riskmap::io
