#pragma once
// One simulation run: build the platform, warm up, measure a window, drain
// every request still in flight, check that each issued request completed
// exactly once, and gather every module's figures.
#include "model/stats/stats.hpp"
#include "sim/scenario.hpp"

#include <string>

namespace iosim {

struct RunOptions {
  std::string vcd_path;   // empty: no waveform
  std::string trace_path; // empty: no per-request trace (CSV)
  bool progress = false;  // a progress line on stderr
};

struct RunResult {
  Stats stats;
  double sim_s = 0;       // simulated seconds in total (warm-up + window + drain)
  double wall_s = 0;      // wall-clock seconds (not part of the results files: not deterministic)
  double peak_rss_mb = 0; // the process's peak resident memory (idem): the soak script watches it
  uint64_t issued = 0, completed_total = 0, failed = 0;
};

// Throws std::runtime_error if a request is lost (never completes within the
// drain limit) or completes twice.
RunResult run_scenario(const Scenario& sc, const RunOptions& opt);

} // namespace iosim
