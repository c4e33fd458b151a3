#pragma once
// What a workload measures: completions, bytes and latency over the measured
// window; shared by every workload so all runs report the same figures.
#include "model/common/io_request.hpp"
#include "model/common/ledger.hpp"
#include "model/stats/request_trace.hpp"
#include "model/stats/stats.hpp"

#include <string>

namespace iosim {

class IoTally : public Reporter {
public:
  explicit IoTally(std::string name, RequestLedger& ledger) : name_(std::move(name)), ledger_(ledger) {}
  // Register a new request with the ledger (sets id and issue time).
  void issue(IoRequest& r) {
    r.id = ledger_.issue();
    r.t_issue = sc_core::sc_time_stamp();
    ++issued_;
    outstanding_.add(1);
  }
  void done(IoRequest& r) {
    r.t_done = sc_core::sc_time_stamp();
    const bool failed = r.status != 0;
    if (failed) ledger_.fail(r.id);
    else ledger_.complete(r.id);
    outstanding_.add(-1);
    if (RequestTrace* t = request_trace()) t->record(r);  // --trace-requests only
    if (!counting_) return;  // drain after the window: checked by the ledger, not counted
    // A failed request is an outcome (the issuer got EIO), not throughput: it
    // moved no data and its latency is the error's, so it counts apart.
    if (failed) { ++failed_; return; }
    ++completed_;
    bytes_ += r.bytes();
    lat_.add((r.t_done - r.t_issue).to_seconds());
    lat_hist_.add((r.t_done - r.t_issue).to_seconds() * 1e3);
  }
  uint64_t completed() const { return completed_; }
  uint64_t issued() const { return issued_; }
  uint64_t failed() const { return failed_; }
  double outstanding() const { return outstanding_.level(); }
  const Samples& latency() const { return lat_; }

  void stop_counting() { counting_ = false; }
  void reset_stats() override {
    completed_ = bytes_ = issued_ = failed_ = 0;
    lat_.clear();
    lat_hist_.clear();
    outstanding_.reset();
  }
  void report(Stats& out, double window_s) const override {
    const std::string& n = name_;
    StatGroup g = out.group(n, "workload");
    g.add("io_rate", double(completed_) / window_s, "1/s", StatKind::Rate, "requests completed per second");
    g.add("data_rate", double(bytes_) / window_s / 1e6, "MB/s", StatKind::Rate, "data moved (1 MB = 10^6 B)");
    g.add("issued", double(issued_), "count", StatKind::Counter, "requests issued in the window");
    g.add("completed", double(completed_), "count", StatKind::Counter, "requests completed in the window");
    g.add("failed", double(failed_), "count", StatKind::Counter, "requests completed with an error");
    g.add("outstanding", outstanding_.mean(), "count", StatKind::Level, "mean requests in flight");
    g.add("latency.mean", lat_.mean() * 1e3, "ms", StatKind::Distribution, "issue to completion, mean");
    g.add("latency.p50", lat_.quantile(0.50) * 1e3, "ms", StatKind::Distribution, "issue to completion, median (nearest rank)");
    g.add("latency.p95", lat_.quantile(0.95) * 1e3, "ms", StatKind::Distribution, "issue to completion, 95th percentile (nearest rank)");
    g.add("latency.p99", lat_.quantile(0.99) * 1e3, "ms", StatKind::Distribution, "issue to completion, 99th percentile (nearest rank)");
    g.add("latency.max", lat_.max() * 1e3, "ms", StatKind::Distribution, "issue to completion, longest");
    g.histogram("latency", lat_hist_, "issue to completion of the requests completed in the window");
  }

private:
  std::string name_;
  RequestLedger& ledger_;
  uint64_t issued_ = 0, completed_ = 0, bytes_ = 0, failed_ = 0;
  Samples lat_;
  // Latency histogram, in ms like the latency statistics: 10 bins per decade
  // from 1 us (below any simulated path: an NVMe read is ~10 us) to 100 s
  // (beyond any run's window), so every path's curve fits one axis.
  Histogram lat_hist_{1e-3, 1e5, 10, "ms"};
  LevelTracker outstanding_;
  bool counting_ = true;
};

} // namespace iosim
