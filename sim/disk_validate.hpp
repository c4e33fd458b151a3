#pragma once
// Disk validation against measured traces (DiskSim 4.0's validation data,
// ../shared/disk-validation/README.md): replay the trace closed-loop against a
// Disk on a DirectLink, then compare the sorted simulated and measured service
// times (RMS "demerit", the DiskSim papers' metric). Elaborates SystemC: call
// at most once per process.
#include <ostream>
#include <string>
#include <vector>

namespace iosim {

struct DiskValidation {
  std::string drive;
  std::vector<double> measured_s, simulated_s;  // per request, trace order
  double demerit_ms = 0;       // RMS distance between the two sorted lists
  double demerit_pct = 0;      // ... as % of the mean measured service time
  double mean_measured_ms = 0, mean_simulated_ms = 0;
  struct Quantile {
    std::string label;
    double measured_ms, simulated_ms;
  };
  std::vector<Quantile> quantiles;  // p10 p50 p90 p99 mean
  double read_hit_rate_pct = 0;

  void print(std::ostream& os) const;
};

// RMS of pairwise differences of the sorted lists (same length), in the unit of the inputs.
double rms_demerit(std::vector<double> a, std::vector<double> b);

// path_prefix: e.g. ".../disk-validation/cheetah9LP" (reads .diskspecs, .model, .seek, .trace).
DiskValidation validate_drive(const std::string& path_prefix);

} // namespace iosim
