#pragma once
// Runs Table 1: for every block size, a closed-loop saturation search on the
// sync scenario and an open-loop one on the async scenario. All 2 x blocks
// searches run at once, each in its own thread, sharing one PointPool of -j
// workers (the work queue); a search's doubling steps are sequential, so the
// parallelism is across searches, plus speculative points when a worker
// would otherwise idle.
#include "sim/key_figures.hpp"
#include "sim/saturation.hpp"
#include "sim/table_config.hpp"

#include <string>
#include <vector>

namespace iosim {

struct TableCell {
  saturation::Result search;
  KeyFigures at_best;  // the figures of the point with the best I/O/s
};

struct TableRow {
  std::uint64_t block = 0;
  TableCell sync, async;
  double gain_pct() const {
    return sync.search.best_iops > 0 ? 100.0 * (async.search.best_iops / sync.search.best_iops - 1) : 0;
  }
};

struct TableResult {
  std::vector<TableRow> rows;
  // Not deterministic (speculation, timing): terminal and bench only.
  double wall_s = 0;
  int points_run = 0;             // including speculative points never used
  double requests_simulated = 0;  // sum of run.requests_issued over the points run
};

struct TableRunOptions {
  int jobs = 0;                    // 0: the number of cores
  std::vector<std::string> sets;   // scenario overrides for every point
  bool progress = true;            // progress on stderr
};

// The `--set` arguments of one point (scenario path first).
std::vector<std::string> point_args(const std::string& scenario, const std::vector<std::string>& sets);

// Throws std::runtime_error if a point fails (its stderr included).
TableResult run_table(const TableConfig& c, const TableRunOptions& o);

}  // namespace iosim
