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
#include <array>
#include <cstdint>
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
  std::string unit;  // one of kStatUnits
  StatKind kind = StatKind::Counter;
  std::string desc;
};

// The one convention every statistic follows (model/stats/README.md,
// "Convention"); StatGroup::add enforces it, so a run of every shipped
// scenario (tests/test_stats_convention.cpp) catches any offender:
//  - a name is snake_case segments joined by '.' (`latency.p99`, `phase.data`),
//    with no unit in it (no `_us`, `_ms`, `_pct`, `mbps`, `bytes`, `iops`, ...);
//  - a statistic of a quantity is a segment of its own (`queued.max`,
//    `batch.mean`), never a suffix (`queued_max`); a level without one is its
//    time-weighted mean;
//  - the unit is one of kStatUnits and fits the kind (below);
//  - a rate (per second over the window) is named `..._rate`, and only a rate
//    or a setting of one is: `interrupts` (count) vs `interrupt_rate` (1/s);
//  - the description is not empty.
// The units, and the kinds each may go with:
//   count  events or things (counter, level, distribution, setting)
//   1      a dimensionless code or index (setting)
//   B      bytes (counter, level, distribution, setting)
//   1/s    events per second (rate, setting)
//   MB/s   10^6 bytes per second (rate, setting)
//   s ms us  time: s for whole runs, ms for request latencies and disk
//          mechanics, us for bus, controller and per-call CPU times
//          (counter: time accumulated; distribution; setting)
//   %      a share of time or of events (fraction; setting)
inline constexpr std::array<const char*, 9> kStatUnits{"count", "1", "B", "1/s", "MB/s", "s", "ms", "us", "%"};

// Why a statistic breaks the convention, or "" if it follows it.
std::string stat_convention_error(const std::string& name, const std::string& unit, StatKind kind,
                                  const std::string& desc);

// Natural order of names: digit runs compare as numbers, so t2 < t10 and
// disk2 < disk10 (results.json, results.csv and every reader list in it).
struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

// A log-binned histogram (request latencies): `per_decade` bins per decade
// from `lo` up to `hi` (in `unit`), bin i covering [lo 10^(i/per_decade),
// lo 10^((i+1)/per_decade)); values below lo count as underflow, at or above
// hi as overflow, so nothing is lost.
class Histogram {
public:
  Histogram(double lo, double hi, int per_decade, std::string unit);
  void add(double v);
  void clear();
  size_t bins() const { return counts_.size(); }
  double edge(size_t i) const;  // lower edge of bin i; edge(bins()) = hi
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t underflow() const { return under_; }
  uint64_t overflow() const { return over_; }
  uint64_t total() const;
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  int per_decade() const { return per_decade_; }
  const std::string& unit() const { return unit_; }

private:
  double lo_, hi_;
  int per_decade_;
  std::string unit_;
  std::vector<uint64_t> counts_;
  uint64_t under_ = 0, over_ = 0;
};

struct HistogramStat {
  Histogram h;
  std::string desc;
};

using StatMap = std::map<std::string, Stat, NaturalLess>;

class Stats;

// One module's statistics: out.group(name(), "disk").add("busy", ...).
class StatGroup {
public:
  // Throws std::invalid_argument naming the statistic if it breaks the
  // convention (stat_convention_error).
  StatGroup& add(const std::string& stat, double value, std::string unit, StatKind kind, std::string desc);
  // A histogram under this group ("latency": top.workload.latency), same naming rules.
  StatGroup& histogram(const std::string& name, const Histogram& h, std::string desc);
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
  const StatMap& all() const { return map_; }
  const std::map<std::string, std::string, NaturalLess>& groups() const { return groups_; }  // path -> type
  std::vector<std::string> groups_of(const std::string& type) const;  // paths, in name order
  const std::map<std::string, HistogramStat, NaturalLess>& histograms() const { return hists_; }

private:
  friend class StatGroup;
  StatMap map_;
  std::map<std::string, std::string, NaturalLess> groups_;
  std::map<std::string, HistogramStat, NaturalLess> hists_;
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
