#!/usr/bin/env bash
# Wall time of the table with the Verilog queue controller in the loop vs its
# C++ model, simulated I/Os per wall-clock second, and a check that both give
# identical tables. Quick table by default; pass --full for all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh iosim
./build/iosim bench --table scenarios/paper/table1.yaml "$@"
