#pragma once
// Disk validation against measured traces (DiskSim 4.0's validation data,
// ../shared/disk-validation/README.md): replay the trace closed-loop against a
// Disk on a DirectLink, then compare the sorted simulated and measured service
// times (RMS "demerit", the DiskSim papers' metric). Elaborates SystemC: call
// at most once per process.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace iosim {

struct DiskValidation {
  std::string drive;
  std::vector<double> measured_s, simulated_s;  // per request, trace order
  struct Request {
    bool write;
    unsigned long long lbn;
    unsigned blocks;
    bool hit;  // reads only: served from the buffer (writes: false)
  };
  std::vector<Request> requests;  // trace order, same length as the lists above
  double demerit_ms = 0;       // RMS distance between the two sorted lists
  double demerit_pct = 0;      // ... as % of the mean measured service time
  double mean_measured_ms = 0, mean_simulated_ms = 0;
  struct Quantile {
    std::string label;
    double measured_ms, simulated_ms;
  };
  std::vector<Quantile> quantiles;  // p10 p50 p90 p99 mean
  double read_hit_rate_pct = 0;
  // DiskSim 4.0's own demerit on this trace, when published (the shared
  // README and issue 10: cheetah9LP 0.107 ms, atlas10k 0.268 ms).
  std::optional<double> disksim_demerit_ms;

  void print(std::ostream& os) const;
  // DIR/requests.csv, DIR/cdf.dat, DIR/cdf.gp, DIR/cdf.png, DIR/cdf.svg,
  // DIR/summary.json. The plots need gnuplot on the PATH; without it the
  // data and script are written and a warning is printed to `warn`.
  void write_outputs(const std::string& dir, std::ostream& warn) const;
};

// RMS of pairwise differences of the sorted lists (same length), in the unit of the inputs.
double rms_demerit(std::vector<double> a, std::vector<double> b);

// DiskSim's published demerit for a drive name, if known.
std::optional<double> published_disksim_demerit_ms(const std::string& drive);

// A drive argument -> path prefix of DRIVE.diskspecs/.model/.seek/.trace.
// "x/cheetah9LP" stays as is; "x/cheetah9LP.parv" gives x/ + the drive named
// by the .parv's `source NAME.diskspecs` line (the trace is the .parv's stem).
// Returns the diskspecs prefix and the trace path.
struct DrivePaths {
  std::string prefix, trace;
};
DrivePaths resolve_drive_argument(const std::string& arg);

// path_prefix: e.g. ".../disk-validation/cheetah9LP" (reads .diskspecs, .model, .seek, .trace).
DiskValidation validate_drive(const std::string& path_prefix);
DiskValidation validate_drive(const DrivePaths& paths);

// `iosim disk-validate`: registered on the app, run when parsed (exit status).
void register_disk_validate_command(CLI::App& app);
bool disk_validate_command_parsed(const CLI::App& app);
int run_disk_validate_command();

} // namespace iosim
