#!/usr/bin/env bash
# Fresh machine -> all tests: install deps, build, run the whole CTest suite.
# Arguments go to ctest (e.g. --output-junit FILE, -R REGEX).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build && ctest --output-on-failure -j "$(nproc)" "$@"
