#pragma once
#include "sim/stacks.hpp"
// `iosim compare SCENARIO`: every I/O stack of sim/stacks.cpp (or --stacks)
// on one platform, side by side. Per stack and block size: the saturation
// I/O/s found by the table's searches (closed loop over processes, open loop
// over the offered rate, the protocol of scenarios/paper/table1.yaml), and at
// that point the host CPU time per I/O and per MB, interrupts/s, context
// switches/s, wakeups/s and the latency p50/p99. Terminal table,
// compare.csv, compare.json (with provenance), compare.png/svg.
#include <string>
#include <vector>

namespace CLI { class App; }

namespace iosim {

struct CompareOptions : SearchCommandOptions {
  std::string scenario, out = "out/compare";
  std::vector<std::string> stacks;    // names; empty: every registered stack that can run the scenario
  std::vector<std::string> blocks;    // sizes with units; empty: the scenario's workload.block
  std::vector<std::string> variants;  // "NAME:key=value,..." searched on every stack
};

// Exit status: 0 ok, 1 a point failed to run, 2 bad input.
int run_compare(const CompareOptions& o);

void register_compare_command(CLI::App& app);
bool compare_command_parsed(const CLI::App& app);
int run_compare_command();

}  // namespace iosim
