#pragma once
// `iosim sweep SCENARIO --param KEY=VALUES [--param KEY2=VALUES2 ...]`: the
// grid of every combination of the values (the first --param outermost),
// each point repeated over --seeds, every run an `iosim run` child (-j at a
// time). Outputs: a table on stdout, warnings on stderr, and in --out
// sweep.csv, sweep.json and a plot (sweep.png / sweep.svg, gnuplot).
// --emit-jobs DIR writes the runs as commands instead (sim/jobs.hpp);
// `iosim merge DIR` then writes the same files (merge_sweep below).
#include "sim/point_pool.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace iosim {

struct SweepOptions {
  std::string scenario, out = "out/sweep";
  std::vector<std::string> params;  // KEY=VALUES, or a bare KEY with `values` (the older form)
  std::vector<std::string> values;  // --values: the one bare --param KEY's values
  std::vector<std::string> sets;
  std::vector<std::string> seeds;   // --seeds: "N" (seeds 1..N) or a list of 2 or more
  int jobs = 0;        // 0: the number of cores
  double point_timeout_s = kDefaultPointTimeoutS;  // wall-clock seconds per point; 0: none
  bool no_files = false, no_plot = false;
  std::string emit_jobs;  // non-empty: write the jobs there instead of running
};

// Open-loop saturation tolerance: a point keeps up when it completes at least
// this share of the requests that arrived in its window. The same margin as
// the table's search (scenarios/paper/table1.yaml, async.search.keep_up: 97%):
// it absorbs Poisson noise in the window and the requests still in flight at
// its end, but not a queue that grows for the whole window.
constexpr double kKeepUp = 0.97;

// Exit status: 0 ok, 1 a point failed, 2 bad input (config errors located).
int run_sweep(const SweepOptions& o);

// `iosim merge DIR` for a sweep's jobs.json (already read): writes the files
// the local run would have written into `out`. Exit status as run_sweep; 1 if
// a point has not run.
int merge_sweep(const nlohmann::json& manifest, const std::string& dir, const std::string& out, bool no_plot);

}  // namespace iosim
