#pragma once
// `iosim bench`: simulated I/Os per CPU-second of four fixed scenarios, and
// optionally the full table's CPU and wall time, for this binary and, with
// --baseline, another iosim binary, with the ratio of the two.
//
// CPU time, not wall: on a shared machine wall time measures the neighbours.
// Each measurement is an `iosim run` (or `iosim table`) child process; its
// CPU time is user + system from wait4()'s rusage (sim/subprocess.*), the
// child's own plus its waited-for descendants' (a table's points). Each is
// repeated --repeat times and the minimum CPU time kept (noise only adds).
// The child's start-up (SystemC elaboration, Verilator model, scenario
// loading: ~10 ms) is included; the default durations keep it under ~5% of
// a run at 39c3d28's speed.
#include <string>
#include <vector>

namespace iosim {

struct BenchOptions {
  std::string baseline;        // another iosim binary ("" : none)
  std::string json;            // write the results here ("" : no file)
  int repeat = 3;              // runs per measurement; the minimum CPU time counts
  std::string duration;        // run.duration of every scenario ("" : the bench's own)
  bool table = false;          // also the table (iosim table) with each binary
  std::string table_file;      // "" : scenarios/paper/table1.yaml
  bool quick = false;          // the table with --quick
  std::vector<std::string> blocks;  // the table's --blocks
  int jobs = 0;                // the table's -j (0: the number of cores)
};

// Exit status: 0, 1 if a run failed or the RTL and model runs differ.
int run_bench(const BenchOptions& o);

}  // namespace iosim
