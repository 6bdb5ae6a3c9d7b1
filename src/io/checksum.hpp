#pragma once
/// \file
/// SHA-256 of input files for run.json: the provenance a planner can check inputs against.

#include <string>
#include <utility>
#include <vector>

namespace riskmap::io {

/// Lower-case hex SHA-256 of a file's bytes (OpenSSL EVP). Throws InputError if unreadable.
std::string sha256_file(const std::string& path);

/// Lower-case hex SHA-256 of a string.
std::string sha256_text(const std::string& text);

/// The files behind a GDAL dataset (a shapefile is .shp, .shx, .dbf, .prj ...) or the path
/// itself when GDAL cannot open it, each with its SHA-256.
std::vector<std::pair<std::string, std::string>> dataset_checksums(const std::string& path);

} // namespace riskmap::io
