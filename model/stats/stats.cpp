#include "model/stats/stats.hpp"

#include "model/stats/vcd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace iosim {

StatGroup Stats::group(const std::string& path, const std::string& type) {
  auto [it, fresh] = groups_.emplace(path, type);
  if (!fresh && it->second != type)
    throw std::logic_error("statistics group '" + path + "' reported as both " + it->second + " and " + type);
  return StatGroup(*this, path);
}

StatGroup& StatGroup::add(const std::string& stat, double value, std::string unit, StatKind kind, std::string desc) {
  s_->map_[path_ + "." + stat] = Stat{value, std::move(unit), kind, std::move(desc)};
  return *this;
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
