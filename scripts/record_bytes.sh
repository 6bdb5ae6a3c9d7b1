#!/usr/bin/env bash
# Records anew the digests of every output of the tiny, district, province and national (scale
# 0.05) runs in tests/reference/bytes/, for a change that is meant to change outputs; the
# RecordedBytes tests then hold the code to them. Say in the commit why the bytes changed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j"$(nproc)" --target riskmap riskmap_tests
RISKMAP_RECORD_BYTES=1 build/tests/riskmap_tests --gtest_filter='RecordedBytes.*'
git --no-pager diff --stat -- tests/reference/bytes
