#include "sim/sweep_values.hpp"

#include "sim/config/error.hpp"
#include "sim/config/units.hpp"

#include <fmt/core.h>

#include <cmath>
#include <memory>
#include <regex>

namespace iosim {

namespace {

using config::Kind;

// The unit kinds a range may be written in, tried in this order (a literal
// parses as at most one of them, except plain numbers, handled first).
const Kind kKinds[] = {Kind::Time, Kind::Size, Kind::Rate, Kind::IoRate, Kind::Frequency, Kind::Rotation, Kind::Fraction};

struct Literal {
  double number = 0;   // as written
  std::string suffix;  // the unit as written ("" for a plain number)
};

std::optional<Literal> split_literal(const std::string& s) {
  static const std::regex re(R"(^\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*$)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  return Literal{std::stod(m[1].str()), m[2].str()};
}

// SI value of a literal of kind k; nullopt if it is not one.
std::optional<double> si_of(Kind k, const std::string& s) {
  try {
    const config::Quantity q = config::parse_quantity(k, s);
    if (!q.has_unit && k != Kind::Fraction) return std::nullopt;
    return q.value;
  } catch (const config::UnitError&) {
    return std::nullopt;
  }
}

bool plain(const std::string& s) {
  const auto l = split_literal(s);
  return l && l->suffix.empty();
}

struct Fail {
  std::string source, key;
  int line;
  std::string prefix;  // the argument's text before the values ("workload.rate="), shown and counted
  [[noreturn]] void operator()(size_t offset, const std::string& text, const std::string& msg,
                               const std::string& hint = "") const {
    auto src = std::make_shared<config::Source>();
    src->name = source;
    src->lines.assign(size_t(std::max(line, 1)), "");
    src->lines.back() = prefix + text;
    throw config::ConfigError(config::Mark{src, line, int(prefix.size() + offset) + 1}, key, msg, hint);
  }
};

const char* kRangeHint = "a range is START:STOP:xFACTOR (geometric, e.g. 8:1024:x2) or START:STOP:+STEP "
                         "(arithmetic, e.g. 1000/s:8000/s:+500/s)";

// One range item; `at`: its offset in `whole` (for the column).
std::vector<std::string> expand_range(const std::string& item, const std::string& whole, size_t at, const Fail& fail) {
  std::vector<std::string> part;
  std::vector<size_t> off;
  for (size_t b = 0;;) {
    const size_t e = item.find(':', b);
    part.push_back(item.substr(b, e == std::string::npos ? std::string::npos : e - b));
    off.push_back(at + b);
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (part.size() != 3) fail(at, whole, fmt::format("'{}' is not a range: {} parts, expected 3", item, part.size()), kRangeHint);
  const std::string &a = part[0], &z = part[1], &st = part[2];
  if (st.empty() || (st[0] != 'x' && st[0] != '+'))
    fail(off[2], whole, fmt::format("the step '{}' starts with neither 'x' (geometric) nor '+' (arithmetic)", st), kRangeHint);
  const bool geometric = st[0] == 'x';
  const std::string step = st.substr(1);

  // The kind: plain numbers, or the first unit kind all of them parse as.
  double sa = 0, sz = 0, ss = 0, scale = 1;
  const auto la = split_literal(a), lz = split_literal(z);
  if (!la) fail(off[0], whole, fmt::format("'{}' is not a number or a quantity", a), kRangeHint);
  if (!lz) fail(off[1], whole, fmt::format("'{}' is not a number or a quantity", z), kRangeHint);
  std::string suffix = la->suffix;
  if (plain(a) && plain(z) && (geometric || plain(step))) {
    sa = la->number, sz = lz->number;
    if (!geometric) ss = split_literal(step)->number;
  } else {
    bool found = false;
    for (Kind k : kKinds) {
      const auto qa = si_of(k, a), qz = si_of(k, z);
      const auto qs = geometric ? std::optional<double>(0) : si_of(k, step);
      if (!qa || !qz || !qs) continue;
      sa = *qa, sz = *qz, ss = *qs, found = true;
      // Values are written in START's unit (STOP's if START is 0).
      if (la->number != 0) scale = sa / la->number;
      else if (lz->number != 0) scale = sz / lz->number, suffix = lz->suffix;
      break;
    }
    if (!found)
      fail(off[0], whole,
           fmt::format("'{}', '{}'{} are not quantities of one kind (a time, a size, a rate, ...)", a, z,
                       geometric ? "" : fmt::format(" and '{}'", step)),
           "write START, STOP (and +STEP) in units of one kind, e.g. 4KiB:1MiB:x2 or 1ms:10ms:+1ms");
  }
  if (sa > sz) fail(off[0], whole, fmt::format("START {} is above STOP {}", a, z), "ranges go upwards");
  std::vector<double> si;
  const double tol = 1e-9 * std::max(std::abs(sa), std::abs(sz));
  if (geometric) {
    const auto f = split_literal(step);
    if (!f || !f->suffix.empty() || !(f->number > 1))
      fail(off[2] + 1, whole, fmt::format("the factor '{}' is not a number above 1", step), kRangeHint);
    if (!(sa > 0)) fail(off[0], whole, fmt::format("a geometric range needs START above 0, not {}", a));
    for (double v = sa; v <= sz + tol && si.size() <= kMaxSweepValues; v *= f->number) si.push_back(v);
  } else {
    if (!(ss > 0)) fail(off[2] + 1, whole, fmt::format("the step '{}' is not above 0", step), kRangeHint);
    for (size_t k = 0; sa + double(k) * ss <= sz + tol && si.size() <= kMaxSweepValues; ++k) si.push_back(sa + double(k) * ss);
  }
  if (si.size() > kMaxSweepValues)
    fail(at, whole, fmt::format("'{}' expands to more than {} values", item, kMaxSweepValues));
  std::vector<std::string> out;
  // 12 significant digits: 0.1 + 2 x 0.1 prints as 0.3, not 0.30000000000000004.
  for (double v : si) out.push_back(fmt::format("{:.12g}{}", v / scale, suffix));
  return out;
}

}  // namespace

std::vector<std::string> expand_values(const std::string& text, const std::string& source, int line,
                                       const std::string& prefix, const std::string& key) {
  const Fail fail{source, key, line, prefix};
  std::vector<std::string> out;
  size_t b = 0;
  for (;;) {
    const size_t e = text.find(',', b);
    std::string item = text.substr(b, e == std::string::npos ? std::string::npos : e - b);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    size_t lead = 0;
    while (lead < item.size() && item[lead] == ' ') ++lead;
    item = item.substr(lead);
    if (item.empty()) fail(b, text, "an empty value", "values are separated by single commas, e.g. 4KiB,16KiB");
    if (item.find(':') != std::string::npos) {
      for (auto& v : expand_range(item, text, b + lead, fail)) out.push_back(std::move(v));
    } else {
      out.push_back(item);
    }
    if (out.size() > kMaxSweepValues) fail(0, text, fmt::format("more than {} values", kMaxSweepValues));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return out;
}

ParamSpec parse_param(const std::string& arg, int line) {
  const size_t eq = arg.find('=');
  const Fail fail{"--param", "", line, ""};
  if (eq == std::string::npos || eq == 0)
    fail(0, arg, fmt::format("'{}' is not KEY=VALUES", arg),
         "e.g. --param workload.block=4KiB,16KiB or --param workload.rate=1000/s:8000/s:+500/s");
  ParamSpec p;
  p.key = arg.substr(0, eq);
  p.values = expand_values(arg.substr(eq + 1), "--param", line, arg.substr(0, eq + 1), p.key);
  return p;
}

std::string unit_suffix(const std::string& literal) {
  const auto l = split_literal(literal);
  return l ? l->suffix : std::string();
}

std::optional<double> axis_value(const std::string& literal, const std::string& unit_of) {
  const auto l = split_literal(literal), u = split_literal(unit_of);
  if (!l || !u) return std::nullopt;
  if (l->suffix.empty() && u->suffix.empty()) return l->number;
  for (Kind k : kKinds) {
    const auto v = si_of(k, literal), w = si_of(k, unit_of);
    if (!v || !w) continue;
    if (u->number == 0 || *w == 0) return std::nullopt;
    return *v / (*w / u->number);
  }
  return std::nullopt;
}

double student_t95(int df) {
  // t_{0.975, df}, df = 1..30 (standard tables, e.g. NIST/SEMATECH e-Handbook
  // of Statistical Methods, section 1.3.6.7.2).
  static const double t[] = {12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
                             2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
                             2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df < 1) return std::nan("");
  if (df <= 30) return t[df - 1];
  // Cornish-Fisher expansion of t around the normal quantile z (Abramowitz &
  // Stegun 26.7.5): within 1e-4 of the exact value from df = 30 on.
  const double z = 1.959963985, n = df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

}  // namespace iosim
