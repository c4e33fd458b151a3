#!/usr/bin/env bash
# Configure and build iosim in ./build (Release). Usage: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" ${1:+--target "$@"}
