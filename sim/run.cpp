#include "sim/run.hpp"

#include "model/stats/request_trace.hpp"
#include "model/stats/vcd.hpp"
#include "sim/config/error.hpp"
#include "sim/config/units.hpp"
#include "sim/platform.hpp"

#include <fmt/core.h>
#include <chrono>
#include <sys/resource.h>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace sc_core;

namespace iosim {

namespace {

// Advances simulated time in slices so long runs can show progress.
void advance(double seconds, double& done, double total, const RunOptions& opt, const IoTally& t) {
  const double slice = 0.05;
  double left = seconds;
  while (left > 1e-12) {
    const double s = std::min(slice, left);
    sc_start(sc_time(s, SC_SEC));
    left -= s;
    done += s;
    if (opt.progress)
      fmt::print(stderr, "\r  simulated {:6.2f} / {:.2f} s   {:9d} I/Os issued", done, total, t.issued());
  }
}

}  // namespace

RunResult run_scenario(const Scenario& sc, const RunOptions& opt) {
  const auto wall0 = std::chrono::steady_clock::now();
  RunResult res;
  std::unique_ptr<VcdWriter> vcd;
  if (!opt.vcd_path.empty()) {
    VcdOptions vo;
    vo.t_begin_ps = uint64_t(sc.run.vcd_begin_s * 1e12);
    if (sc.run.vcd_end_s < 1e9) vo.t_end_ps = uint64_t(sc.run.vcd_end_s * 1e12);
    vo.filters = sc.run.vcd_signals;
    vcd.reset(new VcdWriter(opt.vcd_path, vo));
    set_vcd_writer(vcd.get());
  }
  std::unique_ptr<RequestTrace> trace;
  if (!opt.trace_path.empty()) {
    trace.reset(new RequestTrace(opt.trace_path));
    set_request_trace(trace.get());
  }
  RequestLedger ledger;
  Platform top("top", sc, ledger);

  const double total = sc.run.warmup_s + sc.run.duration_s;
  double done = 0;
  advance(sc.run.warmup_s, done, total, opt, top.tally());
  for (Reporter* r : top.reporters()) r->reset_stats();
  if (trace) trace->set_phase(RequestTrace::Phase::Measured);
  advance(sc.run.duration_s, done, total, opt, top.tally());
  for (Reporter* r : top.reporters()) r->report(res.stats, sc.run.duration_s);
  if (trace) trace->set_phase(RequestTrace::Phase::Drain);

  // Drain: stop issuing; every request in flight must still complete.
  top.stop_workload();
  double drained = 0;
  while (ledger.outstanding() > 0 && drained < sc.run.drain_limit_s) {
    sc_start(sc_time(0.01, SC_SEC));
    drained += 0.01;
  }
  if (opt.progress) fmt::print(stderr, "\r{:70}\r", "");
  if (vcd) { vcd->close(); set_vcd_writer(nullptr); }
  if (trace) { trace->close(); set_request_trace(nullptr); }
  ledger.check();  // throws naming the first lost request
  // A run that issued nothing measured nothing; its "all completed" would be
  // vacuous. The loader rejects the known causes up front; this is the net
  // for the rest, reported as bad input (exit 2) against the scenario file.
  if (ledger.issued() == 0) {
    auto src = std::make_shared<config::Source>();
    src->name = sc.source;
    throw config::ConfigError(config::Mark{src, 0, 0}, "workload",
                              "the run issued no request in " + config::format_time(sc_time_stamp().to_seconds()) +
                                  " of simulated time: it measures nothing",
                              "check workload.rate / workload.processes against run.duration and the clocks");
  }
  res.sim_s = sc_time_stamp().to_seconds();
  res.issued = ledger.issued();
  res.failed = ledger.failed();
  res.completed_total = ledger.issued() - ledger.outstanding();
  res.stats.group("run", "run")
      .add("requests_issued", double(res.issued), "count", StatKind::Counter,
           "over the whole run, warm-up and drain included")
      .add("requests_completed", double(res.completed_total), "count", StatKind::Counter,
           "over the whole run; equals issued (else the ledger check fails the run)")
      .add("requests_failed", double(res.failed), "count", StatKind::Counter, "completed with an error status")
      .add("simulated", res.sim_s, "s", StatKind::Setting, "simulated time, drain included");
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) res.peak_rss_mb = double(ru.ru_maxrss) / 1024;  // Linux: KiB
  return res;
}

} // namespace iosim
