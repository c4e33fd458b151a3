#pragma once
// Reader for DiskSim 4.0 parameter files (syntax: DiskSim reference manual,
// "The Parameter File"): `type [name] { key = value, ... }` blocks, values that
// are numbers, words, nested blocks, `[ lists ]`, or `source FILE` (parsed and
// substituted); `#` starts a comment. Parsed into a generic tree, then mapped
// onto DiskParams by load_disksim_drive(). Errors name file:line.
#include "model/disk/disk_params.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace iosim {

struct DsBlock;

struct DsValue {
  enum class Kind { Number, Word, Block, List } kind = Kind::Number;
  double num = 0;
  std::string word;
  std::shared_ptr<DsBlock> block;
  std::vector<DsValue> list;
  std::string where;  // "file:line"
};

struct DsBlock {
  std::string type, name;
  std::vector<std::pair<std::string, DsValue>> params;
  std::string where;

  const DsValue* find(const std::string& key) const;
  const DsValue& at(const std::string& key) const;  // throws naming file:line and the key
  double number(const std::string& key) const;
  double number_or(const std::string& key, double fallback) const;
  const DsBlock& block(const std::string& key) const;
};

// All top-level blocks of a file (with `source` files expanded in place).
std::vector<std::shared_ptr<DsBlock>> parse_disksim_file(const std::string& path);
std::vector<std::shared_ptr<DsBlock>> parse_disksim_text(const std::string& text, const std::string& file_name,
                                                         const std::string& dir = ".");

// A measured seek curve: "Seek distances measured: N" then N lines "d, ms".
std::vector<std::pair<uint32_t, double>> load_seek_table(const std::string& path);

// PREFIX.diskspecs (+ the model file it sources) + the seek file it names.
// Every key of the drive's blocks is either used, or on the reader's list of
// deliberately ignored keys with a reason (disksim_key_rules()); a key outside
// both, or an ignored key whose value asks for a behaviour the model lacks,
// adds a warning naming file:line and the key to *warnings (if given). A value
// the model cannot honour at all (seek type, sparing scheme) is an error.
DiskParams load_disksim_drive(const std::string& path_prefix, std::vector<std::string>* warnings = nullptr);

// The reader's key inventory, per block type ("disksim_disk", "dm_disk",
// "dm_mech_g1", "dm_layout_g1", "dm_layout_g1_zone", "disksim_ioqueue").
struct DsKeyRule {
  const char* block_type;
  const char* key;
  enum class Use { Used, Ignored, IgnoredIfZero } use;
  const char* reason;  // why ignored (for IgnoredIfZero: what a non-zero value would need)
};
const std::vector<DsKeyRule>& disksim_key_rules();

} // namespace iosim
