#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a tested build: installs what is missing,
# builds with warnings as errors, checks formatting and runs the whole test suite, also under
# an Indonesian locale (decimal commas) to prove numbers never depend on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/check_format.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j2
echo "test.sh: again under LC_ALL=id_ID.UTF-8"
LC_ALL=id_ID.UTF-8 ctest --output-on-failure -j2
