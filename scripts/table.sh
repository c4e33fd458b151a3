#!/usr/bin/env bash
# The paper's Table 1 from a fresh machine: install deps, build, run the
# saturation searches, write out/table/{table.csv,table.json,table.png,table.svg}.
# Extra arguments go to `iosim table` (e.g. --quick, -j 4).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh iosim
./build/iosim table scenarios/paper/table1.yaml --out out/table "$@"
