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

class Evaluator {
public:
  virtual ~Evaluator() = default;
  // The point at x (processes, or nominal requests/s). May block.
  virtual Measure eval(double x) = 0;
  // Points the search will probably ask for next, most likely first. An
  // evaluator with idle workers may start them early; the default ignores them.
  virtual void hint(const std::vector<double>& /*xs*/) {}
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

Result search_closed(const ClosedParams& p, Evaluator& ev);
Result search_open(const OpenParams& p, Evaluator& ev);

// Throws std::invalid_argument naming the bad parameter.
void validate(const ClosedParams& p);
void validate(const OpenParams& p);

}  // namespace iosim::saturation
