#!/usr/bin/env bash
# Installs every Debian 12 package riskmap needs to build, test and benchmark, only when missing.
# Idempotent: a second run installs nothing and takes a second.
set -euo pipefail

packages=(
    build-essential cmake pkg-config git clang-format libssl-dev libcairo2-dev fonts-dejavu-core
    libgdal-dev gdal-bin libgeos-dev libtbb-dev libboost-dev libboost-program-options-dev
    libgtest-dev libgmock-dev googletest libbenchmark-dev libomp-dev locales
    # R's spdep: the reference implementation the statistics tests compare against
    r-base-core r-cran-spdep r-cran-sf
    # real clients the output tests open the maps with: GDAL's COG check (osgeo_utils), rasterio
    python3-gdal python3-rasterio
    # QGIS itself, headless: the tests open every map and the village layer as a planner would
    qgis python3-qgis
    # the quarterly report rendered and printed to PDF by a real browser; pdfinfo counts pages
    chromium poppler-utils
    # the quarterly cube (HDF5 C API with dimension scales) and the clients its tests read it
    # with: netCDF-C's ncdump, python netCDF4 and xarray
    libhdf5-dev netcdf-bin python3-netcdf4 python3-xarray python3-numpy
    # cube chunks deflated on every thread (libdeflate), written with H5Dwrite_chunk; the
    # tests decode stored chunks with zlib
    libdeflate-dev zlib1g-dev
    # one run shared by MPI ranks (mpirun -np N riskmap run); the tests launch it with mpirun
    openmpi-bin libopenmpi-dev
    # a one-node Slurm (scripts/slurm_local.sh) that runs the README's batch script and srun
    slurmctld slurmd slurm-client munge
    # libFuzzer targets (clang with its fuzzer and sanitizer runtimes)
    clang-14 libclang-rt-14-dev
    # clang-tidy with the project's check set (scripts/tidy.sh, .clang-tidy)
    clang-tidy-14
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -eq 0 ]; then
    echo "install.sh: all ${#packages[@]} packages present"
else
    echo "install.sh: installing ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The tests run again under Indonesian number formatting (decimal commas).
if ! locale -a 2>/dev/null | grep -qi '^id_ID.utf8$'; then
    echo "install.sh: generating locale id_ID.UTF-8"
    grep -q '^id_ID.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null ||
        echo 'id_ID.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
    $SUDO locale-gen >/dev/null
fi
