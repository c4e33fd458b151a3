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
DiskParams load_disksim_drive(const std::string& path_prefix);

} // namespace iosim
