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

std::string feature_place(const std::string& path, std::int64_t fid) {
    return "'" + path + "' feature " + std::to_string(fid);
}

namespace {
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
    const std::string place = feature_place(source.path, feature.GetFID()) + " (code " + code + ")";
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

void GeometryDeleter::operator()(Geometry* geometry) const {
    delete geometry;
}

void SpatialRefDeleter::operator()(SpatialRef* srs) const {
    delete srs;
}

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
    if (const OGRSpatialReference* srs = layer->GetSpatialRef(); srs && !srs->IsEmpty())
        out.srs = make_srs(gis_order_srs(*srs));
    std::unordered_map<std::string, GIntBig> first_fid;
    layer->ResetReading();
    for (auto& feature : *layer) {
        const std::string raw = feature->IsFieldSetAndNotNull(code_idx)
                                    ? feature->GetFieldAsString(code_idx)
                                    : std::string();
        if (out.table.size() == 0)
            out.unit = source.unit
                           ? *source.unit
                           : unit_of_first_code(raw, feature_place(source.path, feature->GetFID()));
        const NormalisedCode code = normalise_area_code(raw, out.unit);
        if (!code.ok())
            throw InputError(feature_place(source.path, feature->GetFID()) + ": " + code.problem);
        const auto [it, fresh] = first_fid.emplace(code.digits, feature->GetFID());
        if (!fresh)
            throw InputError(feature_place(source.path, feature->GetFID()) + ": duplicate " +
                             code_noun(out.unit) + " " + dotted_code(code.digits) +
                             " (also feature " + std::to_string(it->second) + ")");
        auto geom = checked_geometry(*feature, source, code.digits);
        const std::string name = name_idx >= 0 ? feature->GetFieldAsString(name_idx) : "";
        out.table.add(Village{code.digits, name, feature->GetFID()});
        out.geometries.push_back(make_shape(std::move(geom)));
    }
    if (out.table.size() == 0)
        throw InputError("'" + source.path + "' layer '" + out.layer_name + "': no villages");
    return out;
}

} // namespace riskmap::io
