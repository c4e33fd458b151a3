#!/usr/bin/env bash
# Simulated I/Os per CPU-second of four fixed scenarios (async 4 kB with the
# Verilog queue controller and with its C++ model, sync 4 kB 66 processes,
# async 1 MiB), least CPU of 3 runs each. Arguments go to `iosim bench`, e.g.
#   scripts/bench.sh --baseline /path/to/other/iosim --table --json out/bench.json
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh iosim
./build/iosim bench "$@"
