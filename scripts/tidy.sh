#!/usr/bin/env bash
# clang-tidy (Debian's clang-tidy-14) with the project's check set (.clang-tidy) on every
# source file under src/, kernels/ and pipelines/, against build/compile_commands.json; any
# finding is an error. GCC-only warning flags are left to GCC.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f build/compile_commands.json || { echo "tidy.sh: build first (scripts/build.sh)" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! run-clang-tidy-14 -p build -quiet -j"$(nproc)" -extra-arg=-Wno-unknown-warning-option \
    "$PWD/(src|kernels|pipelines)/.*\.cpp$" >"$log" 2>&1; then
    grep -E "(warning|error):" "$log" | grep -v "warnings generated" | sort -u >&2 || cat "$log" >&2
    echo "tidy.sh: clang-tidy findings above (.clang-tidy says which checks and why)" >&2
    exit 1
fi
echo "tidy.sh: $(grep -c . <<<"$(git ls-files 'src/*.cpp' 'kernels/*.cpp' 'pipelines/*.cpp')") files clean"
