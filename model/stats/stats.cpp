#include "model/stats/stats.hpp"

#include "model/stats/vcd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>

namespace iosim {

StatGroup Stats::group(const std::string& path, const std::string& type) {
  auto [it, fresh] = groups_.emplace(path, type);
  if (!fresh && it->second != type)
    throw std::logic_error("statistics group '" + path + "' reported as both " + it->second + " and " + type);
  return StatGroup(*this, path);
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Words that are units (or hold one), never part of a name: the unit goes in
// Stat::unit. `bytes` and `iops` too: data is `data` in B, a rate `io_rate`.
const std::set<std::string>& unit_words() {
  static const std::set<std::string> w{"s",   "ms",  "us",    "ns",   "ps",   "sec",  "secs", "pct",  "percent",
                                       "b",   "kb",  "mb",    "gb",   "kib",  "mib",  "gib",  "bytes", "bps",
                                       "kbps", "mbps", "gbps", "mibps", "hz", "khz", "mhz", "ghz", "iops", "rpm"};
  return w;
}

// Statistics of a quantity, spelled as a segment of their own (`queued.max`).
bool is_statistic_word(const std::string& w) {
  if (w == "mean" || w == "max" || w == "min" || w == "peak" || w == "avg" || w == "median") return true;
  return w.size() > 1 && w[0] == 'p' && std::all_of(w.begin() + 1, w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool unit_fits(const std::string& unit, StatKind kind) {
  const bool time = unit == "s" || unit == "ms" || unit == "us";
  switch (kind) {
    case StatKind::Counter: return unit == "count" || unit == "B" || time;
    case StatKind::Rate: return unit == "1/s" || unit == "MB/s";
    case StatKind::Level: return unit == "count" || unit == "B";
    case StatKind::Distribution: return unit == "count" || unit == "B" || time;
    case StatKind::Fraction: return unit == "%";
    case StatKind::Setting: return true;
  }
  return false;
}

// A name: snake_case segments joined by '.', none holding a unit word.
std::string name_error(const std::string& name) {
  if (name.empty()) return "empty name";
  for (const auto& seg : split(name, '.')) {
    if (seg.empty() || !(seg[0] >= 'a' && seg[0] <= 'z'))
      return "not snake_case: every '.'-separated part starts with a lower-case letter";
    const auto words = split(seg, '_');
    for (const auto& w : words) {
      if (w.empty()) return "not snake_case: empty word between '_'";
      for (char c : w)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
          return std::string("not snake_case: '") + c + "' (lower-case letters, digits, '_' and '.' only)";
      if (unit_words().count(w)) return "unit '" + w + "' in the name (the unit goes in the unit field)";
    }
    if (words.size() > 1 && is_statistic_word(words.back()))
      return "statistic '" + words.back() + "' as a suffix: spell it as a part of its own ('" +
             seg.substr(0, seg.size() - words.back().size() - 1) + "." + words.back() + "')";
  }
  return "";
}

}  // namespace

std::string stat_convention_error(const std::string& name, const std::string& unit, StatKind kind,
                                  const std::string& desc) {
  if (std::string e = name_error(name); !e.empty()) return e;
  if (std::find_if(kStatUnits.begin(), kStatUnits.end(), [&](const char* u) { return unit == u; }) == kStatUnits.end())
    return "unit '" + unit + "' is not one of count, 1, B, 1/s, MB/s, s, ms, us, %";
  if (!unit_fits(unit, kind)) return "unit '" + unit + "' does not fit kind " + to_string(kind);
  const std::string last = split(name, '.').back();
  const bool rate_name = last == "rate" || ends_with(last, "_rate");
  if (kind == StatKind::Rate && !rate_name) return "a rate is named ..._rate (the count over the window keeps the plain name)";
  if (rate_name && unit != "1/s" && unit != "MB/s") return "a name ending in _rate is a rate (1/s or MB/s)";
  if (desc.empty()) return "empty description";
  return "";
}

StatGroup& StatGroup::add(const std::string& stat, double value, std::string unit, StatKind kind, std::string desc) {
  if (std::string e = stat_convention_error(stat, unit, kind, desc); !e.empty())
    throw std::invalid_argument("statistic '" + path_ + "." + stat + "': " + e + " (model/stats/README.md, Convention)");
  s_->map_[path_ + "." + stat] = Stat{value, std::move(unit), kind, std::move(desc)};
  return *this;
}

StatGroup& StatGroup::histogram(const std::string& name, const Histogram& h, std::string desc) {
  // A histogram counts samples: checked as a distribution of its edges' unit.
  if (std::string e = stat_convention_error(name, h.unit(), StatKind::Distribution, desc); !e.empty())
    throw std::invalid_argument("histogram '" + path_ + "." + name + "': " + e + " (model/stats/README.md, Convention)");
  s_->hists_.insert_or_assign(path_ + "." + name, HistogramStat{h, std::move(desc)});
  return *this;
}

bool NaturalLess::operator()(const std::string& a, const std::string& b) const {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      // Compare the digit runs as numbers: skip leading zeros, then the
      // longer run is larger, then digit by digit; ties fall through to text.
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      size_t i0 = i, j0 = j;
      while (i0 + 1 < ie && a[i0] == '0') ++i0;
      while (j0 + 1 < je && b[j0] == '0') ++j0;
      if (ie - i0 != je - j0) return ie - i0 < je - j0;
      for (size_t k = 0; k < ie - i0; ++k)
        if (a[i0 + k] != b[j0 + k]) return a[i0 + k] < b[j0 + k];
      if (ie - i != je - j) return ie - i < je - j;  // 01 after 1: a total order
      i = ie, j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i, ++j;
  }
  return a.size() - i < b.size() - j;
}

Histogram::Histogram(double lo, double hi, int per_decade, std::string unit)
    : lo_(lo), hi_(hi), per_decade_(per_decade), unit_(std::move(unit)) {
  if (!(lo > 0) || !(hi > lo) || per_decade < 1) throw std::invalid_argument("histogram: need 0 < lo < hi and per_decade >= 1");
  counts_.assign(size_t(std::llround(std::log10(hi / lo) * per_decade)), 0);
}

double Histogram::edge(size_t i) const {
  if (i >= counts_.size()) return hi_;
  return lo_ * std::pow(10.0, double(i) / per_decade_);
}

void Histogram::add(double v) {
  if (!(v >= lo_)) { ++under_; return; }  // NaN too: counted, never lost
  if (v >= hi_) { ++over_; return; }
  size_t i = size_t(std::floor(std::log10(v / lo_) * per_decade_));
  // log10 rounding at an edge: settle on the bin whose edges hold v.
  if (i >= counts_.size()) i = counts_.size() - 1;
  if (i > 0 && v < edge(i)) --i;
  else if (i + 1 < counts_.size() && v >= edge(i + 1)) ++i;
  ++counts_[i];
}

void Histogram::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  under_ = over_ = 0;
}

uint64_t Histogram::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), uint64_t(0)) + under_ + over_;
}

const Stat& Stats::stat(const std::string& name) const {
  auto it = map_.find(name);
  if (it == map_.end()) throw std::out_of_range("no statistic named '" + name + "'");
  return it->second;
}

double Stats::get(const std::string& name) const { return stat(name).value; }

std::vector<std::string> Stats::groups_of(const std::string& type) const {
  std::vector<std::string> out;
  for (const auto& [path, t] : groups_)
    if (t == type) out.push_back(path);
  return out;
}

void LevelTracker::advance() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  area_ += level_ * (now - t_last_).to_seconds();
  t_last_ = now;
}

void LevelTracker::trace(const std::string& scope, const std::string& name, unsigned width) {
  VcdWriter* w = vcd_writer();
  if (!w) return;
  vcd_id_ = w->add(scope, name, width);
  w->set(vcd_id_, uint64_t(std::max(0.0, level_)));  // known from now on, not x
}

void LevelTracker::set(double v) {
  advance();
  level_ = v;
  max_ = std::max(max_, v);
  if (vcd_id_ >= 0) trace_level();
}

void LevelTracker::trace_level() const {
  if (VcdWriter* w = vcd_writer()) w->set(vcd_id_, uint64_t(std::max(0.0, std::round(level_))));
}

void LevelTracker::reset() {
  advance();
  area_ = 0;
  max_ = level_;
  t_start_ = t_last_;
}

double LevelTracker::mean() const {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const double span = (now - t_start_).to_seconds();
  if (span <= 0) return level_;
  return (area_ + level_ * (now - t_last_).to_seconds()) / span;
}

namespace {
const double kBinRatio = std::log(1.001);  // bins 0.1% wide
constexpr int32_t kZeroBin = std::numeric_limits<int32_t>::min();  // values <= 0
}  // namespace

void Samples::clear() {
  v_.clear();
  sorted_ = false;
  binned_ = false;
  bins_.clear();
  n_ = 0;
  sum_ = max_ = 0;
}

void Samples::bin(double v) {
  ++bins_[v > 0 ? int32_t(std::floor(std::log(v) / kBinRatio)) : kZeroBin];
  if (n_ == 0 || v > max_) max_ = v;
  ++n_;
  sum_ += v;
}

void Samples::to_bins() {
  binned_ = true;
  for (double v : v_) bin(v);
  std::vector<double>().swap(v_);  // give the memory back
}

double Samples::mean() const {
  if (binned_) return sum_ / double(n_);
  if (v_.empty()) return 0;
  return std::accumulate(v_.begin(), v_.end(), 0.0) / double(v_.size());
}

double Samples::quantile(double q) const {
  if (binned_) {
    const double rank = std::max(1.0, std::ceil(q * double(n_)));
    uint64_t seen = 0;
    for (const auto& [i, c] : bins_) {
      seen += c;
      if (double(seen) >= rank) return i == kZeroBin ? 0 : std::min(max_, std::exp((i + 0.5) * kBinRatio));
    }
    return max_;
  }
  if (v_.empty()) return 0;
  if (!sorted_) { std::sort(v_.begin(), v_.end()); sorted_ = true; }
  const double rank = std::ceil(q * double(v_.size()));
  const size_t i = rank < 1 ? 0 : std::min(v_.size() - 1, size_t(rank) - 1);
  return v_[i];
}

double Samples::max() const {
  if (binned_) return max_;
  return v_.empty() ? 0 : *std::max_element(v_.begin(), v_.end());
}

} // namespace iosim
