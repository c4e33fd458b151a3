#pragma once
// The saturation search of the paper's Table 1, as pure functions over an
// "evaluate a point" callback (no SystemC, no processes: unit-testable with a
// closed-form system).
//
// Closed loop (sync path, N blocking processes): start at N = start and
// multiply N by `factor` (doubling) while I/O/s keeps rising; a step that
// raises the best I/O/s seen so far by less than `min_gain` is a miss, and
// `patience` misses in a row stop the search. Result: the best I/O/s seen and
// the N it was seen at. Doubling finds the plateau in log2(N*/start) steps;
// refining N inside the last doubling is pointless because on a plateau the
// I/O/s is what the table reports, not the N.
//
// Open loop (async path, aggregate Poisson rate): start at `start` requests/s
// and multiply by `factor` while the system keeps up (completed >= keep_up *
// offered); the first rate it does not keep up with brackets the knee with
// the last rate it did; then `bisection_steps` bisections narrow the bracket
// (a rate that keeps up raises the lower end, one that does not lowers the
// upper). Result: the highest completed I/O/s seen at any point, the rate it
// was seen at, and the knee (highest rate kept up). Beyond the knee completed
// I/O/s stays at the capacity (the ring fills and the processes block), so the
// best completed figure is the saturation I/O rate.
//
// "Offered" is what eval() says arrived (Measure::offered), not necessarily the
// nominal rate x: a real evaluator can report the arrivals it counted, so the
// keep-up test compares completions with the same Poisson sample instead of
// drowning a 3% margin in arrival noise.
//
// Every decision depends only on the values returned by eval(), so the same
// system gives the same steps and result, whatever the callback does in
// parallel: hint() only tells it which points are likely next (speculation);
// Result::steps lists only the points the search actually used.
#include <string>
#include <vector>

namespace iosim::saturation {

// One point's outcome.
struct Measure {
  double iops = 0;     // completed I/O/s
  double offered = 0;  // open loop: requests/s that arrived (<= 0: the nominal rate x)
};


struct ClosedParams {
  int start = 8;          // processes at the first point
  double factor = 2;      // N multiplier per step (> 1)
  double min_gain = 0.02; // a step must raise the best I/O/s by this fraction
  int patience = 1;       // misses in a row that stop the search
  int max = 4096;         // never run more processes than this
  int speculate = 2;      // points hinted ahead
};

struct OpenParams {
  double start = 500;       // requests/s at the first point
  double factor = 2;        // rate multiplier per step (> 1)
  double keep_up = 0.97;    // kept up: completed >= keep_up * offered
  int bisection_steps = 4;  // bisections of the bracket after the doubling
  double max = 1e6;         // never offer more than this (requests/s)
  int speculate = 2;        // doubling: points hinted ahead; bisection: levels
};

struct Step {
  std::string phase;  // "grow" or "bisect"
  double x = 0;       // processes or offered rate
  double iops = 0;    // completed I/O/s
  double offered = 0; // open loop: arrived requests/s (closed loop: 0)
  bool kept_up = true;  // open loop only: completed >= keep_up * offered
};

struct Result {
  double best_x = 0, best_iops = 0;  // highest completed I/O/s seen, and where
  double knee_x = 0;   // closed: = best_x; open: highest rate kept up (0: none)
  double bracket_hi = 0;  // open: lowest rate not kept up (0: none found)
  bool capped = false;    // stopped at `max` before the stop criterion held
  std::vector<Step> steps;  // the points the search used, in order
};

class Evaluator {
public:
  virtual ~Evaluator() = default;
  // The point at x (processes, or nominal requests/s). May block.
  virtual Measure eval(double x) = 0;
  // Points the search will probably ask for next, most likely first. An
  // evaluator with idle workers may start them early; the default ignores them.
  virtual void hint(const std::vector<double>& /*xs*/) {}
  // Open loop: the growth has stopped; `so_far` holds the grow steps (its
  // knee_x: the highest rate kept up, 0 if none). Lets a neighbouring row's
  // search take its warm start (below) before this one's bisection ends.
  virtual void grown(const Result& /*so_far*/) {}
};

Result search_closed(const ClosedParams& p, Evaluator& ev);
Result search_open(const OpenParams& p, Evaluator& ev);

// The searches' grids (also the saturation curves', sim/table_curves.hpp):
// the process count after n (at least n + 1), and a rate rounded to a whole
// request/s (at least 1).
int next_processes(int n, double factor);
double whole_rate(double r);

// Throws std::invalid_argument naming the bad parameter.
void validate(const ClosedParams& p);
void validate(const OpenParams& p);

// Warm starts (iosim table). A search that starts at a point x_k of its own
// grid instead of at p.start runs the same steps from x_k on, and returns the
// same result, as the cold search, if and only if the cold search reaches x_k
// in the state a fresh start is in:
//  - closed loop: x_k was the first point or a gain (the miss count back to
//    0) and its I/O/s is the best so far (strictly: a tie keeps the earlier
//    N). The later decisions compare with the best so far only, which is then
//    x_k's own figure, as in the warm search; the points skipped are below it,
//    so they cannot be the best either.
//  - open loop: every grow rate below x_k was kept up, and none of those
//    rates' completed I/O/s reaches the best of the rest (a tie would go to
//    the earlier, skipped, point). The bracket and the bisection then follow
//    from x_k on. (A kept-up rate r <= x_k / 2 completes at most what arrived
//    during warm-up + window, ~1.3 r <= 0.65 x_k, under the >= 0.97 x_k that
//    x_k itself completes.)
// The grid is the same whatever the start: x -> max(x + 1, round(x factor))
// (closed), whole(x factor) (open), so a start on the grid stays on it.
//
// The table takes x_k from the neighbouring row with the next larger block
// (the functions below): the point where that search was last in a fresh
// state (closed), the highest rate it kept up before bisecting (open). That
// the cold search of the smaller block reaches the same point in that state
// is the premise: per process (closed) and per request/s (open) a smaller
// block costs less of every resource, so its throughput rises at least as far
// (Table 1: the sync knee falls 66 -> 11 processes and the async knee 5250 ->
// 219/s as blocks grow from 1 kB to 1 MiB). It is not provable from the
// neighbour's figures alone (only by running the skipped points), so `iosim
// table --cold-start` runs every row cold, and tests/test_table.cpp checks
// that both give the same table.csv, and table.json but for the skipped steps.

// The point a closed-loop search of a neighbouring row may start from: the
// last step of `neighbour` after which its search was in a fresh state (0:
// no steps).
double warm_start_closed(const ClosedParams& p, const Result& neighbour);
// The highest grow rate `neighbour` kept up (0: none; start cold).
double warm_start_open(const Result& neighbour);

}  // namespace iosim::saturation
