// The saturation search against synthetic systems with closed-form knees (no
// SystemC, no child processes).
#include <catch2/catch.hpp>

#include "sim/saturation.hpp"

#include <cmath>
#include <functional>
#include <set>

using namespace iosim::saturation;

namespace {

// Evaluates a formula; records every point asked for and every hint.
struct Fn : Evaluator {
  std::function<Measure(double)> f;
  std::vector<double> asked;
  std::set<double> hinted;
  explicit Fn(std::function<Measure(double)> g) : f(std::move(g)) {}
  Measure eval(double x) override {
    asked.push_back(x);
    return f(x);
  }
  void hint(const std::vector<double>& xs) override { hinted.insert(xs.begin(), xs.end()); }
};

Fn closed(std::function<double(double)> g) {
  return Fn([g](double n) { return Measure{g(n), 0}; });
}

}  // namespace

TEST_CASE("closed loop: a linear rise to a cap stops one doubling past the knee", "[saturation]") {
  // f(N) = min(a N, cap): knee at cap / a = 100 processes.
  const double a = 50, cap = 5000;
  Fn ev = closed([&](double n) { return std::min(a * n, cap); });
  ClosedParams p;  // start 8, x2, 2%
  const Result r = search_closed(p, ev);
  CHECK(r.best_iops == cap);
  CHECK(r.best_x >= cap / a);          // the first N on the plateau ...
  CHECK(r.best_x < 2 * cap / a);       // ... within one doubling of the knee
  CHECK(r.best_x == 128);
  CHECK_FALSE(r.capped);
  // 8 16 32 64 128 (cap) 256 (no gain: stop).
  CHECK(ev.asked == std::vector<double>{8, 16, 32, 64, 128, 256});
  CHECK(r.steps.size() == ev.asked.size());
}

TEST_CASE("closed loop: a smooth curve stops at the first doubling gaining under min_gain", "[saturation]") {
  // f(N) = cap (1 - exp(-N / k)); the doubling N -> 2N gains
  // f(2N)/f(N) - 1 = exp(-N/k), which is < 2% once N > k ln 50.
  const double cap = 4000, k = 40;
  Fn ev = closed([&](double n) { return cap * (1 - std::exp(-n / k)); });
  ClosedParams p;
  p.start = 4;
  const Result r = search_closed(p, ev);
  double expect_stop = 4;
  while (std::exp(-expect_stop / k) >= 0.02) expect_stop *= 2;
  CHECK(ev.asked.back() == 2 * expect_stop);  // the doubling that gained too little
  CHECK(r.best_x == 2 * expect_stop);         // still the best figure (it rose a little)
  CHECK(r.best_iops == Approx(cap).epsilon(0.001));
  // A stricter threshold runs further.
  Fn ev2 = closed([&](double n) { return cap * (1 - std::exp(-n / k)); });
  p.min_gain = 0.001;
  CHECK(search_closed(p, ev2).steps.size() > r.steps.size());
}

TEST_CASE("closed loop: patience survives a dip, a system that never saturates is capped", "[saturation]") {
  // A dip at 64 (below the 640 of N = 32: noise, a resonance) then a further
  // rise to the cap at 200.
  auto f = [](double n) { return n == 64 ? 600.0 : std::min(20 * n, 4000.0); };
  Fn dip = closed(f);
  ClosedParams p;
  p.patience = 1;
  CHECK(search_closed(p, dip).best_iops == 640);  // fooled by the dip at 64
  p.patience = 2;
  Fn dip2 = closed(f);
  const Result r = search_closed(p, dip2);
  CHECK(r.best_iops == 4000);
  CHECK(r.best_x == 256);
  CHECK(dip2.asked.back() == 1024);  // two misses: 512 and 1024

  Fn lin = closed([](double n) { return n; });
  ClosedParams q;
  q.max = 1000;
  const Result c = search_closed(q, lin);
  CHECK(c.capped);
  CHECK(c.best_x == 512);  // 8 ... 512; 1024 > max
}

TEST_CASE("open loop: completed = min(rate, cap) is bracketed and bisected to the tolerance", "[saturation]") {
  for (double cap : {3333.0, 4732.0, 977.0, 12345.0}) {
    Fn ev([&](double rate) { return Measure{std::min(rate, cap), rate}; });
    OpenParams p;  // start 500/s, x2, keep up 97%, 4 bisections
    const Result r = search_open(p, ev);
    INFO("cap " << cap);
    // The true boundary: kept up while min(rate, cap) >= 0.97 rate.
    const double boundary = cap / p.keep_up;
    CHECK(r.best_iops == cap);
    CHECK(r.knee_x <= boundary);
    CHECK(r.bracket_hi > boundary);
    // The doubling bracket [b, 2b] holds the boundary; 4 bisections leave
    // b / 16 (plus rounding to whole requests/s).
    double b = 500;
    while (2 * b <= boundary) b *= 2;
    CHECK(r.bracket_hi - r.knee_x <= b / 16 + 1);
    CHECK(boundary - r.knee_x <= b / 16 + 1);
    CHECK_FALSE(r.capped);
    size_t grows = 0;
    for (const auto& s : r.steps) grows += s.phase == "grow";
    CHECK(r.steps.size() == grows + 4);
  }
}

TEST_CASE("open loop: too much from the start bisects down from zero, a bottomless system is capped", "[saturation]") {
  Fn ev([](double rate) { return Measure{std::min(rate, 100.0), rate}; });
  OpenParams p;
  p.bisection_steps = 6;
  const Result r = search_open(p, ev);
  CHECK(r.steps.front().kept_up == false);
  CHECK(r.best_iops == 100);
  CHECK(r.knee_x <= 100 / 0.97);
  CHECK(r.knee_x > 100 / 0.97 - 500.0 / 64 - 1);

  Fn inf([](double rate) { return Measure{rate, rate}; });
  OpenParams q;
  q.max = 10000;
  const Result c = search_open(q, inf);
  CHECK(c.capped);
  CHECK(c.knee_x == 8000);
  CHECK(c.bracket_hi == 0);
}

TEST_CASE("open loop: keep-up is judged against the arrivals the evaluator counted", "[saturation]") {
  // Arrivals 4% under the nominal rate (a Poisson sample) and every one served:
  // against the nominal rate that looks like falling behind at every point.
  const double cap = 6000;
  auto served = [&](double rate) { return std::min(0.96 * rate, cap); };
  Fn counted([&](double rate) { return Measure{served(rate), 0.96 * rate}; });
  Fn nominal([&](double rate) { return Measure{served(rate), 0}; });  // 0: use the nominal rate
  OpenParams p;
  const Result a = search_open(p, counted), b = search_open(p, nominal);
  CHECK(a.knee_x > 4000);   // found the real knee (~6000 / 0.96 / 0.97)
  CHECK(b.knee_x == 0);     // fooled at the very first point
  CHECK(a.best_iops == cap);
}

TEST_CASE("search results do not depend on speculation, hints name the likely next points", "[saturation]") {
  auto f = [](double n) { return Measure{std::min(37 * n, 4100.0), 0}; };
  auto g = [](double r) { return Measure{std::min(r, 2900.0), r}; };
  Fn c0(f), c3(f), o0(g), o3(g);
  ClosedParams cp;
  OpenParams op;
  cp.speculate = op.speculate = 0;
  const Result rc0 = search_closed(cp, c0), ro0 = search_open(op, o0);
  cp.speculate = op.speculate = 3;
  const Result rc3 = search_closed(cp, c3), ro3 = search_open(op, o3);
  CHECK(c0.asked == c3.asked);
  CHECK(o0.asked == o3.asked);
  CHECK(rc0.best_x == rc3.best_x);
  CHECK(ro0.knee_x == ro3.knee_x);
  CHECK(c0.hinted.empty());
  // Every point the searches went on to use was hinted beforehand.
  for (size_t i = 1; i < c3.asked.size(); ++i) CHECK(c3.hinted.count(c3.asked[i]));
  for (size_t i = 1; i < o3.asked.size(); ++i) CHECK(o3.hinted.count(o3.asked[i]));
}

TEST_CASE("search parameters are validated", "[saturation]") {
  Fn ev = closed([](double n) { return n; });
  ClosedParams c;
  c.factor = 1;
  CHECK_THROWS_WITH(search_closed(c, ev), Catch::Contains("factor"));
  c = {};
  c.max = 4;
  CHECK_THROWS_WITH(search_closed(c, ev), Catch::Contains("max"));
  OpenParams o;
  o.keep_up = 1.5;
  CHECK_THROWS_WITH(search_open(o, ev), Catch::Contains("keep_up"));
  CHECK(ev.asked.empty());
}

namespace {

// A closed-loop curve that rises linearly to `cap` and then by 1% per step:
// the knee moves with cap / slope, like a smaller block's knee moves right.
std::function<double(double)> knee_curve(double slope, double cap) {
  return [=](double n) { return n * slope <= cap ? n * slope : cap * (1 + 0.01 * std::log2(n * slope / cap)); };
}

}  // namespace

TEST_CASE("warm start, closed loop: from the neighbour's last fresh step, the cold result with fewer points", "[saturation]") {
  ClosedParams p;
  p.factor = 1.414;
  p.min_gain = 0.15;
  // The "larger block": knee at 2000 / 50 = 40 processes. Its search runs
  // 8 11 16 23 33 47 (gain) 66 (miss): the last fresh step is 47.
  Fn big = closed(knee_curve(50, 2000));
  const Result rb = search_closed(p, big);
  REQUIRE(rb.steps.size() >= 3);
  CHECK(rb.steps.back().x == 66);
  CHECK(warm_start_closed(p, rb) == 47);

  // The "smaller block": knee further right (4000 / 50 = 80).
  Fn cold = closed(knee_curve(50, 4000)), warm = closed(knee_curve(50, 4000));
  const Result rc = search_closed(p, cold);
  ClosedParams w = p;
  w.start = int(warm_start_closed(p, rb));
  const Result rw = search_closed(w, warm);
  CHECK(rw.best_x == rc.best_x);
  CHECK(rw.best_iops == rc.best_iops);
  CHECK(rw.capped == rc.capped);
  // The same grid from 47 on: the warm steps are the cold ones' tail.
  REQUIRE(rw.steps.size() < rc.steps.size());
  const size_t skip = rc.steps.size() - rw.steps.size();
  for (size_t i = 0; i < rw.steps.size(); ++i) CHECK(rw.steps[i].x == rc.steps[skip + i].x);
  CHECK(warm.asked.size() == cold.asked.size() - skip);
  // And it hands the next row the same start the cold search would.
  CHECK(warm_start_closed(p, rw) == warm_start_closed(p, rc));
}

TEST_CASE("warm start, closed loop: the premise matters (a start past the cold stop changes the result)", "[saturation]") {
  // Why the table chains from the largest block down: starting a search
  // beyond the point where its cold search stops gives another figure.
  ClosedParams p;
  p.factor = 1.414;
  p.min_gain = 0.15;
  Fn cold = closed(knee_curve(50, 1000)), warm = closed(knee_curve(50, 1000));
  const Result rc = search_closed(p, cold);  // knee at 20 processes
  ClosedParams w = p;
  w.start = 47;  // a neighbour with a knee further right
  const Result rw = search_closed(w, warm);
  CHECK(rw.best_x != rc.best_x);
  CHECK(rc.best_x < 47);
}

TEST_CASE("warm start, closed loop: the last fresh step with patience, a dip, and a capped search", "[saturation]") {
  // patience 2: 8 16 32 (640) 64 (dip: miss) 128 (2560: gain, fresh)
  // 256 (4000: fresh) 512 1024 (two misses).
  auto f = [](double n) { return n == 64 ? 600.0 : std::min(20 * n, 4000.0); };
  Fn dip = closed(f);
  ClosedParams p;
  p.patience = 2;
  const Result r = search_closed(p, dip);
  CHECK(warm_start_closed(p, r) == 256);
  // A search that ran into `max` was fresh at its last step.
  Fn lin = closed([](double n) { return n; });
  ClosedParams q;
  q.max = 1000;
  CHECK(warm_start_closed(q, search_closed(q, lin)) == 512);
  CHECK(warm_start_closed(q, Result{}) == 0);
}

namespace {
struct Grown : Fn {
  using Fn::Fn;
  std::vector<Result> grown_calls;
  void grown(const Result& r) override { grown_calls.push_back(r); }
};
}  // namespace

TEST_CASE("warm start, open loop: from the neighbour's last rate kept up, the cold result with fewer points", "[saturation]") {
  // The neighbour (larger block) saturates at 2100/s: grow 500 1000 2000 kept
  // up, 4000 not. The smaller block saturates at 4900/s.
  Grown big([](double r) { return Measure{std::min(r, 2100.0), r}; });
  OpenParams p;
  const Result rb = search_open(p, big);
  CHECK(warm_start_open(rb) == 2000);
  // grown() is called once, after the growth, with the grow steps only.
  REQUIRE(big.grown_calls.size() == 1);
  CHECK(big.grown_calls[0].knee_x == 2000);
  CHECK(warm_start_open(big.grown_calls[0]) == 2000);
  for (const auto& s : big.grown_calls[0].steps) CHECK(s.phase == "grow");

  auto small = [](double r) { return Measure{std::min(r, 4900.0), r}; };
  Fn cold(small), warm(small);
  const Result rc = search_open(p, cold);
  OpenParams w = p;
  w.start = warm_start_open(rb);
  const Result rw = search_open(w, warm);
  CHECK(rw.best_x == rc.best_x);
  CHECK(rw.best_iops == rc.best_iops);
  CHECK(rw.knee_x == rc.knee_x);
  CHECK(rw.bracket_hi == rc.bracket_hi);
  CHECK(warm.asked.size() + 2 == cold.asked.size());  // 500 and 1000 skipped
  CHECK(warm_start_open(rw) == warm_start_open(rc));

  // A neighbour that kept up nothing hands down no start.
  Fn none([](double r) { return Measure{std::min(r, 100.0), r}; });
  CHECK(warm_start_open(search_open(p, none)) == 0);
}
