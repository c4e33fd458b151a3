#pragma once
// Statistics: one flat registry keyed by hierarchical module name
// ("top.scsi0.disk3.busy"), each value with its unit. Modules collect with the
// small trackers below and write into the registry at the end of a run.
#include <systemc>
#include <map>
#include <string>
#include <vector>

namespace iosim {

struct Stat {
  double value = 0;
  std::string unit;  // "1/s", "ms", "MB/s", "%", "count", ...
  std::string desc;
};

class Stats {
public:
  void put(const std::string& name, double value, std::string unit, std::string desc = "");
  bool has(const std::string& name) const { return map_.count(name) != 0; }
  double get(const std::string& name) const;  // throws std::out_of_range naming the key
  const std::map<std::string, Stat>& all() const { return map_; }

private:
  std::map<std::string, Stat> map_;
};

// Time-weighted level (queue depth, busy flag): integrates value x dt in
// simulated time. reset() starts a new measurement window at the current level.
// trace() also mirrors the level to a VCD signal when a waveform is being
// written (see vcd.hpp); without one it does nothing and set() stays as cheap.
class LevelTracker {
public:
  void trace(const std::string& scope, const std::string& name, unsigned width);
  void set(double v);
  void add(double dv) { set(level_ + dv); }
  double level() const { return level_; }
  void reset();
  double mean() const;  // over the window up to now
  double max() const { return max_; }

private:
  void advance();
  void trace_level() const;  // out of line: set() stays small when not tracing
  double level_ = 0, area_ = 0, max_ = 0;
  int vcd_id_ = -1;  // -1: not traced (no writer, or filtered out)
  sc_core::sc_time t_last_ = sc_core::SC_ZERO_TIME, t_start_ = sc_core::SC_ZERO_TIME;
};

// Raw samples (latencies in seconds): exact quantiles; runs are short enough to
// keep them all.
class Samples {
public:
  void add(double v) { v_.push_back(v); sorted_ = false; }
  void clear() { v_.clear(); }
  size_t count() const { return v_.size(); }
  double mean() const;
  double quantile(double q) const;  // q in [0,1], nearest-rank
  double max() const;

private:
  mutable std::vector<double> v_;
  mutable bool sorted_ = false;
};

// Implemented by every module that has figures to report. reset_stats() is
// called at the end of warm-up, report() at the end of the measured window.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void reset_stats() = 0;
  virtual void report(Stats& out, double window_s) const = 0;
};

} // namespace iosim
