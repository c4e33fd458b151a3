#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed binary, run from
# another directory, on installed scenarios: it must find its data there, carry
# no build path, and come with its man page and bash completion.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR   (CTest test install_prefix)
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iosim_install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$P" >/dev/null
[ -x "$P/bin/iosim" ] || fail "no bin/iosim"
for f in scenarios/platforms/x342.yaml scenarios/platforms/x342_async.yaml scenarios/platforms/x342_sync.yaml \
         scenarios/paper/table1.yaml traces/async_rings.gtkw traces/sync_path.gtkw; do
  [ -f "$P/share/iosim/$f" ] || fail "no share/iosim/$f"
done
[ -f "$P/share/bash-completion/completions/iosim" ] || fail "no bash completion"
bash -n "$P/share/bash-completion/completions/iosim" || fail "bash completion: syntax"
if command -v help2man >/dev/null; then
  [ -s "$P/share/man/man1/iosim.1" ] || fail "help2man is installed but there is no share/man/man1/iosim.1"
  grep -q '^\.SS run' "$P/share/man/man1/iosim.1" || fail "the man page lacks the run subcommand"
  grep -q 'IOSIM_DATA_DIR' "$P/share/man/man1/iosim.1" || fail "the man page lacks ENVIRONMENT"
fi
# No path of the build machine inside the installed binary or man page.
for d in "$src" "$build" "$(cd "$src" && pwd -P)"; do
  if strings "$P/bin/iosim" | grep -qF "$d"; then fail "bin/iosim contains '$d'"; fi
  if [ -f "$P/share/man/man1/iosim.1" ] && grep -qF "$d" "$P/share/man/man1/iosim.1"; then
    fail "iosim.1 contains '$d'"
  fi
done

# From another directory, with the source tree out of reach: short runs of
# installed scenarios (the include of x342.yaml resolves inside the prefix).
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
"$P/bin/iosim" run "$P/share/iosim/scenarios/platforms/x342_async.yaml" --set run.warmup=0.1s \
  --set run.duration=0.2s --out out -q || fail "installed async run"
[ -s out/results.json ] || fail "no results.json"
grep -q '"provenance"' out/results.json || fail "results.json has no provenance"
grep -qF "$P/share/iosim/scenarios/platforms/x342.yaml" out/results.json || fail "provenance lacks the included file"
"$P/bin/iosim" run "$P/share/iosim/scenarios/platforms/x342_sync.yaml" --set run.warmup=0.1s \
  --set run.duration=0.2s --set workload.processes=8 --no-files -q || fail "installed sync run"
if [ -f "$P/share/iosim/scenarios/examples/storage_cheetah9lp.yaml" ]; then
  "$P/bin/iosim" run "$P/share/iosim/scenarios/examples/storage_cheetah9lp.yaml" --set run.warmup=0.1s \
    --set run.duration=0.3s --no-files -q 2>/dev/null || fail "installed cheetah example (share/iosim/disks)"
fi
# Shipped files by their source-tree name (sim/paths.hpp): the waveform hint
# names the installed save file.
out=$("$P/bin/iosim" run "$P/share/iosim/scenarios/platforms/x342_async.yaml" --set run.warmup=0.1s \
        --set run.duration=0.2s --no-files --vcd w.vcd)
grep -qF "$P/share/iosim/traces/async_rings.gtkw" <<<"$out" || fail "waveform hint: $out"
# ... and a copy of it beside the VCD, pointing at this VCD and the installed enum filters.
[ -s w.gtkw ] || fail "no w.gtkw beside w.vcd"
grep -qxF "[dumpfile] \"$PWD/w.vcd\"" w.gtkw || fail "w.gtkw: dumpfile"
grep -qxF "^1 $P/share/iosim/traces/cpu_state.txt" w.gtkw || fail "w.gtkw: cpu_state filter"
"$P/bin/iosim" --version | grep -q '^iosim ' || fail "--version"
echo "install ok: $P"
