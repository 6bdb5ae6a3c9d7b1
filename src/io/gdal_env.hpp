#pragma once
/// \file
/// GDAL's handles for io's own files (and the tests, which check files with GDAL): nothing
/// above io includes this header, so no GDAL type leaves io.

#include "core/error.hpp"
#include "io/setup.hpp"
#include "io/tile_io.hpp"
#include "io/vector_io.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riskmap::io {

/// What io::DatasetPtr (io/raster_io.hpp) holds.
struct Dataset {
    GDALDatasetUniquePtr file;
};

/// What io::Shape and io::SpatialRefPtr (io/vector_io.hpp) hold.
struct Geometry {
    std::unique_ptr<OGRGeometry> ogr;
};
struct SpatialRef {
    OGRSpatialReference ogr;
};

inline Shape make_shape(std::unique_ptr<OGRGeometry> geometry) {
    return Shape(new Geometry{std::move(geometry)});
}
inline SpatialRefPtr make_srs(const OGRSpatialReference& srs) {
    return SpatialRefPtr(new SpatialRef{srs});
}
/// The CRS's OGR object, or null for an unknown CRS.
inline const OGRSpatialReference* ogr_srs(const SpatialRefPtr& srs) {
    return srs ? &srs->ogr : nullptr;
}

/// Opens a raster for reading or throws InputError naming the file.
GDALDatasetUniquePtr open_raster(const std::string& path);

/// Opens a vector source for reading or throws InputError naming the file.
GDALDatasetUniquePtr open_vector(const std::string& path);

/// Spatial reference with x/y axis order as in GIS files (east, north).
OGRSpatialReference gis_order_srs(const OGRSpatialReference& srs);

/// A raster to burn shapes into: its size, and either its geotransform or a transformer from
/// the shapes' coordinates to its pixels.
struct BurnRaster {
    int width = 0, height = 0;
    const std::array<double, 6>* geotransform = nullptr;
    GDALTransformerFunc transformer = nullptr;
    void* transformer_arg = nullptr;
};

/// values[i] burnt where shapes[i] holds the pixel centre (GDAL's rasterizer; a later shape
/// wins), -1 elsewhere. Errors name `what`.
Layer<std::int32_t> burn_indices(const BurnRaster& raster, const std::vector<OGRGeometryH>& shapes,
                                 const std::vector<double>& values, const std::string& what);

/// A GeoPackage with one polygon layer, its features written in one transaction. Its date is
/// fixed, so the same content gives the same bytes; errors name the file and, for a full
/// disk, the cause.
class GpkgLayerWriter {
public:
    struct Field {
        std::string name;
        OGRFieldType type = OFTString;
        int width = 0; ///< 0: unbounded
    };
    /// `date`: what GDAL stamps as the time of writing (OGR_CURRENT_DATE).
    GpkgLayerWriter(const std::string& path, const char* date, const char* layer_name,
                    const OGRSpatialReference* srs, const std::vector<Field>& fields);
    OGRLayer& layer() { return *layer_; }
    GDALDataset& dataset() { return *ds_; }
    void add(OGRFeature& feature);
    /// Commits the features; then other tables may be written into dataset().
    void commit();
    /// Closes the file, which writes its end: a full disk shows here.
    void close();
    Error failed(const std::string& what) const;

private:
    CPLConfigOptionSetter date_;
    std::string path_;
    GDALDatasetUniquePtr ds_;
    OGRLayer* layer_ = nullptr;
};

/// GDAL's GeoTIFF drivers: the plain one (work files, checkpoints) and the cloud-optimised one
/// (maps); they name the compression level differently.
enum class Driver { GTiff, COG };

/// The compression of every GeoTIFF riskmap writes: ZSTD level 1, a third of DEFLATE's time
/// on a national map (20 s instead of 63-71 s per 1.1-Gpx layer, benchmarks/RESULTS.md) and
/// decoded by every GDAL-based reader (QGIS, rasterio, xarray).
void add_fast_compression(CPLStringList& options, Driver driver);

/// Band 1's nodata value as its float pixels hold it; none when unset or NaN (NaN pixels are
/// no data already).
std::optional<float> float_nodata(GDALDataset& ds);

/// Copies `src` into a cloud-optimised GeoTIFF (512 x 512 blocks, ZSTD + predictor,
/// compressed on `threads` threads; the overviews are src's own when it has them, else made
/// with `resampling`); errors name the file and, for a full disk, the cause.
void write_cog(GDALDataset& src, const std::string& path, const char* resampling, int threads);

} // namespace riskmap::io
