#pragma once
// Saturation curves (`iosim table --curves`): per block size, I/O/s against
// processes (sync) and against the offered rate (async), from the first point
// of the search's grid to well past the point the search chose, so a reader
// sees what the stop rule cuts and what lies beyond it.
//
// A curve's points (pure functions of the table file, the curve parameters
// and the finished search, below) are:
//  - every point on the search's path from its cold start: the grid from
//    `search.start` up to the search's last step, and its bisection steps.
//    A warm-started search skipped the first of these (sim/saturation.hpp);
//    the curve runs them, so a curve is the same whether its row started
//    warm or cold (and the same from --emit-jobs rows, which start cold);
//  - past the chosen point: sync, the chosen N x factor, x factor^2, ... up
//    to span x N (16 x N by x2 steps in table1.yaml); async, `points` rates
//    evenly spaced from the knee rate (the highest rate kept up) to span x
//    the knee (4 rates up to 2 x the knee).
// Points the search ran are reused (the table's memo: a point runs once per
// table); the others run through the same pool of -j workers, queued behind
// the searches' own points.
#include "sim/key_figures.hpp"
#include "sim/saturation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace iosim {

struct TableConfig;
struct TableResult;

struct CurveParams {
  double sync_span = 16;   // sync: processes up to span x the chosen N
  double sync_factor = 2;  // sync: N multiplier per point past the chosen N
  double async_span = 2;   // async: offered rates up to span x the knee rate
  int async_points = 4;    // async: rates past the knee, evenly spaced up to span x knee
};

struct CurvePoint {
  double x = 0;        // processes (sync) or nominal requests/s (async)
  double offered = 0;  // async: requests/s that arrived in the window (the search's "offered"); sync: 0
  bool kept_up = true; // async: completed >= keep_up x offered (the search's test); sync: true
  KeyFigures k;        // at this point (iops, latencies, utilisations)
  double lat_p50_ms = 0;
  double seek_ms = 0, service_ms = 0;  // mean over the disks: seek, and service per media access
  bool search = false;  // on the search's path (from its cold start)
  bool chosen = false;  // the point the table reports (the cell's N / rate)
};

struct Curve {
  std::vector<CurvePoint> points;  // x strictly increasing
  double chosen_x = 0;  // the cell's N / rate
  double knee_x = 0;    // async: the highest rate kept up (sync: = chosen_x)
  const CurvePoint* chosen() const;
  const CurvePoint* last() const { return points.empty() ? nullptr : &points.back(); }
  const CurvePoint* peak() const;  // the highest completed I/O/s (the first on a tie)
};

struct CurveRow {
  std::uint64_t block = 0;
  Curve sync, async;
};

// The x values of a curve, strictly increasing, and which of them are on the
// search's path (`on_path`, same length).
std::vector<double> sync_curve_xs(const saturation::ClosedParams& p, const CurveParams& cp,
                                  const saturation::Result& search, std::vector<bool>* on_path = nullptr);
std::vector<double> async_curve_xs(const saturation::OpenParams& p, const CurveParams& cp,
                                   const saturation::Result& search, std::vector<bool>* on_path = nullptr);

// Requests/s that arrived in a point's window (`iosim run --json` results):
// the search's "offered" (sim/table_run.cpp), the nominal rate when the
// arrivals fell short of it by more than 4 sigma (processes held back).
double arrived_rate(const nlohmann::json& results, double nominal);

// One curve point from a point's results.
CurvePoint curve_point(const nlohmann::json& results, double x, bool open_loop, double keep_up);

// Throws std::invalid_argument naming the bad parameter.
void validate(const CurveParams& cp);

// Outputs (deterministic: nothing wall-clock).
std::string curves_csv(const TableConfig& c, const std::vector<CurveRow>& rows);
nlohmann::ordered_json curves_json(const TableConfig& c, const std::vector<CurveRow>& rows);
// curves.json's rows back into curves (iosim merge); throws std::runtime_error.
std::vector<CurveRow> curves_from_json(const nlohmann::json& j);
// The terminal summary: per row, the chosen point, the curve's end and its peak.
void print_curves(std::ostream& os, const TableConfig& c, const std::vector<CurveRow>& rows);
// curves_sync.dat, curves_async.dat, curves.gp, then gnuplot: curves.png and
// curves.svg. Returns false (after a warning on stderr) if gnuplot is missing or fails.
bool write_curves_plot(const std::string& dir, const TableConfig& c, const std::vector<CurveRow>& rows);

}  // namespace iosim
