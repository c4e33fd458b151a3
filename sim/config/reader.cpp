#include "sim/config/reader.hpp"

#include "sim/config/key_table.hpp"

#include <yaml-cpp/yaml.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace iosim::config {

struct Reader::State {
  ConfigTree tree;
  std::map<const Node*, std::vector<std::string>> asked;  // per map: keys asked for, in order
  std::set<const Node*> ignored;
  std::vector<Setting> settings;           // effective(): keys read with a value, in read order
  std::map<std::string, size_t> setting_at;  // path -> index in settings
  const KeyTable* keys = nullptr;             // get<T>()'s facts about each key
};

Reader::Reader(ConfigTree tree, const KeyTable* keys) : st_(std::make_shared<State>()) {
  st_->tree = std::move(tree);
  st_->keys = keys;
  node_ = &st_->tree.root;
  mark_ = node_->mark;
}

Reader::Reader(std::shared_ptr<State> st, const Node* node, std::string path, Mark mark)
    : st_(std::move(st)), node_(node), path_(std::move(path)), mark_(std::move(mark)) {}

std::string Reader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const Node* Reader::get(const std::string& key) const {
  if (!node_) return nullptr;
  auto& asked = st_->asked[node_];
  if (std::find(asked.begin(), asked.end(), key) == asked.end()) asked.push_back(key);
  const Node* n = node_->find(key);
  return (n && !n->is_null()) ? n : nullptr;
}

const Node& Reader::need(const std::string& key, const char* what) const {
  if (const Node* n = get(key)) return *n;
  throw ConfigError(mark_, child_path(key), "missing required key '" + key + "'",
                    std::string("expected ") + what);
}

void Reader::note(const std::string& key, const Node* n, const std::string& type, const std::string& unit,
                  nlohmann::ordered_json v) const {
  Setting s{child_path(key), type, unit, std::move(v), "", n ? origin_of(*n) : "default", ""};
  if (st_->keys)
    if (const KeySpec* k = st_->keys->find(s.path)) s.description = k->description;
  if (n && n->is_scalar()) s.written = n->scalar;
  if (n && n->is_list()) {
    for (const auto& i : n->items) s.written += (s.written.empty() ? "[" : ", ") + i.scalar;
    s.written += "]";
  }
  const auto [it, fresh] = st_->setting_at.emplace(s.path, st_->settings.size());
  if (fresh) st_->settings.push_back(std::move(s));
  else st_->settings[it->second] = std::move(s);
}

const Node& Reader::scalar(const Node& n, const char* what) const {
  if (!n.is_scalar())
    throw ConfigError(n.mark, n.path,
                      std::string("expected ") + what + ", got " + n.type_name());
  return n;
}

Reader Reader::section(const std::string& key) const {
  const Node* n = get(key);
  if (!n) {
    const Node* raw = node_ ? node_->find(key) : nullptr;  // null value: empty section
    return Reader(st_, raw, child_path(key), raw ? raw->mark : mark_);
  }
  if (!n->is_map())
    throw ConfigError(n->mark, n->path, "expected a map of keys (a section), got " +
                                            std::string(n->type_name()));
  return Reader(st_, n, n->path, n->mark);
}

Reader Reader::required_section(const std::string& key) const {
  if (!get(key))
    throw ConfigError(mark_, child_path(key), "missing required section '" + key + "'");
  return section(key);
}

bool Reader::has(const std::string& key) const { return get(key) != nullptr; }

std::vector<std::string> Reader::keys() const {
  std::vector<std::string> out;
  if (!node_) return out;
  for (const auto& e : node_->entries) {
    get(e.key);
    out.push_back(e.key);
  }
  return out;
}

void Reader::ignore(const std::string& key) const {
  get(key);
  if (const Node* n = node_ ? node_->find(key) : nullptr) st_->ignored.insert(n);
}

std::vector<Reader> Reader::list(const std::string& key, size_t min_items) const {
  std::vector<Reader> out;
  const Node* n = get(key);
  if (n && n->is_map()) {
    out.push_back(Reader(st_, n, n->path, n->mark));
  } else if (n) {
    if (!n->is_list())
      throw ConfigError(n->mark, n->path, "expected a list of maps, got " +
                                              std::string(n->type_name()));
    for (const auto& item : n->items) {
      if (!item.is_map())
        throw ConfigError(item.mark, item.path,
                          "expected a map of keys, got " + std::string(item.type_name()));
      out.push_back(Reader(st_, &item, item.path, item.mark));
    }
  }
  if (out.size() < min_items)
    throw ConfigError(n ? n->mark : mark_, child_path(key),
                      "expected at least " + std::to_string(min_items) + " item(s), got " +
                          std::to_string(out.size()));
  return out;
}

// --- quantities -------------------------------------------------------------

static std::string bound_text(Kind k, double v) {
  return format_quantity(k, v);
}

static void check_bounds(const Node& n, Kind k, double v, Bounds b, const std::string& shown) {
  const bool low = b.lo_open ? !(v > b.lo) : !(v >= b.lo);
  const bool high = !(v <= b.hi);
  if (!low && !high) return;
  std::string msg;
  if (b.lo > 0 && std::isfinite(b.hi))  // a physical range: give both ends
    msg = std::string("must be in ") + (b.lo_open ? "(" : "[") + bound_text(k, b.lo) + ", " +
          bound_text(k, b.hi) + "] (got " + shown + ")";
  else if (low && b.lo == 0 && !b.lo_open)
    msg = "must not be negative (got " + shown + ")";
  else if (low && b.lo == 0)
    msg = "must be greater than 0 (got " + shown + ")";
  else if (low)
    msg = std::string("must be ") + (b.lo_open ? "> " : ">= ") + bound_text(k, b.lo) +
          " (got " + shown + ")";
  else
    msg = "must be <= " + bound_text(k, b.hi) + " (got " + shown + ")";
  std::string hint;
  if (k == Kind::Fraction && high && v > 1 && v <= 100)
    hint = "a plain number is a fraction of 1; write " + n.scalar + "% for a percentage";
  throw ConfigError(n.mark, n.path, msg, hint);
}

// What the simulator can represent. SystemC counts time in a 64-bit number of
// its resolution, 1 ps (sc_time, the default time resolution, which iosim keeps):
// a nonzero time below 1 ps rounds to 0 and one above 2^64 ps (~213 days)
// wraps. Rates and frequencies are checked through the time they imply (a
// period, the time of one byte); cycle counts through the slowest clock the
// scenario loader accepts (1 MHz, sim/scenario_loader.cpp).
static constexpr double kPs = 1e-12;
static const double kMaxTimeS = std::ldexp(1.0, 64) * kPs;  // 18446744 s
static constexpr double kSlowestClockHz = 1e6;

static void check_representable(const Node& n, Kind k, double v) {
  const double a = std::fabs(v);
  if (a == 0) return;
  std::string why;
  switch (k) {
    case Kind::Time:
      if (a < kPs || a > kMaxTimeS)
        why = "a time must be 0 or within [1 ps, 2^64 ps = " + format_time(kMaxTimeS) +
              "], SystemC's time resolution and range";
      break;
    case Kind::Frequency:
    case Kind::IoRate:
    case Kind::Rotation:
      if (a > 1 / kPs || a < 1 / kMaxTimeS)
        why = std::string("its period must be within [1 ps, 2^64 ps], SystemC's time resolution "
                          "and range: ") +
              kind_name(k) + " within [" + format_quantity(k, 1 / kMaxTimeS) + ", " +
              format_quantity(k, 1 / kPs) + "]";
      break;
    case Kind::Rate:
      if (a < 1 / kMaxTimeS)
        why = "one byte would take longer than 2^64 ps, SystemC's time range";
      break;
    case Kind::Cycles:
      if (a > kMaxTimeS * kSlowestClockHz)
        why = "at the slowest clock accepted (1 MHz) this is longer than 2^64 ps, SystemC's "
              "time range: at most " + std::to_string(static_cast<long long>(kMaxTimeS * kSlowestClockHz)) +
              " cycles";
      break;
    default: break;
  }
  if (!why.empty())
    throw ConfigError(n.mark, n.path, "'" + n.scalar + "' cannot be simulated: " + why);
}

double Reader::parse_q(Kind k, const Node& n, Bounds b) const {
  scalar(n, kind_name(k));
  Quantity q;
  try {
    q = parse_quantity(k, n.scalar);
  } catch (const UnitError& e) {
    Mark m = n.mark;
    if (!n.quoted) m.col += static_cast<int>(e.offset);  // point at the offending part
    throw ConfigError(m, n.path, e.message, e.hint);
  }
  check_bounds(n, k, q.value, b, n.scalar);
  check_representable(n, k, q.value);
  return q.value;
}

// "a time" -> "time": the type name of a quantity kind in effective().
static std::string kind_type(Kind k) { return std::string(kind_name(k)).substr(2); }

double Reader::quantity(Kind k, const std::string& key, double def, Bounds b) const {
  const Node* n = get(key);
  const double v = n ? parse_q(k, *n, b) : def;
  note(key, n, kind_type(k), si_unit(k), v);
  return v;
}

double Reader::required_quantity(Kind k, const std::string& key, Bounds b) const {
  const std::string what = std::string(kind_name(k)) + ", e.g. " + kind_example(k);
  const Node& n = need(key, what.c_str());
  const double v = parse_q(k, n, b);
  note(key, &n, kind_type(k), si_unit(k), v);
  return v;
}

std::vector<double> Reader::quantities(Kind k, const std::string& key, std::vector<double> def,
                                       Bounds b, size_t min_items) const {
  const Node* n = get(key);
  if (!n) {
    note(key, n, kind_type(k), si_unit(k), def);
    return def;
  }
  std::vector<double> out;
  if (n->is_list()) {
    for (const auto& item : n->items) out.push_back(parse_q(k, item, b));
  } else {
    out.push_back(parse_q(k, *n, b));
  }
  if (out.size() < min_items)
    throw ConfigError(n->mark, n->path, "expected at least " + std::to_string(min_items) +
                                            " value(s), got " + std::to_string(out.size()));
  note(key, n, kind_type(k), si_unit(k), out);
  return out;
}

static std::uint64_t whole_bytes(const Node& n, double v) {
  if (v != std::floor(v))
    throw ConfigError(n.mark, n.path,
                      "'" + n.scalar + "' is not a whole number of bytes (" +
                          std::to_string(v) + " B)");
  if (v >= 1.8e19) throw ConfigError(n.mark, n.path, "size too large: " + n.scalar);
  return static_cast<std::uint64_t>(v);
}

std::uint64_t Reader::size(const std::string& key, std::uint64_t def, Bounds b) const {
  const Node* n = get(key);
  const std::uint64_t v = n ? whole_bytes(*n, parse_q(Kind::Size, *n, b)) : def;
  note(key, n, kind_type(Kind::Size), si_unit(Kind::Size), v);
  return v;
}

std::uint64_t Reader::required_size(const std::string& key, Bounds b) const {
  const Node& n = need(key, "a size, e.g. 4KiB");
  const std::uint64_t v = whole_bytes(n, parse_q(Kind::Size, n, b));
  note(key, &n, kind_type(Kind::Size), si_unit(Kind::Size), v);
  return v;
}

std::vector<std::uint64_t> Reader::sizes(const std::string& key, std::vector<std::uint64_t> def,
                                         Bounds b) const {
  const Node* n = get(key);
  if (!n) {
    note(key, n, kind_type(Kind::Size), si_unit(Kind::Size), def);
    return def;
  }
  std::vector<const Node*> items;
  if (n->is_list())
    for (const auto& i : n->items) items.push_back(&i);
  else
    items.push_back(n);
  if (items.empty()) throw ConfigError(n->mark, n->path, "expected at least one size");
  std::vector<std::uint64_t> out;
  for (const Node* i : items) out.push_back(whole_bytes(*i, parse_q(Kind::Size, *i, b)));
  note(key, n, kind_type(Kind::Size), si_unit(Kind::Size), out);
  return out;
}

// --- plain values -----------------------------------------------------------

std::int64_t Reader::parse_int(const Node& n, std::int64_t min, std::int64_t max) const {
  scalar(n, "an integer");
  const std::string& s = n.scalar;
  std::int64_t v = 0;
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(first, s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range)
    throw ConfigError(n.mark, n.path, "integer out of range: " + s);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) {
    std::string hint;
    if (r.ec == std::errc() && r.ptr != s.data() + s.size())
      hint = "a plain count is expected here, without a unit or decimals";
    throw ConfigError(n.mark, n.path, "expected an integer, got '" + s + "'", hint);
  }
  if (v < min || v > max)
    throw ConfigError(n.mark, n.path,
                      "must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                          "] (got " + s + ")");
  return v;
}

std::int64_t Reader::integer(const std::string& key, std::int64_t def, std::int64_t min,
                             std::int64_t max) const {
  const Node* n = get(key);
  const std::int64_t v = n ? parse_int(*n, min, max) : def;
  note(key, n, "integer", "", v);
  return v;
}

std::int64_t Reader::required_integer(const std::string& key, std::int64_t min,
                                      std::int64_t max) const {
  const Node& n = need(key, "an integer");
  const std::int64_t v = parse_int(n, min, max);
  note(key, &n, "integer", "", v);
  return v;
}

std::vector<std::int64_t> Reader::integers(const std::string& key, std::vector<std::int64_t> def,
                                           std::int64_t min, std::int64_t max) const {
  const Node* n = get(key);
  if (!n) {
    note(key, n, "integer", "", def);
    return def;
  }
  std::vector<std::int64_t> out;
  if (n->is_list()) {
    for (const auto& i : n->items) out.push_back(parse_int(i, min, max));
    if (out.empty()) throw ConfigError(n->mark, n->path, "expected at least one integer");
  } else {
    out.push_back(parse_int(*n, min, max));
  }
  note(key, n, "integer", "", out);
  return out;
}

static double parse_real(const Node& n, Bounds b) {
  if (!n.is_scalar())
    throw ConfigError(n.mark, n.path, "expected a number, got " + std::string(n.type_name()));
  const std::string& s = n.scalar;
  double v = 0;
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(first, s.data() + s.size(), v, std::chars_format::general);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v))
    throw ConfigError(n.mark, n.path, "expected a plain number, got '" + s + "'");
  const bool low = b.lo_open ? !(v > b.lo) : !(v >= b.lo);
  if (low || !(v <= b.hi)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "must be in %s%g, %g] (got %s)", b.lo_open ? "(" : "[", b.lo,
                  b.hi, s.c_str());
    throw ConfigError(n.mark, n.path, buf);
  }
  return v;
}

double Reader::real(const std::string& key, double def, Bounds b) const {
  const Node* n = get(key);
  const double v = n ? parse_real(*n, b) : def;
  note(key, n, "number", "", v);
  return v;
}

double Reader::required_real(const std::string& key, Bounds b) const {
  const Node& n = need(key, "a number");
  const double v = parse_real(n, b);
  note(key, &n, "number", "", v);
  return v;
}

bool Reader::parse_bool(const Node& n) const {
  scalar(n, "true or false");
  static const char* yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char* no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  for (const char* y : yes)
    if (n.scalar == y) return true;
  for (const char* f : no)
    if (n.scalar == f) return false;
  throw ConfigError(n.mark, n.path, "expected true or false, got '" + n.scalar + "'");
}

bool Reader::boolean(const std::string& key, bool def) const {
  const Node* n = get(key);
  const bool v = n ? parse_bool(*n) : def;
  note(key, n, "boolean", "", v);
  return v;
}

bool Reader::required_boolean(const std::string& key) const {
  const Node& n = need(key, "true or false");
  const bool v = parse_bool(n);
  note(key, &n, "boolean", "", v);
  return v;
}

std::string Reader::string(const std::string& key, const std::string& def) const {
  const Node* n = get(key);
  std::string v = n ? scalar(*n, "a string").scalar : def;
  note(key, n, "string", "", v);
  return v;
}

std::string Reader::required_string(const std::string& key) const {
  const Node& n = need(key, "a string");
  std::string v = scalar(n, "a string").scalar;
  note(key, &n, "string", "", v);
  return v;
}

std::string Reader::parse_choice(const Node& n, const std::vector<std::string>& options) const {
  scalar(n, "one of the listed names");
  if (std::find(options.begin(), options.end(), n.scalar) != options.end()) return n.scalar;
  std::string all;
  for (const auto& o : options) all += (all.empty() ? "" : ", ") + o;
  const std::string near = nearest(n.scalar, options);
  throw ConfigError(n.mark, n.path, "'" + n.scalar + "' is not one of: " + all,
                    near.empty() ? "" : "did you mean '" + near + "'?");
}

std::string Reader::choice(const std::string& key, const std::string& def,
                           const std::vector<std::string>& options) const {
  const Node* n = get(key);
  std::string v = n ? parse_choice(*n, options) : def;
  note(key, n, "string", "", v);
  return v;
}

std::string Reader::required_choice(const std::string& key,
                                    const std::vector<std::string>& options) const {
  std::string all;
  for (const auto& o : options) all += (all.empty() ? "" : ", ") + o;
  const Node& n = need(key, ("one of: " + all).c_str());
  std::string v = parse_choice(n, options);
  note(key, &n, "string", "", v);
  return v;
}

// --- keys from the key table ---------------------------------------------------

const KeySpec& Reader::spec(const std::string& key) const {
  const std::string path = child_path(key);
  if (!st_->keys) throw std::logic_error("Reader::get('" + path + "'): no key table");
  const KeySpec* s = st_->keys->find(path);
  if (!s) throw std::logic_error("Reader::get: '" + normalize_key_path(path) + "' is not in the key table");
  return *s;
}

namespace {
[[noreturn]] void wrong_type(const KeySpec& s, const char* asked) {
  throw std::logic_error("Reader::get: '" + s.path + "' is " + s.type_name() + " in the key table, read as " + asked);
}
}  // namespace

bool Reader::get_bool(const std::string& key, bool required) const {
  const KeySpec& s = spec(key);
  if (s.type != KeyType::Boolean || s.list) wrong_type(s, "a boolean");
  if (required || s.def.is_null()) return required_boolean(key);
  return boolean(key, s.def.get<bool>());
}

std::string Reader::get_string(const std::string& key, bool required) const {
  const KeySpec& s = spec(key);
  if (s.list) wrong_type(s, "a string");
  required = required || s.def.is_null();
  if (s.type == KeyType::Choice)
    return required ? required_choice(key, s.choices) : choice(key, s.def.get<std::string>(), s.choices);
  if (s.type != KeyType::String) wrong_type(s, "a string");
  return required ? required_string(key) : string(key, s.def.get<std::string>());
}

std::int64_t Reader::get_integral(const std::string& key, bool required) const {
  const KeySpec& s = spec(key);
  if (s.list) wrong_type(s, "an integer");
  required = required || s.def.is_null();
  if (s.type == KeyType::Quantity && s.kind == Kind::Size) {
    const std::uint64_t v = required ? required_size(key, s.bounds) : size(key, s.def.get<std::uint64_t>(), s.bounds);
    return std::int64_t(v);
  }
  if (s.type != KeyType::Integer) wrong_type(s, "an integer");
  return required ? required_integer(key, s.min, s.max) : integer(key, s.def.get<std::int64_t>(), s.min, s.max);
}

double Reader::get_double(const std::string& key, bool required) const {
  const KeySpec& s = spec(key);
  if (s.list) wrong_type(s, "a number");
  required = required || s.def.is_null();
  if (s.type == KeyType::Quantity)
    return required ? required_quantity(s.kind, key, s.bounds) : quantity(s.kind, key, s.def.get<double>(), s.bounds);
  if (s.type != KeyType::Number) wrong_type(s, "a number");
  return required ? required_real(key, s.bounds) : real(key, s.def.get<double>(), s.bounds);
}

std::vector<std::int64_t> Reader::get_integers(const std::string& key, bool required) const {
  const KeySpec& s = spec(key);
  if (s.type != KeyType::Integer || !s.list) wrong_type(s, "a list of integers");
  if (required && !has(key)) need(key, "a list of integers");
  return integers(key, s.def.is_null() ? std::vector<std::int64_t>{} : s.def.get<std::vector<std::int64_t>>(), s.min, s.max);
}

// --- checking ------------------------------------------------------------------

static void collect_unread(const Node& n, const std::map<const Node*, std::vector<std::string>>& asked,
                           const std::set<const Node*>& ignored, std::vector<Diagnostic>& out) {
  if (ignored.count(&n)) return;
  if (n.is_list())
    for (const auto& i : n.items) collect_unread(i, asked, ignored, out);
  if (!n.is_map()) return;
  const auto it = asked.find(&n);
  static const std::vector<std::string> none;
  const auto& known = it == asked.end() ? none : it->second;
  for (const auto& e : n.entries) {
    if (std::find(known.begin(), known.end(), e.key) == known.end())
      out.push_back({e.key_mark, e.value.path, "unknown key '" + e.key + "'",
                     suggestion_hint(e.key, known)});
    else
      collect_unread(e.value, asked, ignored, out);
  }
}

void Reader::finish() const {
  if (!node_) return;
  std::vector<Diagnostic> out;
  collect_unread(*node_, st_->asked, st_->ignored, out);
  if (!out.empty()) throw ConfigError(std::move(out));
}

void Reader::fail(const std::string& key, const std::string& message,
                  const std::string& hint) const {
  const Node* n = node_ ? node_->find(key) : nullptr;
  if (n) throw ConfigError(n->mark, n->path, message, hint);
  throw ConfigError(mark_, child_path(key), message, hint);
}

std::string Reader::origin(const std::string& key) const {
  const Node* n = node_ ? node_->find(key) : nullptr;
  return (n && !n->is_null()) ? n->mark.str() : "default";
}

}  // namespace iosim::config

namespace iosim::config {

EffectiveConfig Reader::effective() const { return {st_->tree.files, st_->settings}; }

const char* si_unit(Kind k) {
  switch (k) {
    case Kind::Time: return "s";
    case Kind::Size: return "B";
    case Kind::Rate: return "B/s";
    case Kind::IoRate: return "/s";
    case Kind::Frequency: return "Hz";
    case Kind::Rotation: return "rps";
    case Kind::Cycles: return "cycles";
    case Kind::Fraction: return "fraction";
  }
  return "";
}

std::string origin_of(const Node& n) {
  const Mark& m = n.mark;
  // A --set Source holds one argument a line (node.cpp apply_sets).
  if (m.src && m.src->name == "--set" && m.line > 0 && m.line <= int(m.src->lines.size()))
    return "--set " + m.src->lines[size_t(m.line) - 1];
  return m.str();
}

namespace {

// The text of one value in YAML, in a form load_scenario reads back: a number
// with its SI unit (shortest text that round-trips the double), a plain
// number, true/false, or a string.
std::string value_text(const nlohmann::ordered_json& v, const std::string& unit) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return v.get<std::string>();
  // A rotation speed reads better in rpm; only when that text is exact.
  if (unit == "rps" && v.is_number_float() && (v.get<double>() * 60) / 60 == v.get<double>())
    return fmt::format("{} rpm", v.get<double>() * 60);
  std::string t = v.is_number_float() ? fmt::format("{}", v.get<double>()) : v.dump();
  if (!unit.empty() && unit != "fraction") t += " " + unit;
  return t;
}

struct YamlTree {
  std::string key;
  const Setting* leaf = nullptr;
  std::vector<YamlTree> kids;  // in first-read order
  YamlTree& child(const std::string& k) {
    for (auto& c : kids)
      if (c.key == k) return c;
    kids.push_back(YamlTree{k, nullptr, {}});
    return kids.back();
  }
};

void emit_leaf(YAML::Emitter& out, const Setting& s) {
  if (s.value.is_array()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& i : s.value) out << value_text(i, s.unit);
    out << YAML::EndSeq;
  } else if (!s.written.empty() && !s.unit.empty()) {
    // A quantity as written: exact (it parses to the same value) and in the
    // writer's unit; a bare cycle count gets its unit.
    const bool bare = s.written.find_first_of("abcdefghijklmnopqrstuvwxyz%") == std::string::npos;
    out << (bare && s.unit == "cycles" ? s.written + " cycles" : s.written);
  } else {
    out << value_text(s.value, s.unit);
  }
  out << YAML::Comment(s.origin);
}

// A list entry's keys come as `name[i].key`: an index node ("[i]") under the
// list's node; a node whose children are all indices is a YAML sequence.
bool is_seq(const YamlTree& t) {
  return !t.kids.empty() && std::all_of(t.kids.begin(), t.kids.end(), [](const YamlTree& k) { return k.key[0] == '['; });
}

void emit_tree(YAML::Emitter& out, const YamlTree& t);

void emit_node(YAML::Emitter& out, const YamlTree& c) {
  if (c.leaf) {
    emit_leaf(out, *c.leaf);
  } else if (is_seq(c)) {
    out << YAML::BeginSeq;
    for (const auto& k : c.kids) emit_node(out, k);
    out << YAML::EndSeq;
  } else {
    emit_tree(out, c);
  }
}

void emit_tree(YAML::Emitter& out, const YamlTree& t) {
  out << YAML::BeginMap;
  for (const auto& c : t.kids) {
    out << YAML::Key << c.key << YAML::Value;
    emit_node(out, c);
  }
  out << YAML::EndMap;
}

}  // namespace

std::string dump_effective_yaml(const EffectiveConfig& c) {
  YamlTree root;
  for (const Setting& s : c.settings) {
    YamlTree* t = &root;
    for (size_t a = 0; a <= s.path.size();) {
      size_t b = s.path.find('.', a);
      if (b == std::string::npos) b = s.path.size();
      std::string seg = s.path.substr(a, b - a);
      const size_t br = seg.find('[');  // list[i][j]: the list's node, then one per index
      t = &t->child(seg.substr(0, br));
      for (size_t k = br; k != std::string::npos; k = seg.find('[', k + 1))
        t = &t->child(seg.substr(k, seg.find(']', k) + 1 - k));
      a = b + 1;
    }
    t->leaf = &s;
  }
  YAML::Emitter out;
  for (const auto& f : c.files) out << YAML::Comment("read " + f) << YAML::Newline;
  emit_tree(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace iosim::config
