#pragma once
// Statistics: a tree of groups, one per module, named after the module
// hierarchy ("top.scsi0.disk3") and typed by the model it reports for
// ("disk"); each statistic has a name, a value, a unit, a kind and a
// description ("top.scsi0.disk3.busy": 91.5 %, fraction, "time serving a
// command"). Modules collect with the small trackers below and write their
// group at the end of a run. Readers find groups by type (every "disk"), not
// by matching names, and a missing statistic is an error, never a silent 0.
#include "model/common/enum_names.hpp"

#include <systemc>
#include <map>
#include <string>
#include <vector>

namespace iosim {

// What a figure is, so readers can aggregate it correctly.
enum class StatKind {
  Counter,       // events or bytes in the window (sums across instances)
  Rate,          // per second over the window
  Level,         // a time-weighted level of the window (mean or max of a queue, occupancy)
  Distribution,  // a statistic of samples (mean, percentile, max of latencies or service times)
  Fraction,      // a share of time or of events, in %
  Setting        // a configured or derived constant (peak bandwidth)
};
template <> struct EnumNames<StatKind> {
  static constexpr std::array<std::pair<StatKind, const char*>, 6> table{
      {{StatKind::Counter, "counter"}, {StatKind::Rate, "rate"}, {StatKind::Level, "level"},
       {StatKind::Distribution, "distribution"}, {StatKind::Fraction, "fraction"}, {StatKind::Setting, "setting"}}};
};

struct Stat {
  double value = 0;
  std::string unit;  // "1/s", "ms", "MB/s", "%", "count", ...
  StatKind kind = StatKind::Counter;
  std::string desc;
};

class Stats;

// One module's statistics: out.group(name(), "disk").add("busy", ...).
class StatGroup {
public:
  StatGroup& add(const std::string& stat, double value, std::string unit, StatKind kind, std::string desc);
  const std::string& path() const { return path_; }

private:
  friend class Stats;
  StatGroup(Stats& s, std::string path) : s_(&s), path_(std::move(path)) {}
  Stats* s_;
  std::string path_;
};

class Stats {
public:
  // The group of the module at `path` (its hierarchical name), reporting as a
  // model of `type`. A path keeps one type.
  StatGroup group(const std::string& path, const std::string& type);
  bool has(const std::string& name) const { return map_.count(name) != 0; }
  double get(const std::string& name) const;  // throws std::out_of_range naming the key
  const Stat& stat(const std::string& name) const;  // idem
  const std::map<std::string, Stat>& all() const { return map_; }
  const std::map<std::string, std::string>& groups() const { return groups_; }  // path -> type
  std::vector<std::string> groups_of(const std::string& type) const;  // paths, in name order

private:
  friend class StatGroup;
  std::map<std::string, Stat> map_;
  std::map<std::string, std::string> groups_;
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
  // Exact up to kExact = 65536 values (every value kept: exact nearest-rank
  // quantiles; every run of the shipped scenarios stays below it). Past that
  // memory stays bounded, for soak runs of 10^8 requests: the values move into
  // a log-binned histogram (bins 0.1% wide), quantiles come from it (relative
  // error < 0.05%), the mean and the max stay exact.
  static constexpr size_t kExact = size_t(1) << 16;
  void add(double v) {
    if (binned_) { bin(v); return; }
    v_.push_back(v);
    sorted_ = false;
    if (v_.size() > kExact) to_bins();
  }
  void clear();
  size_t count() const { return binned_ ? size_t(n_) : v_.size(); }
  double mean() const;
  double quantile(double q) const;  // q in [0,1], nearest-rank
  double max() const;
  bool binned() const { return binned_; }

private:
  void to_bins();
  void bin(double v);
  mutable std::vector<double> v_;
  mutable bool sorted_ = false;
  bool binned_ = false;
  std::map<int32_t, uint64_t> bins_;  // log bin index -> count (sparse)
  uint64_t n_ = 0;
  double sum_ = 0, max_ = 0;
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
