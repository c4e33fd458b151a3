#!/usr/bin/env bash
# Installs everything iosim needs from Debian packages. Idempotent: packages
# already present are skipped, so a warm machine pays nothing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libsystemc-dev verilator catch2
      libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev gnuplot-nox
      parallel help2man zlib1g-dev)  # parallel: iosim merge's test; help2man: the man page of `cmake --install`;
      # zlib1g-dev: the FST waveform writer's compression
[ "${IOSIM_WITH_GTKWAVE:-0}" = 1 ] && pkgs+=(gtkwave)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
