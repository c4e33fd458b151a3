#pragma once
// `iosim sweep SCENARIO --param KEY --values v1,v2,...`: one point per value
// (each an `iosim run` child, -j at a time), a table on stdout, sweep.csv and
// sweep.json in --out.
#include "sim/point_pool.hpp"

#include <string>
#include <vector>

namespace iosim {

struct SweepOptions {
  std::string scenario, param, out = "out/sweep";
  std::vector<std::string> values, sets;
  int jobs = 0;        // 0: the number of cores
  double point_timeout_s = kDefaultPointTimeoutS;  // wall-clock seconds per point; 0: none
  bool no_files = false;
};

// Exit status: 0 ok, 1 a point failed, 2 bad input (config errors located).
int run_sweep(const SweepOptions& o);

}  // namespace iosim
