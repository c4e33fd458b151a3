// QueueController (sc_module): calls at one simulated time share an edge,
// idle time costs no edges, skipping idle edges is exact (replayed on a
// free-running core), rtl and model cores give identical runs, and its VCD
// parses with one rising clk per clocked edge.
#include <catch2/catch.hpp>

#include "model/card/queue_controller.hpp"
#include "model/common/rng.hpp"
#include "model/stats/vcd.hpp"
#include "tests/test_vcd_parse.hpp"

#include <algorithm>
#include <functional>
#include <systemc>
#include <vector>

using namespace iosim;
using namespace sc_core;

namespace {

uint64_t now_ps() { return uint64_t(std::llround(sc_time_stamp() / sc_time(1, SC_PS))); }

enum Op { kHostPush, kCardPop, kCardCpl, kHostCpl };
struct LogEntry {
  uint64_t t_ps;  // wake-up time = the edge that sampled the call
  Op op;
  bool ok;
  bool operator==(const LogEntry& o) const { return t_ps == o.t_ps && op == o.op && ok == o.ok; }
};

// Calls one operation and logs when it returned and with what.
bool call(QueueController& qc, Op op, std::vector<LogEntry>& log) {
  bool ok = false;
  switch (op) {
    case kHostPush: ok = qc.host_push_request(); break;
    case kCardPop: ok = qc.card_pop_request(); break;
    case kCardCpl: ok = qc.card_push_completion(); break;
    case kHostCpl: ok = qc.host_pop_completion(); break;
  }
  log.push_back({now_ps(), op, ok});
  return ok;
}

void spawn(std::function<void()> f) { sc_spawn(std::move(f)); }

// Host submitter, card firmware and host poller around one controller, all
// random draws from (seed, name): the same for every controller built.
struct System {
  QueueController& qc;
  std::vector<LogEntry> log;
  System(QueueController& q, uint64_t seed) : qc(q) {
    spawn([this, seed] {  // host: bursts of requests, retries while the ring is full
      Rng rng(seed, "tb.host");
      for (int i = 0; i < 4000; ++i) {
        wait(sc_time(rng.exponential(8e-6), SC_SEC));
        while (!call(qc, kHostPush, log)) wait(sc_time(2, SC_US));
      }
    });
    spawn([this, seed] {  // firmware: take a request, serve it, post its completion
      Rng rng(seed, "tb.fw");
      for (;;) {
        if (qc.state().req_empty) { wait(sc_time(1, SC_US)); continue; }
        if (!call(qc, kCardPop, log)) continue;
        wait(sc_time(rng.exponential(9e-6), SC_SEC));
        while (!call(qc, kCardCpl, log)) wait(sc_time(3, SC_US));
      }
    });
    spawn([this] {  // poller: every 100 us drain the completion ring (BRIEF.md, step 7)
      for (;;) {
        wait(sc_time(100, SC_US));
        while (call(qc, kHostCpl, log)) {}
      }
    });
  }
};

} // namespace

TEST_CASE("queue controller: calls at the same time share one edge", "[queue_ctrl][sc]") {
  QueueControllerParams p;
  p.core = QcCore::Rtl;
  p.depth = 4;
  p.clock_hz = 100e6;  // 10 000 ps period, round numbers
  QueueController qc("qc", p);
  std::vector<LogEntry> log;
  spawn([&] { CHECK(call(qc, kHostPush, log)); });
  spawn([&] { CHECK(!call(qc, kCardPop, log)); });  // same edge: ring still empty before it
  spawn([&] { CHECK(call(qc, kHostPush, log)); });  // same port: takes the next edge
  spawn([&] { CHECK(!call(qc, kHostCpl, log)); });
  spawn([&] {
    wait(sc_time(10, SC_NS));  // exactly at edge 1: goes to edge 2
    CHECK(call(qc, kCardPop, log));
  });
  sc_start(1, SC_MS);
  REQUIRE(log.size() == 5);
  const uint64_t T = 10000;
  for (const auto& e : log) CHECK(e.t_ps % T == 0);
  size_t at1 = 0, at2 = 0;
  for (const auto& e : log) { at1 += e.t_ps == T; at2 += e.t_ps == 2 * T; }
  CHECK(at1 == 3);  // push, refused pop, refused completion pop
  CHECK(at2 == 2);  // second push and the pop issued at 10 ns
  CHECK(qc.cycles_clocked() == 3);  // two busy edges + one settling edge, then nothing
  CHECK(qc.state().req_count == 1);
  CHECK(qc.state().p_hr == 2);
  CHECK(qc.state().p_sr == 1);
  CHECK(!qc.state().h_req_ok);  // settled: ok flags back to 0
  CHECK(!qc.state().c_req_pop_ok);
}

TEST_CASE("queue controller: idle time costs no edges and occupancy is time-weighted", "[queue_ctrl][sc]") {
  QueueControllerParams p;  // defaults: rtl, 5000 records, 133 MHz
  QueueController qc("qc", p);
  std::vector<LogEntry> log;
  spawn([&] {
    for (int i = 0; i < 100; ++i) {
      CHECK(call(qc, kHostPush, log));
      wait(sc_time(i + 1, SC_MS) - sc_time_stamp());
    }
  });
  spawn([&] {
    wait(sc_time(500, SC_US));
    for (int i = 0; i < 100; ++i) {
      CHECK(call(qc, kCardPop, log));
      wait(sc_time(1500 + 1000 * i, SC_US) - sc_time_stamp());
    }
  });
  sc_start(100, SC_MS);
  // Each isolated operation: one busy edge + one settling edge.
  CHECK(qc.cycles_clocked() == 400);
  const double free_running_edges = 0.1 / qc.period().to_seconds();  // ~13.3 M at 133 MHz
  CHECK(double(qc.cycles_clocked()) < free_running_edges / 10000);
  CHECK(qc.period() == sc_time(7519, SC_PS));  // 1/133 MHz rounded to 1 ps
  Stats s;
  qc.report(s, 0.1);
  CHECK(s.get("qc.cycles") == 400);
  CHECK(s.get("qc.req_push_ok") == 100);
  CHECK(s.get("qc.req_pop_ok") == 100);
  CHECK(s.get("qc.req_push_refused") == 0);
  // Every record is valid for 0.5 ms of each 1 ms (to within one clock period).
  CHECK(s.get("qc.req_occupancy") == Approx(0.5).margin(1e-4));
  CHECK(s.get("qc.req_occupancy.max") == 1);
  CHECK(s.get("qc.cpl_occupancy") == 0);
}

TEST_CASE("queue controller: rtl and model cores give identical runs, equal to a free-running clock",
          "[queue_ctrl][sc]") {
  QueueControllerParams p;
  p.depth = 8;  // small rings so they fill: refusals and retries on both
  p.core = QcCore::Rtl;
  QueueController qc_rtl("qc_rtl", p);
  p.core = QcCore::Model;
  QueueController qc_model("qc_model", p);
  System a(qc_rtl, 42), b(qc_model, 42);
  sc_start(40, SC_MS);

  REQUIRE(a.log.size() > 10000);
  CHECK(a.log == b.log);
  CHECK(qc_rtl.state() == qc_model.state());
  CHECK(qc_rtl.cycles_clocked() == qc_model.cycles_clocked());
  size_t refused[4] = {0, 0, 0, 0};
  for (const auto& e : a.log) refused[e.op] += !e.ok;
  CHECK(refused[kHostPush] > 0);  // request ring was full
  CHECK(refused[kCardCpl] > 0);   // completion ring was full
  CHECK(refused[kHostCpl] > 0);   // poller found it empty

  // Replay the same strobes on a core clocked at every edge, idle ones too:
  // skipping idle edges must not change a single ok flag or the final state.
  const uint64_t T = uint64_t(qc_rtl.period().value() /
                              sc_time(1, SC_PS).value());
  auto ref = make_queue_ctrl_core("model", p.depth);
  size_t i = 0;
  const uint64_t last_edge = a.log.back().t_ps / T;
  for (uint64_t k = 1; k <= last_edge + 1; ++k) {
    QcInputs in;
    const size_t first = i;
    for (; i < a.log.size() && a.log[i].t_ps == k * T; ++i) {
      const Op op = a.log[i].op;
      (op == kHostPush ? in.h_req_push : op == kCardPop ? in.c_req_pop
                       : op == kCardCpl ? in.c_cpl_push : in.h_cpl_pop) = true;
    }
    const QcOutputs o = ref->cycle(in);
    for (size_t j = first; j < i; ++j) {
      const Op op = a.log[j].op;
      const bool ok = op == kHostPush ? o.h_req_ok : op == kCardPop ? o.c_req_pop_ok
                    : op == kCardCpl ? o.c_cpl_ok : o.h_cpl_pop_ok;
      REQUIRE(ok == a.log[j].ok);
    }
  }
  REQUIRE(i == a.log.size());
  // The controller's state after the run: the log ends before 40 ms, the
  // settling edge has run, so the free-running core must agree exactly.
  CHECK(ref->outputs() == qc_rtl.state());
  CHECK(qc_rtl.cycles_clocked() < ref->cycles() / 2);
}

TEST_CASE("queue controller: VCD shows one rising clk per clocked edge and the final pointers",
          "[queue_ctrl][sc][vcd]") {
  const std::string path = "test_queue_ctrl_controller.vcd", rtl_path = "test_queue_ctrl_rtl.vcd";
  std::vector<LogEntry> log;
  uint64_t cycles = 0;
  QcOutputs final_state;
  {
    VcdWriter w(path);
    set_vcd_writer(&w);
    QueueControllerParams p;
    p.depth = 7;
    p.rtl_vcd_path = rtl_path;
    QueueController qc("qc", p);
    System sys(qc, 7);
    sc_start(3, SC_MS);
    w.close();
    cycles = qc.cycles_clocked();
    final_state = qc.state();
    set_vcd_writer(nullptr);
  }
  const auto v = vcdtest::parse(path);
  CHECK(v.timescale == "1ps");
  CHECK(v.rises("qc.clk") == cycles);
  const uint64_t t_end = v.last_time;
  CHECK(v.at("qc.p_hr", t_end) == final_state.p_hr);
  CHECK(v.at("qc.p_hc", t_end) == final_state.p_hc);
  CHECK(v.at("qc.req_count", t_end) == final_state.req_count);
  CHECK(v.vars.at("qc.req_full").changes.size() > 1);  // ring filled at some point
  // The Verilator trace of the RTL itself parses too, on the same 1 ps timeline.
  const auto r = vcdtest::parse(rtl_path);
  CHECK(r.timescale == "1ps");
  bool found = false;
  for (const auto& [name, var] : r.vars)
    if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".p_hr") == 0) {
      found = true;
      CHECK(var.width == 13);
      CHECK(r.at(name, r.last_time) == final_state.p_hr);
    }
  CHECK(found);
}

namespace {
// Posted calls answer here: (time of the answer, ok) into the log passed as ctx.
void posted_answer(void* ctx, bool ok) { static_cast<std::vector<LogEntry>*>(ctx)->push_back({now_ps(), kHostPush, ok}); }
}  // namespace

TEST_CASE("queue controller: a posted call takes the blocking call's edge and is answered there",
          "[queue_ctrl][sc]") {
  QueueControllerParams p;
  p.core = QcCore::Model;
  p.depth = 2;  // small: later pushes are refused until a pop
  p.clock_hz = 100e6;  // 10 000 ps period
  QueueController qa("qa", p), qb("qb", p);  // qa: blocking calls, qb: the same calls posted
  std::vector<LogEntry> la, lb;
  bool returned_edge = true;  // each posted call returned the time to the edge that answered it
  // Three pushes at one time (the port's next edges), then later ones; a pop in between.
  for (double t_ns : {3.0, 3.0, 3.0, 25.0, 40.0, 40.0, 75.0, 75.0}) {
    spawn([&, t_ns] {
      wait(sc_time(t_ns, SC_NS));
      call(qa, kHostPush, la);
    });
    spawn([&, t_ns] {
      wait(sc_time(t_ns, SC_NS));
      const uint64_t at = now_ps() + uint64_t(std::llround(qb.host_push_request_posted(&posted_answer, &lb) / sc_time(1, SC_PS)));
      wait(sc_time(10, SC_US));  // long after its edge
      returned_edge = returned_edge && std::any_of(lb.begin(), lb.end(), [at](const LogEntry& e) { return e.t_ps == at; });
    });
  }
  for (QueueController* q : {&qa, &qb})
    spawn([q] {
      wait(sc_time(50, SC_NS));
      q->card_pop_request();
    });
  sc_start(1, SC_MS);
  auto by_time = [](const LogEntry& a, const LogEntry& b) { return a.t_ps != b.t_ps ? a.t_ps < b.t_ps : a.ok < b.ok; };
  std::sort(la.begin(), la.end(), by_time);
  std::sort(lb.begin(), lb.end(), by_time);
  REQUIRE(la.size() == 8);
  CHECK(lb == la);  // same edges, same answers
  CHECK(returned_edge);
  CHECK(std::count_if(lb.begin(), lb.end(), [](const LogEntry& e) { return !e.ok; }) >= 2);  // full ring refusals reported
  for (const auto& e : lb) CHECK(e.t_ps % 10000 == 0);
  CHECK(qb.cycles_clocked() == qa.cycles_clocked());  // the same edges, the settle edges included
  CHECK(qb.state().req_count == qa.state().req_count);
  CHECK(qb.state().p_hr == qa.state().p_hr);
}
