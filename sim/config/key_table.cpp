#include "sim/config/key_table.hpp"

#include "sim/config/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>
#include <utility>

namespace iosim::config {

namespace {

// Up to 12 significant digits: exact for every default and bound in the table
// (2^32 - 1 sectors), short for thirds (PCI's 133.333333333 MHz).
std::string num(double v) { return fmt::format("{:.12g}", v); }

// Display units per kind, largest first: a value is shown in the largest unit
// it reaches (sizes: the largest binary unit that divides it, so the text is exact).
const std::vector<std::pair<const char*, double>>& display_units(Kind k) {
  static const std::vector<std::pair<const char*, double>> time{{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}};
  static const std::vector<std::pair<const char*, double>> size{
      {"TiB", 1099511627776.0}, {"GiB", 1073741824.0}, {"MiB", 1048576.0}, {"KiB", 1024.0}, {"B", 1}};
  static const std::vector<std::pair<const char*, double>> rate{{"GB/s", 1e9}, {"MB/s", 1e6}, {"kB/s", 1e3}, {"B/s", 1}};
  static const std::vector<std::pair<const char*, double>> io{{"/s", 1}};
  static const std::vector<std::pair<const char*, double>> freq{{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}};
  static const std::vector<std::pair<const char*, double>> none{};
  switch (k) {
    case Kind::Time: return time;
    case Kind::Size: return size;
    case Kind::Rate: return rate;
    case Kind::IoRate: return io;
    case Kind::Frequency: return freq;
    default: return none;
  }
}

std::string md_escape(std::string s) {
  for (size_t at = 0; (at = s.find('|', at)) != std::string::npos; at += 2) s.replace(at, 1, "\\|");
  return s;
}

bool prefix_of(const std::string& prefix, const std::string& path) {
  if (prefix.empty() || path == prefix) return true;
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path[prefix.size()] == '.' || path[prefix.size()] == '[' || prefix.back() == '.');
}

std::string relative(const std::string& path, const std::string& section) {
  if (section.empty()) return path;
  return path.substr(section.size() + (path[section.size()] == '.' ? 1 : 0));
}

}  // namespace

std::string normalize_key_path(const std::string& path) {
  static const std::regex index(R"(\[[0-9]+\])");
  return std::regex_replace(path, index, "[]");
}

std::string format_value(Kind k, double v) {
  if (v == 0) return "0";
  if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
  if (k == Kind::Rotation) return num(v * 60) + " rpm";
  if (k == Kind::Cycles || k == Kind::Fraction) return num(v);
  const auto& units = display_units(k);
  for (const auto& [name, f] : units) {
    const bool fits = k == Kind::Size ? std::fmod(v, f) == 0 : std::fabs(v) >= f;
    // A large size of whole sectors that no binary unit divides: in sectors
    // (4294967295 sectors, not 2199023255040 B).
    if (k == Kind::Size && f == 1 && std::fmod(v, 512) == 0 && v > 512 * 1024.0) return num(v / 512) + " sectors";
    if (fits) return num(v / f) + (name[0] == '/' ? "" : " ") + name;
  }
  const char* last = units.back().first;
  return num(v / units.back().second) + (last[0] == '/' ? "" : " ") + last;
}

// --- KeySpec -----------------------------------------------------------------

std::string KeySpec::type_name() const {
  std::string t;
  switch (type) {
    case KeyType::Quantity: t = std::string(kind_name(kind)).substr(2); break;
    case KeyType::Integer: t = "integer"; break;
    case KeyType::Number: t = "number"; break;
    case KeyType::Boolean: t = "boolean"; break;
    case KeyType::String: t = "string"; break;
    case KeyType::Choice: t = "choice"; break;
  }
  return list ? "list of " + t : t;
}

std::string KeySpec::unit() const { return type == KeyType::Quantity ? si_unit(kind) : ""; }

std::string KeySpec::setting_type() const {
  switch (type) {
    case KeyType::Quantity: return std::string(kind_name(kind)).substr(2);
    case KeyType::Integer: return "integer";
    case KeyType::Number: return "number";
    case KeyType::Boolean: return "boolean";
    case KeyType::String:
    case KeyType::Choice: return "string";
  }
  return "";
}

std::string KeySpec::default_text() const {
  if (!def_text.empty()) return def_text;
  if (def.is_null()) return required ? "required" : "none";
  auto one = [&](const nlohmann::ordered_json& v) -> std::string {
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_string()) return v.get<std::string>().empty() ? "none" : v.get<std::string>();
    if (type == KeyType::Quantity) return format_value(kind, v.get<double>());
    if (v.is_number_float()) return num(v.get<double>());
    return v.dump();
  };
  if (def.is_array()) {
    std::string s;
    for (const auto& v : def) s += (s.empty() ? "" : ", ") + one(v);
    return "[" + s + "]";
  }
  return one(def);
}

std::string KeySpec::range_text(bool markdown) const {
  std::string r;
  auto val = [&](double v) { return type == KeyType::Quantity ? format_value(kind, v) : num(v); };
  switch (type) {
    case KeyType::Quantity:
    case KeyType::Number: {
      const bool lo = std::isfinite(bounds.lo), hi = std::isfinite(bounds.hi);
      if (lo && hi && !bounds.lo_open) r = val(bounds.lo) + " .. " + val(bounds.hi);
      else if (lo && hi) r = "> " + val(bounds.lo) + ", <= " + val(bounds.hi);
      else if (lo) r = (bounds.lo_open ? "> " : ">= ") + val(bounds.lo);
      else if (hi) r = "<= " + val(bounds.hi);
      break;
    }
    case KeyType::Integer: {
      const bool lo = min != std::numeric_limits<std::int64_t>::min();
      const bool hi = max != std::numeric_limits<std::int64_t>::max();
      if (lo && hi) r = std::to_string(min) + ".." + std::to_string(max);
      else if (lo) r = ">= " + std::to_string(min);
      else if (hi) r = "<= " + std::to_string(max);
      break;
    }
    case KeyType::Choice:
      for (const auto& c : choices) r += (r.empty() ? "" : markdown ? " " : "|") + (markdown ? "`" + c + "`" : c);
      break;
    case KeyType::Boolean:
    case KeyType::String: break;
  }
  if (!constraint.empty()) r += (r.empty() ? "" : "; ") + constraint;
  return r;
}

// --- KeyTable ----------------------------------------------------------------

KeyTable::KeyTable(std::vector<KeySpec> keys) : keys_(std::move(keys)) {
  std::set<std::string> seen;
  for (const auto& k : keys_)
    if (!seen.insert(k.path).second) throw std::logic_error("key table: '" + k.path + "' twice");
}

const KeySpec* KeyTable::find(const std::string& path) const {
  const std::string p = normalize_key_path(path);
  for (const auto& k : keys_)
    if (k.path == p) return &k;
  return nullptr;
}

std::vector<std::string> KeyTable::sections() const {
  std::vector<std::string> out;
  for (const auto& k : keys_)
    if (std::find(out.begin(), out.end(), k.section) == out.end()) out.push_back(k.section);
  return out;
}

std::vector<const KeySpec*> KeyTable::under(const std::string& prefix) const {
  const std::string p = normalize_key_path(prefix);
  std::vector<const KeySpec*> out;
  for (const auto& k : keys_)
    if (prefix_of(p, k.path)) out.push_back(&k);
  return out;
}

std::string KeyTable::nearest_prefix(const std::string& prefix) const {
  std::set<std::string> names;  // every key and every section above a key
  for (const auto& k : keys_)
    for (size_t at = 0; at != std::string::npos; at = k.path.find('.', at + 1))
      names.insert(at == 0 ? k.path : k.path.substr(0, at));
  return nearest(normalize_key_path(prefix), std::vector<std::string>(names.begin(), names.end()));
}

// --- renderings ----------------------------------------------------------------

std::string keys_text(const std::vector<const KeySpec*>& keys) {
  struct Row { std::string c[6]; };
  std::vector<Row> rows{{{"KEY", "TYPE", "UNIT", "DEFAULT", "RANGE", "DESCRIPTION"}}};
  for (const KeySpec* k : keys)
    rows.push_back({{k->path, k->type_name(), k->unit(), k->default_text(), k->range_text(), k->description}});
  size_t w[5] = {};
  for (const auto& r : rows)
    for (int i = 0; i < 5; ++i) w[i] = std::max(w[i], r.c[i].size());
  std::string out;
  for (const auto& r : rows) {
    for (int i = 0; i < 5; ++i) out += fmt::format("{:<{}}  ", r.c[i], w[i]);
    out += r.c[5] + "\n";
  }
  return out;
}

nlohmann::ordered_json keys_json(const std::vector<const KeySpec*>& keys) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const KeySpec* k : keys) {
    nlohmann::ordered_json j;
    j["key"] = k->path;
    j["section"] = k->section;
    j["type"] = k->type_name();
    j["unit"] = k->unit();
    j["default"] = k->def;  // SI units; null: none
    j["default_text"] = k->default_text();
    j["required"] = k->required;
    if (k->type == KeyType::Quantity || k->type == KeyType::Number) {
      if (std::isfinite(k->bounds.lo)) j["min"] = k->bounds.lo;
      if (std::isfinite(k->bounds.lo)) j["min_exclusive"] = k->bounds.lo_open;
      if (std::isfinite(k->bounds.hi)) j["max"] = k->bounds.hi;
    }
    if (k->type == KeyType::Integer) {
      if (k->min != std::numeric_limits<std::int64_t>::min()) j["min"] = k->min;
      if (k->max != std::numeric_limits<std::int64_t>::max()) j["max"] = k->max;
    }
    if (k->type == KeyType::Choice) j["choices"] = k->choices;
    j["range"] = k->range_text();
    j["description"] = k->description;
    j["source"] = k->source;
    out.push_back(std::move(j));
  }
  return out;
}

std::string section_markdown(const KeyTable& t, const std::string& section,
                             const std::vector<const KeySpec*>* only) {
  std::string out = "| key | type | default | range | meaning | source |\n|---|---|---|---|---|---|\n";
  for (const KeySpec& k : t.keys()) {
    if (k.section != section) continue;
    if (only && std::find(only->begin(), only->end(), &k) == only->end()) continue;
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", relative(k.path, section), k.type_name(),
                       md_escape(k.default_text()), md_escape(k.range_text(true)), md_escape(k.description),
                       md_escape(k.source));
  }
  return out;
}

std::string keys_markdown(const KeyTable& t, const std::vector<const KeySpec*>& keys) {
  std::string out;
  for (const std::string& s : t.sections()) {
    if (std::none_of(keys.begin(), keys.end(), [&](const KeySpec* k) { return k->section == s; })) continue;
    out += (out.empty() ? "" : "\n") + std::string("<!-- keys ") + (s.empty() ? "top" : s) + " -->\n" +
           section_markdown(t, s, &keys) + "<!-- /keys -->\n";
  }
  return out;
}

namespace {

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string(".^$|()[]{}*+?\\/").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

nlohmann::ordered_json leaf_schema(const KeySpec& k) {
  using J = nlohmann::ordered_json;
  J s;
  switch (k.type) {
    case KeyType::Quantity: {
      std::vector<std::string> units = kind_units(k.kind);
      std::sort(units.begin(), units.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
      std::string alt;
      for (const auto& u : units) alt += (alt.empty() ? "" : "|") + regex_escape(u);
      const std::string number = R"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)";
      const bool bare = k.kind == Kind::Cycles || k.kind == Kind::Fraction;  // a plain number is accepted
      J str{{"type", "string"}, {"pattern", "^\\s*" + number + "\\s*(" + alt + ")" + (bare ? "?" : "") + "\\s*$"}};
      J plain = bare ? J{{"type", "number"}} : J{{"const", 0}};
      if (bare && std::isfinite(k.bounds.lo)) plain[k.bounds.lo_open ? "exclusiveMinimum" : "minimum"] = k.bounds.lo;
      if (bare && std::isfinite(k.bounds.hi)) plain["maximum"] = k.bounds.hi;
      s["anyOf"] = J::array({str, plain});
      break;
    }
    case KeyType::Integer:
      s["type"] = "integer";
      if (k.min != std::numeric_limits<std::int64_t>::min()) s["minimum"] = k.min;
      if (k.max != std::numeric_limits<std::int64_t>::max()) s["maximum"] = k.max;
      break;
    case KeyType::Number:
      s["type"] = "number";
      if (std::isfinite(k.bounds.lo)) s[k.bounds.lo_open ? "exclusiveMinimum" : "minimum"] = k.bounds.lo;
      if (std::isfinite(k.bounds.hi)) s["maximum"] = k.bounds.hi;
      break;
    case KeyType::Boolean: s["type"] = "boolean"; break;
    case KeyType::String: s["type"] = "string"; break;
    case KeyType::Choice: s["enum"] = k.choices; break;
  }
  if (k.list) s = J{{"anyOf", J::array({s, J{{"type", "array"}, {"items", s}}})}};
  // `key: ~` (YAML null) reads as the key left out (config::Reader): the
  // default, so only an optional key may be null.
  if (!k.required) {
    if (s.contains("anyOf")) s["anyOf"].push_back(J{{"type", "null"}});
    else if (s.contains("enum")) s["enum"].push_back(nullptr);
    else s["type"] = J::array({s["type"], "null"});
  }
  std::string d = k.description;
  if (!d.empty() && d.back() != '.') d += '.';
  d += " Type: " + k.type_name() + (k.unit().empty() ? "" : " (SI unit " + k.unit() + ")") + ". Default: " +
       k.default_text() + ".";
  if (const std::string r = k.range_text(); !r.empty() && k.type != KeyType::Choice) d += " Range: " + r + ".";
  if (!k.source.empty()) d += " Source: " + k.source + ".";
  J out{{"description", d}};
  for (auto& [key, v] : s.items()) out[key] = v;
  return out;
}

nlohmann::ordered_json map_schema() {
  using J = nlohmann::ordered_json;
  J files{{"anyOf", J::array({J{{"type", "string"}}, J{{"type", "array"}, {"items", J{{"type", "string"}}}}})}};
  // A null map (`section: ~`) reads as an empty one (config::Reader).
  J m{{"type", J::array({"object", "null"})}, {"additionalProperties", false}, {"properties", J::object()}};
  for (const char* inc : kIncludeKeys) {
    J f = files;
    f["description"] = "File(s) merged into this map first, relative to this file (scenarios/README.md, Includes and merging).";
    m["properties"][inc] = f;
  }
  return m;
}

}  // namespace

nlohmann::ordered_json keys_schema(const KeyTable& t, const std::string& title) {
  using J = nlohmann::ordered_json;
  J root = map_schema();
  root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  root["title"] = title;
  root["properties"]["description"] = J{{"description", "Free text, ignored."}};
  for (const KeySpec& k : t.keys()) {
    J* node = &root;
    size_t a = 0;
    for (size_t b; (b = k.path.find('.', a)) != std::string::npos; a = b + 1) {
      std::string seg = k.path.substr(a, b - a);
      const bool item = seg.size() > 2 && seg.compare(seg.size() - 2, 2, "[]") == 0;
      if (item) seg.resize(seg.size() - 2);
      J& props = (*node)["properties"];
      if (!props.contains(seg)) {
        props[seg] = map_schema();
        if (item) props[seg] = J{{"type", "array"}, {"items", props[seg]}};  // a list of maps
      }
      node = item ? &props[seg]["items"] : &props[seg];
    }
    (*node)["properties"][k.path.substr(a)] = leaf_schema(k);
  }
  return root;
}

std::string update_doc(const KeyTable& t, const std::string& text) {
  static const std::regex open(R"(<!-- keys ([^ ]+) -->\n)");
  const auto sections = t.sections();
  std::string out;
  std::smatch m;
  std::string rest = text;
  while (std::regex_search(rest, m, open)) {
    const std::string name = m[1].str();
    const std::string section = name == "top" ? "" : name;
    if (std::find(sections.begin(), sections.end(), section) == sections.end())
      throw std::runtime_error("<!-- keys " + name + " -->: no such section in the key table");
    const size_t body = size_t(m.position(0) + m.length(0));
    const size_t close = rest.find("<!-- /keys -->", body);
    if (close == std::string::npos) throw std::runtime_error("<!-- keys " + name + " --> without <!-- /keys -->");
    out += rest.substr(0, body) + section_markdown(t, section);
    rest = rest.substr(close);
  }
  return out + rest;
}

}  // namespace iosim::config
