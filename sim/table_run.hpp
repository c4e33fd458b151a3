#pragma once
// Runs Table 1: for every block size, a closed-loop saturation search on the
// sync scenario and an open-loop one on the async scenario. Each search runs
// in its own thread, all sharing one PointPool of -j workers (the work queue)
// and one memo of the points run (a point, i.e. scenario + overrides + seed,
// never runs twice in a table); a search's steps are sequential, so the
// parallelism is across searches, plus speculative points when a worker
// would otherwise idle.
//
// Warm starts (sim/saturation.hpp says when they give the cold result): the
// rows are chained from the largest block down; a row's sync search starts
// where the next larger block's sync search was last in a fresh state, once
// that search has ended, and its async search at the highest rate the next
// larger block's async search kept up, once that one's growth has ended (its
// bisection and this row's search then run side by side). The largest block
// starts cold. Each start depends only on the neighbour's results, never on
// timing, so the table stays deterministic.
#include "sim/key_figures.hpp"
#include "sim/point_pool.hpp"
#include "sim/saturation.hpp"
#include "sim/table_config.hpp"
#include "sim/table_curves.hpp"

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
  std::vector<CurveRow> curves;  // with TableRunOptions::curves: one per row, else empty
  // Not deterministic (speculation, timing): terminal and bench only.
  double wall_s = 0;
  int points_run = 0;             // child runs, including speculative points never used
  double requests_simulated = 0;  // sum of run.requests_issued over the points run
  double cpu_s = 0;               // CPU seconds (user + system) of the points run
};

struct TableRunOptions {
  int jobs = 0;                    // 0: the number of cores
  std::vector<std::string> sets;   // scenario overrides for every point
  bool progress = true;            // progress on stderr
  bool warm_start = true;          // false: every search from the table's start (--cold-start)
  double point_timeout_s = kDefaultPointTimeoutS;  // wall-clock seconds per point (--point-timeout); 0: none
  bool curves = false;             // also each row's saturation curves (--curves; TableConfig::curves)
};

// The `--set` arguments of one point (scenario path first).
std::vector<std::string> point_args(const std::string& scenario, const std::vector<std::string>& sets);

// Throws std::runtime_error if a point fails (its stderr included).
TableResult run_table(const TableConfig& c, const TableRunOptions& o);

}  // namespace iosim
