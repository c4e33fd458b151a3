#!/usr/bin/env bash
# The sanitizer job: builds everything with clang under AddressSanitizer +
# UndefinedBehaviorSanitizer in ./build-san, runs the CTest suite there (all
# but the tests labelled e2e), then fuzzes the scenario loader for a fixed time
# (libFuzzer, seeded with every shipped scenario). Suppressions and the reasons for them:
# tests/sanitizers/README.md.
# Usage: scripts/sanitize.sh [fuzz seconds, default 60] [ctest arguments, e.g. --output-junit FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_s="${1:-60}"
shift || true
here="$(pwd)"
scripts/install-deps.sh
# clang and its sanitizer + libFuzzer runtimes (libclang-rt-dev: only a
# Recommends of clang, so not pulled in by --no-install-recommends): only this
# job needs them.
missing=()
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cmake -S . -B build-san -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 \
      -DIOSIM_SANITIZE=ON -DIOSIM_FUZZ=ON >/dev/null
cmake --build build-san -j "$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Without the `e2e` label: those tests run whole commands through many iosim
# children, the same code the rest of the suite runs in process, and would
# triple this job (tests/sanitizers/README.md).
(cd build-san && ctest --output-on-failure -j "$(nproc)" -LE e2e "$@")

# Fuzz: a fresh corpus directory each run (seeds copied in), so a run is
# repeatable from the seeds; a crash leaves its input as build-san/fuzz/crash-*.
rm -rf build-san/fuzz && mkdir -p build-san/fuzz/corpus
find scenarios -name '*.yaml' -exec cp {} build-san/fuzz/corpus/ \;
cd build-san/fuzz
../fuzz_scenario -max_total_time="$fuzz_s" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -seed=1 -print_final_stats=1 corpus 2>&1 | tail -n 15
