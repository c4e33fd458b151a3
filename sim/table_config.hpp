#pragma once
// The table YAML (scenarios/paper/table1.yaml): which scenarios play the sync
// and async paths, the block sizes, the paper's CSV, and the saturation search
// parameters. A `quick:` section is merged over the rest with --quick.
#include "sim/saturation.hpp"
#include "sim/table_curves.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace iosim {

struct PaperRow {
  double sync = 0, async = 0, gain_pct = 0;
};

struct TableConfig {
  std::string source, name;
  bool quick = false;
  std::string sync_scenario, async_scenario;    // resolved against the YAML's folder
  std::vector<std::string> sync_sets, async_sets;  // per-mode scenario overrides
  std::vector<std::uint64_t> blocks;            // bytes
  std::string paper_csv;                        // resolved path
  std::map<std::uint64_t, PaperRow> paper;      // by block size in bytes
  saturation::ClosedParams sync;
  saturation::OpenParams async;
  CurveParams curves;                           // `curves:` (iosim table --curves)
  double warmup_s = 0.5, duration_s = 2.0;      // each point's run
  std::uint64_t seed = 1;
};

// Throws config::ConfigError (file:line:col) on bad input, a missing paper
// CSV or scenario included, or a scenario (with `user_sets`, the command
// line's --set for every point) that is not the loop its search needs.
TableConfig load_table_config(const std::string& path, bool quick, const std::vector<std::string>& user_sets = {});

// "block_kb,sync_iops,async_iops,gain_pct" with a header line; block sizes in
// binary kB. Throws std::runtime_error naming the file and line.
std::map<std::uint64_t, PaperRow> read_paper_csv(const std::string& path);

// 4096 -> "4KiB" (a value `--set workload.block=` reads back exactly).
std::string block_arg(std::uint64_t bytes);
// 4096 -> "4" (the paper's "kB" column).
std::string block_kb(std::uint64_t bytes);

}  // namespace iosim
