#!/usr/bin/env bash
# The soak test (issue 11): long runs with faults on, checking that every
# request still completes or fails exactly once (iosim's ledger check, exit 1
# otherwise) and that memory stays flat as the run grows. Not part of CI (10^8
# I/Os take ~30-60 CPU-minutes); figures go into the notes.
#
# Usage: scripts/soak.sh [total I/Os, default 1e8] [build dir, default build]
# Runs scenarios/examples/faults.yaml (async path, 4 KiB, media errors and a
# failing disk) at three lengths, 1/100, 1/10 and all of the total, and prints
# for each: requests issued, failed, simulated seconds, wall seconds and the
# peak resident memory. Flat memory: the three peaks agree within a few MB.
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-1e8}"
build="${2:-build}"
iosim="$build/iosim"
[ -x "$iosim" ] || { echo "soak: $iosim not built (scripts/build.sh)" >&2; exit 2; }
scenario=scenarios/examples/faults.yaml
# The scenario's offered rate, from its effective configuration (I/O per s).
rate=$("$iosim" run "$scenario" --dump-config | awk '/^ *rate:/ { print $2; exit }')
rate_per_s=$(awk -v r="$rate" 'BEGIN { sub("/s", "", r); m = 1; if (r ~ /k$/) { m = 1e3; sub("k", "", r) } print r * m }')
printf '%-10s %12s %9s %12s %9s %9s\n' "I/Os" "issued" "failed" "simulated_s" "wall_s" "peak_MB"
for frac in 0.01 0.1 1; do
  n=$(awk -v t="$total" -v f="$frac" 'BEGIN { printf "%.0f", t * f }')
  # At least 6 s: the scenario's disk fails at 5 s.
  dur=$(awk -v n="$n" -v r="$rate_per_s" 'BEGIN { d = n / r; if (d < 6) d = 6; printf "%.3f", d }')
  line=$("$iosim" run "$scenario" --no-files --set "run.duration=${dur}s" | grep '^  checked')
  issued=$(sed -E 's/^ *checked +([0-9]+) requests.*/\1/' <<<"$line")
  failed=$(sed -E 's/.*\(([0-9]+) failed\).*/\1/' <<<"$line")
  sim=$(sed -E 's/.*; ([0-9.]+) s simulated.*/\1/' <<<"$line")
  wall=$(sed -E 's/.* in ([0-9.]+) s wall.*/\1/' <<<"$line")
  peak=$(sed -E 's/.*peak memory ([0-9]+) MB.*/\1/' <<<"$line")
  printf '%-10s %12s %9s %12s %9s %9s\n' "$n" "$issued" "$failed" "$sim" "$wall" "$peak"
done
