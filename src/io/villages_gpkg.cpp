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

GpkgLayerWriter::GpkgLayerWriter(const std::string& path, const char* date, const char* layer_name,
                                 const OGRSpatialReference* srs, const std::vector<Field>& fields)
    : date_("OGR_CURRENT_DATE", date, false), path_(path) {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    ds_.reset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds_)
        throw failed("cannot write new file");
    // GDAL 3.6 takes a non-const pointer but does not modify the reference.
    layer_ = ds_->CreateLayer(layer_name, const_cast<OGRSpatialReference*>(srs), wkbMultiPolygon,
                              nullptr);
    if (!layer_)
        throw failed("cannot create layer in");
    for (const Field& f : fields) {
        OGRFieldDefn defn(f.name.c_str(), f.type);
        defn.SetWidth(f.width);
        if (layer_->CreateField(&defn) != OGRERR_NONE)
            throw failed("cannot create field '" + f.name + "' in");
    }
    ds_->StartTransaction();
}

void GpkgLayerWriter::add(OGRFeature& feature) {
    if (layer_->CreateFeature(&feature) != OGRERR_NONE)
        throw failed("cannot write feature to");
}

void GpkgLayerWriter::commit() {
    if (ds_->CommitTransaction() != OGRERR_NONE)
        throw failed("cannot write");
}

void GpkgLayerWriter::close() {
    CPLErrorReset();
    ds_.reset();
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw failed("cannot write the end of");
}

Error GpkgLayerWriter::failed(const std::string& what) const {
    return Error(what + " '" + path_ + "'" + write_failure_cause(path_) + gdal_last_error());
}

void write_villages_gpkg(const std::string& path, const VillageLayer& villages, const Table& table,
                         const LayerStyle* style) {
    std::vector<GpkgLayerWriter::Field> fields;
    for (const auto& col : table.columns)
        fields.push_back({col.name, field_type(col.kind)});
    // The date a GeoPackage stores, fixed: identical runs give identical bytes.
    GpkgLayerWriter out(path, "2000-01-01T00:00:00Z", "villages", ogr_srs(villages.srs), fields);
    for (std::size_t k = 0; k < table.rows(); ++k) {
        const std::size_t row = table.order.empty() ? k : table.order[k];
        OGRFeature feature(out.layer().GetLayerDefn());
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            set_field(feature, static_cast<int>(c), table.columns[c], row);
        feature.SetGeometryDirectly(
            OGRGeometryFactory::forceToMultiPolygon(villages.geometries[row]->ogr->clone()));
        out.add(feature);
    }
    out.commit();
    if (style)
        write_layer_style(out.dataset(), out.layer(), *style,
                          [&out](const std::string& what) { return out.failed(what); });
    out.close();
}

Points village_points_m(const VillageLayer& villages) {
    Points p;
    for (const auto& g : villages.geometries) {
        OGRPoint point;
        const bool ok = g && g->ogr && g->ogr->Centroid(&point) == OGRERR_NONE;
        p.x.push_back(ok ? point.getX() : std::nan(""));
        p.y.push_back(ok ? point.getY() : std::nan(""));
    }
    const OGRSpatialReference* srs = ogr_srs(villages.srs);
    if (srs && srs->IsGeographic()) {
        // Points come in the layer's axis order; GDAL 3 keeps latitude first for EPSG:4326
        // unless the layer says otherwise, so ask the SRS which axis is which.
        const bool lat_first =
            srs->EPSGTreatsAsLatLong() && srs->GetAxisMappingStrategy() == OAMS_AUTHORITY_COMPLIANT;
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
    } else if (srs) {
        const double unit = srs->GetLinearUnits();
        for (double& v : p.x)
            v *= unit;
        for (double& v : p.y)
            v *= unit;
    }
    return p;
}

} // namespace riskmap::io
