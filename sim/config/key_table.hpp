#pragma once
// A declarative key table: one entry per configuration key, holding every fact
// about it once — path, type, unit kind, default, accepted range or choices,
// description and source. The scenario's table is sim/keys.cpp; it drives
//   - validation: Reader::get<T>(key) takes the key's type, default and bounds
//     from the table (reader.hpp), so a loader states only which key goes where;
//   - `iosim keys [PREFIX]` (text, --json, --markdown, --schema);
//   - the key reference in scenarios/README.md (update_doc) and the JSON
//     Schema for editors (scenarios/iosim.schema.json).
// Paths are dot-separated from the top of the file; an item of a list of maps
// is written "[]": "faults[].kind".
#include "sim/config/reader.hpp"
#include "sim/config/units.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace iosim::config {

enum class KeyType { Quantity, Integer, Number, Boolean, String, Choice };

struct KeySpec {
  std::string path;               // "platform.disk.rpm", "faults[].kind"
  std::string section;            // the reference's section it is listed under ("platform.disk"; "" = top level)
  KeyType type = KeyType::String;
  Kind kind = Kind::Time;         // Quantity: its unit kind
  bool list = false;              // a list of values (a single value is a list of one)
  bool required = false;          // no default: must be given (where the loader reads it)
  nlohmann::ordered_json def;     // the default in SI units; null: none
  std::string def_text;           // shown instead of `def` when the default is computed at load time
  Bounds bounds = Bounds::any();  // Quantity, Number
  std::int64_t min = std::numeric_limits<std::int64_t>::min();  // Integer
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::vector<std::string> choices;  // Choice
  std::string constraint;         // conditions the loader checks against other keys ("multiple of 512 B")
  std::string description;
  std::string source;             // where the default comes from ("estimate", "fitted", a manual, ...)

  // Modifiers for the table's entries.
  KeySpec&& as_required() && { required = true; return std::move(*this); }
  KeySpec&& as_list() && { list = true; return std::move(*this); }
  KeySpec&& with_constraint(std::string c) && { constraint = std::move(c); return std::move(*this); }
  KeySpec&& with_default_text(std::string t) && { def_text = std::move(t); return std::move(*this); }
  KeySpec&& without_default() && { def = nullptr; return std::move(*this); }

  std::string type_name() const;     // "time", "size", "integer", "choice", "list of integer", ...
  std::string unit() const;          // the SI unit of values and default ("s", "B"); "" for plain values
  std::string setting_type() const;  // the type the Reader records in a Setting for this key
  std::string default_text() const;  // "100 ms", "required", "none"
  std::string range_text(bool markdown = false) const;  // "> 0", "1..64", "`fifo` `sstf`"
};

// "faults[3].kind" -> "faults[].kind".
std::string normalize_key_path(const std::string& path);
// A value of kind `k` (SI) in a readable unit, parsable again: "100 ms", "8 MiB", "1.26 GHz".
std::string format_value(Kind k, double si);

class KeyTable {
public:
  explicit KeyTable(std::vector<KeySpec> keys);
  // The entry of a key path (list indices allowed: "faults[0].at"); null if none.
  const KeySpec* find(const std::string& path) const;
  const std::vector<KeySpec>& keys() const { return keys_; }
  // The sections in table order.
  std::vector<std::string> sections() const;
  // The entries under `prefix` (a key, a section, or "" for all), in table
  // order; an empty result means the prefix names nothing.
  std::vector<const KeySpec*> under(const std::string& prefix) const;
  // The nearest key or section path to a prefix that named nothing ("" if none is close).
  std::string nearest_prefix(const std::string& prefix) const;

private:
  std::vector<KeySpec> keys_;
};

// --- renderings (iosim keys) --------------------------------------------------
// A terminal table: key, type, unit, default, range, description.
std::string keys_text(const std::vector<const KeySpec*>& keys);
nlohmann::ordered_json keys_json(const std::vector<const KeySpec*>& keys);
// One Markdown table per section of `keys`, each between `<!-- keys SECTION -->`
// and `<!-- /keys -->` markers (the form update_doc() keeps in a document);
// keys are written relative to their section.
std::string keys_markdown(const KeyTable& t, const std::vector<const KeySpec*>& keys);
// The Markdown table of one section (no markers); with `only`, of those of its keys.
std::string section_markdown(const KeyTable& t, const std::string& section,
                             const std::vector<const KeySpec*>* only = nullptr);
// A JSON Schema (draft 2020-12) of a scenario file: nested maps with no other
// keys, quantities as strings with a unit pattern, choices as enums.
nlohmann::ordered_json keys_schema(const KeyTable& t, const std::string& title);
// `text` with every block between `<!-- keys SECTION -->` and `<!-- /keys -->`
// replaced by that section's Markdown table. Throws std::runtime_error naming
// an unknown section.
std::string update_doc(const KeyTable& t, const std::string& text);

}  // namespace iosim::config
