#include "sim/saturation.hpp"

#include <cmath>
#include <stdexcept>

namespace iosim::saturation {

namespace {

void note(Result& r, Step s) {
  // Strictly greater: on a tie the first (smallest) point wins, so the
  // reported N / rate is the least load that reaches the best figure.
  if (r.steps.empty() || s.iops > r.best_iops) {
    r.best_iops = s.iops;
    r.best_x = s.x;
  }
  r.steps.push_back(std::move(s));
}

// Integer process counts: the next one is always at least one more.
int next_n(int n, double factor) { return std::max(n + 1, int(std::llround(n * factor))); }

// Rates are whole requests/s, so points print and compare exactly.
double whole(double r) { return std::max(1.0, std::round(r)); }

}  // namespace

int next_processes(int n, double factor) { return next_n(n, factor); }
double whole_rate(double r) { return whole(r); }

void validate(const ClosedParams& p) {
  if (p.start < 1) throw std::invalid_argument("start must be at least 1 process");
  if (!(p.factor > 1)) throw std::invalid_argument("factor must be > 1");
  if (!(p.min_gain >= 0)) throw std::invalid_argument("min_gain must be >= 0");
  if (p.patience < 1) throw std::invalid_argument("patience must be >= 1");
  if (p.max < p.start) throw std::invalid_argument("max must be >= start");
  if (p.speculate < 0) throw std::invalid_argument("speculate must be >= 0");
}

void validate(const OpenParams& p) {
  if (!(p.start >= 1)) throw std::invalid_argument("start must be at least 1 request/s");
  if (!(p.factor > 1)) throw std::invalid_argument("factor must be > 1");
  if (!(p.keep_up > 0 && p.keep_up <= 1)) throw std::invalid_argument("keep_up must be in (0, 1]");
  if (p.bisection_steps < 0) throw std::invalid_argument("bisection_steps must be >= 0");
  if (p.max < p.start) throw std::invalid_argument("max must be >= start");
  if (p.speculate < 0) throw std::invalid_argument("speculate must be >= 0");
}

Result search_closed(const ClosedParams& p, Evaluator& ev) {
  validate(p);
  Result r;
  int n = p.start, misses = 0;
  for (;;) {
    std::vector<double> ahead;
    for (int k = 0, m = n; k < p.speculate; ++k) {
      m = next_n(m, p.factor);
      if (m > p.max) break;
      ahead.push_back(m);
    }
    ev.hint(ahead);
    const double best_before = r.best_iops;
    const double v = ev.eval(n).iops;
    const bool first = r.steps.empty();
    note(r, {"grow", double(n), v, 0, true});
    if (!first) {
      misses = v < best_before * (1 + p.min_gain) ? misses + 1 : 0;
      if (misses >= p.patience) break;
    }
    const int next = next_n(n, p.factor);
    if (next > p.max) {
      r.capped = true;
      break;
    }
    n = next;
  }
  r.knee_x = r.best_x;
  return r;
}

Result search_open(const OpenParams& p, Evaluator& ev) {
  validate(p);
  Result r;
  // Kept up: completions match the arrivals (the nominal rate unless the
  // evaluator counted them).
  auto measure = [&](const char* phase, double rate) {
    const Measure m = ev.eval(rate);
    const double offered = m.offered > 0 ? m.offered : rate;
    Step s{phase, rate, m.iops, offered, m.iops >= p.keep_up * offered};
    note(r, s);
    return s.kept_up;
  };
  double lo = 0, hi = 0;  // highest rate kept up, lowest not (0: none yet)

  // Grow geometrically until the system falls behind.
  for (double rate = whole(p.start);;) {
    // Next: the next rate up if this one is kept up, else the first
    // bisection midpoint; then further rates up.
    std::vector<double> ahead;
    double a = rate;
    for (int k = 0; k < p.speculate; ++k) {
      a = whole(a * p.factor);
      if (a > p.max) break;
      ahead.push_back(a);
      if (k == 0 && p.bisection_steps > 0 && whole((lo + rate) / 2) > lo) ahead.push_back(whole((lo + rate) / 2));
    }
    ev.hint(ahead);
    if (!measure("grow", rate)) {
      hi = rate;
      break;
    }
    lo = rate;
    const double next = whole(rate * p.factor);
    if (next > p.max) {
      r.capped = true;
      break;
    }
    rate = next;
  }
  r.knee_x = lo;
  ev.grown(r);

  // Bisect [lo, hi]; lo = 0 when even the first rate was too much.
  for (int i = 0; hi > 0 && i < p.bisection_steps; ++i) {
    const double mid = whole((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;  // bracket down to 1 request/s
    // Hint the midpoints of both possible next brackets, then theirs, for
    // `speculate` levels (as many as there are steps left).
    std::vector<double> ahead, level{lo, mid, hi};
    for (int d = 0; d < p.speculate && i + 1 + d < p.bisection_steps; ++d) {
      std::vector<double> finer{level.front()};
      for (size_t k = 0; k + 1 < level.size(); ++k) {
        const double m = whole((level[k] + level[k + 1]) / 2);
        ahead.push_back(m);
        finer.push_back(m);
        finer.push_back(level[k + 1]);
      }
      level = std::move(finer);
    }
    ev.hint(ahead);
    (measure("bisect", mid) ? lo : hi) = mid;
  }
  r.knee_x = lo;
  r.bracket_hi = hi;
  return r;
}

double warm_start_closed(const ClosedParams& p, const Result& neighbour) {
  // Replays the search's decisions over its steps (search_closed above).
  double start = 0, best = 0;
  for (size_t i = 0; i < neighbour.steps.size(); ++i) {
    const double v = neighbour.steps[i].iops;
    const bool fresh = i == 0 || (v >= best * (1 + p.min_gain) && v > best);
    if (fresh) start = neighbour.steps[i].x;
    if (i == 0 || v > best) best = v;
  }
  return start;
}

double warm_start_open(const Result& neighbour) {
  double start = 0;
  for (const Step& s : neighbour.steps)
    if (s.phase == "grow" && s.kept_up) start = s.x;
  return start;
}

}  // namespace iosim::saturation
