#pragma once
// Typed, validated access to a loaded scenario. A Reader is a view of one map
// (a "section"); every key a loader asks for is recorded, so finish() can
// report every key that is present but was never read — unknown keys are
// errors, with "did you mean 'X'?" from the keys that were asked for.
//
//   auto tree = load_config(path, sets);
//   Reader r(tree);
//   Reader d = r.section("disk");
//   cfg.rpm_hz = d.rotation("rpm", 15000.0 / 60);
//   cfg.settle = d.time("seek_settle", 0.2e-3);
//   cfg.sched  = d.choice("scheduler", "sptf", {"fcfs", "sstf", "sptf"});
//   r.finish();   // after all loaders ran: unknown keys anywhere -> ConfigError
//
// Getters throw ConfigError (file:line:col, key path) on a wrong type, a bad
// unit, or a value out of range; they never fall back to the default on bad
// input. A key whose value is null (`rpm: ~`, or `--set disk.rpm=`) counts as
// absent: the default applies.
#include "model/common/enum_names.hpp"
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/units.hpp"

namespace iosim::config {

// Accepted range of a value; `lo_open` makes the lower bound exclusive (> lo).
struct Bounds {
  double lo = 0;
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;

  static Bounds non_negative() { return {}; }
  static Bounds positive() { return {0, std::numeric_limits<double>::infinity(), true}; }
  static Bounds unit_interval() { return {0, 1, false}; }
  static Bounds any() {
    return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  }
  static Bounds range(double lo, double hi) { return {lo, hi, false}; }
};

// One key as the run used it (provenance): every key a loader asked for with a
// value, whether written or left at its default.
struct Setting {
  std::string path;    // "platform.disk.rpm"
  std::string type;    // "time", "size", ... (quantity kinds), "integer", "number", "boolean", "string"
  std::string unit;    // SI unit of `value`, spelt as iosim reads it ("s", "B", "B/s", "/s", "Hz",
                       // "rps", "cycles", "fraction"); "" for integers, numbers, booleans, strings
  nlohmann::ordered_json value;  // the effective value in `unit` (a list for list keys)
  std::string written;           // the text as written ("" for a default)
  std::string origin;            // "default", "file:line:col", or "--set key=value"
  std::string description;       // the key table's description of the key ("" without a table entry)
};

// The effective configuration of a loaded scenario: the files read (in load
// order) and every key the loaders read, in the order they read them.
struct EffectiveConfig {
  std::vector<std::string> files;
  std::vector<Setting> settings;
};

// The SI unit iosim reads and writes for a quantity kind ("s", "B", ...).
const char* si_unit(Kind k);
// "file:line:col" of a value, or "--set key=value" for a value from --set.
std::string origin_of(const Node& n);
// The effective configuration as YAML (loadable again as a scenario): nested
// keys, each value as written (a default in its SI unit) with a comment
// naming its origin.
std::string dump_effective_yaml(const EffectiveConfig& c);

class KeyTable;
struct KeySpec;

class Reader {
public:
  // The Reader keeps its own copy of the tree. With a key table (key_table.hpp),
  // get<T>() takes each key's type, default and bounds from it.
  explicit Reader(ConfigTree tree, const KeyTable* keys = nullptr);

  const std::string& path() const { return path_; }  // "" for the root
  // Where this section is written (for errors about the section as a whole).
  const Mark& mark() const { return mark_; }

  // --- structure --------------------------------------------------------
  // A sub-map. Absent or null -> an empty section (all defaults apply).
  Reader section(const std::string& key) const;
  Reader required_section(const std::string& key) const;
  // Present and not null. Also records `key` as a valid key here.
  bool has(const std::string& key) const;
  // All keys of this section, each recorded as read (for maps with free keys,
  // such as named disks).
  std::vector<std::string> keys() const;
  // A list of maps, each as a Reader. Absent -> empty. A single map is taken
  // as a list of one.
  std::vector<Reader> list(const std::string& key, size_t min_items = 0) const;
  // Accepts `key` and everything under it without reading it (a section this
  // run does not use); finish() will not complain about it.
  void ignore(const std::string& key) const;

  // --- quantities with units (SI results) ------------------------------------
  double quantity(Kind k, const std::string& key, double def, Bounds b) const;
  double required_quantity(Kind k, const std::string& key, Bounds b) const;
  // A list of quantities; a single scalar is a list of one. Absent -> def.
  std::vector<double> quantities(Kind k, const std::string& key, std::vector<double> def,
                                 Bounds b = Bounds::non_negative(), size_t min_items = 1) const;

  double time(const std::string& key, double def, Bounds b = Bounds::non_negative()) const {
    return quantity(Kind::Time, key, def, b);
  }
  double required_time(const std::string& key, Bounds b = Bounds::non_negative()) const {
    return required_quantity(Kind::Time, key, b);
  }
  // Sizes must come out as whole bytes.
  std::uint64_t size(const std::string& key, std::uint64_t def,
                     Bounds b = Bounds::non_negative()) const;
  std::uint64_t required_size(const std::string& key, Bounds b = Bounds::non_negative()) const;
  std::vector<std::uint64_t> sizes(const std::string& key, std::vector<std::uint64_t> def,
                                   Bounds b = Bounds::positive()) const;
  double rate(const std::string& key, double def, Bounds b = Bounds::positive()) const {
    return quantity(Kind::Rate, key, def, b);
  }
  double required_rate(const std::string& key, Bounds b = Bounds::positive()) const {
    return required_quantity(Kind::Rate, key, b);
  }
  double io_rate(const std::string& key, double def, Bounds b = Bounds::positive()) const {
    return quantity(Kind::IoRate, key, def, b);
  }
  double required_io_rate(const std::string& key, Bounds b = Bounds::positive()) const {
    return required_quantity(Kind::IoRate, key, b);
  }
  double freq(const std::string& key, double def, Bounds b = Bounds::positive()) const {
    return quantity(Kind::Frequency, key, def, b);
  }
  double required_freq(const std::string& key, Bounds b = Bounds::positive()) const {
    return required_quantity(Kind::Frequency, key, b);
  }
  // Rotation speed in revolutions per second (SI, Hz): "15000rpm" -> 250.
  double rotation(const std::string& key, double def_rev_per_s,
                  Bounds b = Bounds::positive()) const {
    return quantity(Kind::Rotation, key, def_rev_per_s, b);
  }
  double required_rotation(const std::string& key, Bounds b = Bounds::positive()) const {
    return required_quantity(Kind::Rotation, key, b);
  }
  double cycles(const std::string& key, double def, Bounds b = Bounds::non_negative()) const {
    return quantity(Kind::Cycles, key, def, b);
  }
  double required_cycles(const std::string& key, Bounds b = Bounds::non_negative()) const {
    return required_quantity(Kind::Cycles, key, b);
  }
  // "50%" or 0.5 -> 0.5.
  double fraction(const std::string& key, double def, Bounds b = Bounds::unit_interval()) const {
    return quantity(Kind::Fraction, key, def, b);
  }
  double required_fraction(const std::string& key, Bounds b = Bounds::unit_interval()) const {
    return required_quantity(Kind::Fraction, key, b);
  }

  // --- plain values --------------------------------------------------------
  std::int64_t integer(const std::string& key, std::int64_t def,
                       std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  std::int64_t required_integer(const std::string& key,
                                std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  std::vector<std::int64_t> integers(const std::string& key, std::vector<std::int64_t> def,
                                     std::int64_t min, std::int64_t max) const;
  // A unitless real number (a ratio, an exponent).
  double real(const std::string& key, double def, Bounds b = Bounds::any()) const;
  double required_real(const std::string& key, Bounds b = Bounds::any()) const;
  bool boolean(const std::string& key, bool def) const;
  bool required_boolean(const std::string& key) const;
  std::string string(const std::string& key, const std::string& def) const;
  std::string required_string(const std::string& key) const;
  std::string choice(const std::string& key, const std::string& def,
                     const std::vector<std::string>& options) const;
  std::string required_choice(const std::string& key,
                              const std::vector<std::string>& options) const;
  // A choice enum (model/common/enum_names.hpp): its names are the options.
  template <class E> E choice(const std::string& key, E def) const {
    E out = def;
    enum_from_string(choice(key, to_string(def), enum_names<E>()), out);
    return out;
  }

  // --- keys from the key table ---------------------------------------------
  // The key's type, unit kind, default and bounds (or choices) come from its
  // entry in the key table (its path: this section's path + key, list indices
  // as "[]"); the loader only says which key goes where. T: bool, an integer
  // type (an integer key, or a size), a floating type (a quantity in SI units,
  // or a number), std::string (a string or a choice), a choice enum
  // (model/common/enum_names.hpp), or std::vector<std::int64_t> (a list of
  // integers). A key with no default in the table is required when read.
  // A key missing from the table, or of another type, is a programming error
  // (std::logic_error).
  template <class T> T get(const std::string& key) const { return get_as<T>(key, false); }
  // The same, but the key must be given whatever the table's default.
  template <class T> T need(const std::string& key) const { return get_as<T>(key, true); }
  // out = get<T>(key), T the type of `out`.
  template <class T> void read(const std::string& key, T& out) const { out = get_as<T>(key, false); }
  // The table entry of `key` in this section (std::logic_error if none).
  const KeySpec& spec(const std::string& key) const;

  // --- checking ----------------------------------------------------------------
  // Throws one ConfigError listing every key in this section and below that is
  // present but was never asked for.
  void finish() const;
  // For cross-field checks in loaders: an error located at `key` (or at this
  // section if the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const std::string& hint = "") const;
  // "file:line:col" where `key` is set, or "default" if absent.
  std::string origin(const std::string& key) const;
  // Every key read so far with a value (all sections of this tree).
  EffectiveConfig effective() const;

private:
  template <class T> T get_as(const std::string& key, bool required) const {
    if constexpr (std::is_same_v<T, bool>) {
      return get_bool(key, required);
    } else if constexpr (std::is_enum_v<T>) {
      T out{};
      enum_from_string(get_string(key, required), out);
      return out;
    } else if constexpr (std::is_same_v<T, std::string>) {
      return get_string(key, required);
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(get_integral(key, required));
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(get_double(key, required));
    } else {
      static_assert(std::is_same_v<T, std::vector<std::int64_t>>, "get<T>: unsupported type");
      return get_integers(key, required);
    }
  }
  bool get_bool(const std::string& key, bool required) const;
  std::string get_string(const std::string& key, bool required) const;
  std::int64_t get_integral(const std::string& key, bool required) const;  // an integer, or a size in bytes
  double get_double(const std::string& key, bool required) const;
  std::vector<std::int64_t> get_integers(const std::string& key, bool required) const;

  struct State;
  Reader(std::shared_ptr<State> st, const Node* node, std::string path, Mark mark);

  const Node* get(const std::string& key) const;  // records key; null if absent or null
  const Node& need(const std::string& key, const char* what) const;
  std::string child_path(const std::string& key) const;
  double parse_q(Kind k, const Node& n, Bounds b) const;
  std::int64_t parse_int(const Node& n, std::int64_t min, std::int64_t max) const;
  bool parse_bool(const Node& n) const;
  std::string parse_choice(const Node& n, const std::vector<std::string>& options) const;
  const Node& scalar(const Node& n, const char* what) const;
  // Records `key` (read with effective value `v`) for effective().
  void note(const std::string& key, const Node* n, const std::string& type, const std::string& unit,
            nlohmann::ordered_json v) const;

  std::shared_ptr<State> st_;
  const Node* node_;  // the section's map; null when the section is absent
  std::string path_;
  Mark mark_;
};

}  // namespace iosim::config
