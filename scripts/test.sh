#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with
# warnings as errors, and runs every test (unit, command line, interop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCONFINFO_WERROR=ON ${CMAKE_ARGS:-}
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j"${CTEST_JOBS:-2}" "$@"
