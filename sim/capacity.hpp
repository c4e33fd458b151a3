#pragma once
// `iosim capacity SCENARIO`: the most concurrent streams an I/O stack serves
// with a deadline-miss ratio <= epsilon on every one of --seeds seeds, per
// stack (--paths) and per --variant (a named set of key overrides, e.g. a
// disk scheduler). Each point is an `iosim run` child on the shared
// PointPool (-j); the searches of the variants run side by side. Writes
// capacity.csv, capacity.json and a gnuplot plot (misses and minimum slack
// against streams, one curve per variant).
#include <string>
#include <vector>

namespace CLI { class App; }

namespace iosim {

struct CapacityOptions {
  std::string scenario, out = "out/capacity";
  std::vector<std::string> paths;     // io_path values; empty: the scenario's own
  std::vector<std::string> variants;  // "NAME:key=value,key=value"
  std::vector<std::string> sets;      // for every point
  int seeds = 2;                      // every seed must pass
  double epsilon = 0;                 // miss ratio allowed (fraction of the reads due)
  double keep_up = 0.99;              // completed / due in the window, at least
  int start = 0;                      // first N tried; 0: the scenario's workload.streams.count
  int max = 100000;                   // most streams tried
  double resolution = 0.01;           // stop bisecting when hi - lo <= max(1, resolution x lo)
  int jobs = 0;                       // 0: the number of cores
  double point_timeout_s = 3600;
  bool no_plot = false, no_files = false, quiet = false;
};

// Exit status: 0 ok, 1 a point failed to run, 2 bad input.
int run_capacity(const CapacityOptions& o);

void register_capacity_command(CLI::App& app);
bool capacity_command_parsed(const CLI::App& app);
int run_capacity_command();

}  // namespace iosim
