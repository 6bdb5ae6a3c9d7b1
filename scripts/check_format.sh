#!/usr/bin/env bash
# Fails when a C++ file is not clang-format clean.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find src kernels pipelines tests benchmarks -name '*.[ch]pp')
[ -n "$files" ] || exit 0
clang-format --dry-run -Werror $files
echo "check_format.sh: $(echo "$files" | wc -w) files clean"
