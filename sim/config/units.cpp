#include "sim/config/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include "sim/config/error.hpp"

namespace iosim::config {
namespace {

using Table = std::vector<std::pair<const char*, double>>;

constexpr double kKi = 1024.0, kMi = kKi * kKi, kGi = kMi * kKi, kTi = kGi * kKi;

// Sizes: k/K/M/G/T prefixes are binary (JEDEC usage, and the paper's "kB"
// blocks and "8192 KB" stripe unit are 1024-byte multiples). A sector is 512 B
// (SCSI disks of the era; DiskSim's block size).
const Table& size_units() {
  static const Table t = {{"B", 1},         {"byte", 1},     {"bytes", 1},   {"kB", kKi},
                          {"KB", kKi},      {"KiB", kKi},    {"MB", kMi},    {"MiB", kMi},
                          {"GB", kGi},      {"GiB", kGi},    {"TB", kTi},    {"TiB", kTi},
                          {"sector", 512},  {"sectors", 512}};
  return t;
}

// Rates: decimal SI prefixes, as bus and media rates are quoted in datasheets
// (Ultra320 = 16 bit x 80 MHz DDR = 320e6 B/s; PCI-X 64/133 = 1066e6 B/s,
// PARAMETERS.md). Binary rates are spelled KiB/s, MiB/s, GiB/s.
const Table& rate_units() {
  static const Table t = {{"B/s", 1},          {"kB/s", 1e3},      {"KB/s", 1e3},
                          {"KiB/s", kKi},      {"MB/s", 1e6},      {"MiB/s", kMi},
                          {"GB/s", 1e9},       {"GiB/s", kGi},     {"bit/s", 1.0 / 8},
                          {"kbit/s", 1e3 / 8}, {"Mbit/s", 1e6 / 8}, {"Gbit/s", 1e9 / 8}};
  return t;
}

const Table& time_units() {
  static const Table t = {{"s", 1},      {"ms", 1e-3},      {"us", 1e-6}, {"\xC2\xB5s", 1e-6},
                          {"ns", 1e-9},  {"ps", 1e-12},     {"min", 60},  {"h", 3600}};
  return t;
}

const Table& io_rate_units() {
  static const Table t = {{"/s", 1},   {"1/s", 1},    {"IO/s", 1},     {"IOPS", 1},
                          {"Hz", 1},   {"kHz", 1e3},  {"/ms", 1e3}};
  return t;
}

const Table& freq_units() {
  static const Table t = {{"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  return t;
}

const Table& rotation_units() {
  static const Table t = {{"rpm", 1.0 / 60}, {"rps", 1}};
  return t;
}

const Table& cycle_units() {
  static const Table t = {{"cycle", 1}, {"cycles", 1}};
  return t;
}

const Table& fraction_units() {
  static const Table t = {{"%", 0.01}};
  return t;
}

const Table& table(Kind k) {
  switch (k) {
    case Kind::Time: return time_units();
    case Kind::Size: return size_units();
    case Kind::Rate: return rate_units();
    case Kind::IoRate: return io_rate_units();
    case Kind::Frequency: return freq_units();
    case Kind::Rotation: return rotation_units();
    case Kind::Cycles: return cycle_units();
    case Kind::Fraction: return fraction_units();
  }
  return time_units();
}

constexpr Kind kAllKinds[] = {Kind::Time,      Kind::Size,     Kind::Rate,   Kind::IoRate,
                              Kind::Frequency, Kind::Rotation, Kind::Cycles, Kind::Fraction};

bool unit_optional(Kind k) { return k == Kind::Cycles || k == Kind::Fraction; }

const double* find_unit(Kind k, const std::string& u) {
  for (const auto& [name, factor] : table(k))
    if (u == name) return &factor;
  return nullptr;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string fmt3(double v, const char* unit, bool space = true) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f%s%s", v, space ? " " : "", unit);
  return buf;
}

// Picks the largest unit whose value is >= 1 (or the smallest one).
std::string auto_format(double v, const Table& units) {
  const double a = std::fabs(v);
  const std::pair<const char*, double>* pick = &units.front();
  for (const auto& u : units)
    if (a >= u.second * (1 - 1e-12) && u.second >= pick->second) pick = &u;
  return fmt3(v / pick->second, pick->first);
}

std::string fmt_num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// Decimal prefixes someone may put in front of a unit that takes none ("4k/s").
double prefix_factor(char c) {
  switch (c) {
    case 'k': case 'K': return 1e3;
    case 'M': return 1e6;
    case 'G': return 1e9;
    case 'm': return 1e-3;
    case 'u': return 1e-6;
    case 'n': return 1e-9;
    default: return 0;
  }
}

bool is_prefix_letter(char c) { return prefix_factor(c) != 0 || c == 'T' || c == 'p'; }

// Would replacing `unit` by `cand` change the magnitude? A suggestion of the
// nearest spelling must never do that silently ("4k/s" -> "4/s" is a 1000x
// slip): a prefix letter added, dropped or swapped, bits for bytes (b/B, where
// the kind has bit units) or a binary prefix for a decimal one (KiB/KB).
bool changes_magnitude(const std::string& unit, const std::string& cand, bool has_bits) {
  auto drop_first = [](const std::string& a, const std::string& b) {  // a == P + b, P a prefix letter
    return a.size() == b.size() + 1 && is_prefix_letter(a[0]) && a.compare(1, std::string::npos, b) == 0;
  };
  if (drop_first(unit, cand) || drop_first(cand, unit)) return true;
  if (unit.size() == cand.size() && !unit.empty() && unit[0] != cand[0] && is_prefix_letter(unit[0]) &&
      is_prefix_letter(cand[0]) && unit.compare(1, std::string::npos, cand, 1) == 0)
    return true;
  for (size_t i = 0; i < std::min(unit.size(), cand.size()); ++i)
    if (unit[i] != cand[i]) {
      const char a = unit[i], b = cand[i];
      if (has_bits && ((a == 'b' && b == 'B') || (a == 'B' && b == 'b'))) return true;
      break;
    }
  auto without_i = [](std::string s) {
    const size_t p = s.find('i');
    if (p != std::string::npos && p > 0) s.erase(p, 1);
    return s;
  };
  if (unit != cand && (without_i(unit) == cand || without_i(cand) == unit)) return true;
  return false;
}

// The hint for an unknown unit: a decimal prefix on a unit that has none
// ("4k/s") -> the number written out ("4000/s"); else the nearest spelling,
// only when it means the same magnitude; else the list of units.
std::string unit_hint(Kind k, double v, const std::string& number, const std::string& unit) {
  if (unit.size() > 1)
    if (const double f = prefix_factor(unit[0]))
      if (find_unit(k, unit.substr(1))) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", v * f);
        return "'" + unit.substr(1) + "' takes no prefix '" + unit.substr(0, 1) + "': write the number in full, " +
               buf + unit.substr(1) + " (" + number + " x " + fmt_num(f) + ")";
      }
  std::vector<std::string> safe;
  bool has_bits = false;  // b/B is bits vs bytes only where bit units exist (rates)
  for (const auto& u : kind_units(k)) has_bits |= u.find("bit") != std::string::npos;
  for (const auto& u : kind_units(k))
    if (!changes_magnitude(unit, u, has_bits)) safe.push_back(u);
  const std::string near = nearest(unit, safe);
  if (!near.empty()) return "did you mean '" + near + "'?";
  std::vector<std::string> all = kind_units(k);  // as suggestion_hint lists them: sorted
  std::sort(all.begin(), all.end());
  std::string list;
  for (const auto& u : all) list += (list.empty() ? "" : ", ") + u;
  return "units: " + list;
}

}  // namespace

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Time: return "a time";
    case Kind::Size: return "a size";
    case Kind::Rate: return "a data rate";
    case Kind::IoRate: return "a request rate";
    case Kind::Frequency: return "a frequency";
    case Kind::Rotation: return "a rotation speed";
    case Kind::Cycles: return "a cycle count";
    case Kind::Fraction: return "a fraction";
  }
  return "a quantity";
}

const char* kind_example(Kind k) {
  switch (k) {
    case Kind::Time: return "100ms";
    case Kind::Size: return "4KiB";
    case Kind::Rate: return "320MB/s";
    case Kind::IoRate: return "500/s";
    case Kind::Frequency: return "1.26GHz";
    case Kind::Rotation: return "15000rpm";
    case Kind::Cycles: return "200";
    case Kind::Fraction: return "50%";
  }
  return "";
}

std::vector<std::string> kind_units(Kind k) {
  std::vector<std::string> v;
  for (const auto& u : table(k)) v.emplace_back(u.first);
  return v;
}

Quantity parse_quantity(Kind k, const std::string& raw) {
  const std::string text = trim(raw);
  const size_t lead = raw.find_first_not_of(" \t") == std::string::npos
                          ? 0 : raw.find_first_not_of(" \t");
  if (text.empty())
    throw UnitError{std::string("empty value, expected ") + kind_name(k),
                    std::string("write e.g. ") + kind_example(k), 0};
  // from_chars rejects a leading '+'; accept it here.
  size_t start = (text[0] == '+') ? 1 : 0;
  double v = 0;
  const char* first = text.data() + start;
  const char* last = text.data() + text.size();
  const auto res = std::from_chars(first, last, v, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range)
    throw UnitError{"number out of range in '" + text + "'", "", lead};
  if (res.ec != std::errc() || (start == 1 && *first == '-'))
    throw UnitError{"'" + text + "' is not " + kind_name(k),
                    std::string("write e.g. ") + kind_example(k), lead};
  if (!std::isfinite(v))
    throw UnitError{"'" + text + "' is not a finite number", "", lead};
  const size_t num_end = static_cast<size_t>(res.ptr - text.data());
  size_t unit_pos = num_end;
  while (unit_pos < text.size() && (text[unit_pos] == ' ' || text[unit_pos] == '\t')) ++unit_pos;
  const std::string unit = text.substr(unit_pos);
  const size_t unit_off = lead + unit_pos;

  if (unit.empty()) {
    if (v == 0 || unit_optional(k)) return {v, false};
    throw UnitError{std::string("missing unit: expected ") + kind_name(k),
                    "write e.g. " + std::string(kind_example(k)) + "; units: " +
                        [&] {
                          std::string s;
                          for (const auto& u : kind_units(k)) s += (s.empty() ? "" : ", ") + u;
                          return s;
                        }(),
                    lead + num_end};
  }
  if (const double* f = find_unit(k, unit)) return {v * *f, true};

  // Wrong kind of unit ("rpm" where a time is expected)?
  for (Kind other : kAllKinds)
    if (other != k && find_unit(other, unit))
      throw UnitError{"'" + unit + "' is a unit of " + kind_name(other) + ", but " +
                          kind_name(k) + " is expected",
                      std::string("write e.g. ") + kind_example(k), unit_off};
  throw UnitError{"unknown unit '" + unit + "' for " + kind_name(k), unit_hint(k, v, text.substr(0, num_end), unit),
                  unit_off};
}

std::string format_time(double s) {
  if (s == 0) return "0.000 s";
  static const Table t = {{"ps", 1e-12}, {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};
  return auto_format(s, t);
}

std::string format_size(double b) {
  static const Table t = {{"B", 1}, {"KiB", kKi}, {"MiB", kMi}, {"GiB", kGi}, {"TiB", kTi}};
  // Whole multiples print without decimals ("4 KiB"), the common case.
  for (auto it = t.rbegin(); it != t.rend(); ++it) {
    const double q = b / it->second;
    if (std::fabs(q) >= 1 && q == std::floor(q)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f %s", q, it->first);
      return buf;
    }
  }
  if (b == 0) return "0 B";
  return auto_format(b, t);
}

std::string format_rate(double r) {
  static const Table t = {{"B/s", 1}, {"kB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}};
  return auto_format(r, t);
}

std::string format_io_rate(double r) { return fmt3(r, "IO/s"); }

std::string format_freq(double hz) {
  static const Table t = {{"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  return auto_format(hz, t);
}

std::string format_rotation(double rps) { return fmt3(rps * 60, "rpm"); }

std::string format_fraction(double f) { return fmt3(f * 100, "%", false); }

std::string format_quantity(Kind k, double v) {
  switch (k) {
    case Kind::Time: return format_time(v);
    case Kind::Size: return format_size(v);
    case Kind::Rate: return format_rate(v);
    case Kind::IoRate: return format_io_rate(v);
    case Kind::Frequency: return format_freq(v);
    case Kind::Rotation: return format_rotation(v);
    case Kind::Cycles: return fmt3(v, "cycles");
    case Kind::Fraction: return format_fraction(v);
  }
  return fmt3(v, "");
}

}  // namespace iosim::config
