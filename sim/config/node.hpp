#pragma once
// The scenario as a tree that remembers where every value came from.
// yaml-cpp's Mark has no file name and merging YAML::Nodes loses positions, so
// files are converted into this tree on load; includes, merges and --set
// overrides operate on it, and every error can name file:line:col.
#include <string>
#include <vector>

#include "sim/config/error.hpp"

namespace iosim::config {

struct Entry;

class Node {
public:
  enum class Type { Null, Scalar, List, Map };

  Type type = Type::Null;
  std::string scalar;          // Scalar: the text as written
  bool quoted = false;         // Scalar: written in quotes (always a string)
  std::vector<Node> items;     // List
  std::vector<Entry> entries;  // Map, in file order; keys unique
  Mark mark;                   // where the value starts
  std::string path;            // "disk.rpm", "workload.block[1]"; "" for the root

  bool is_null() const { return type == Type::Null; }
  bool is_scalar() const { return type == Type::Scalar; }
  bool is_list() const { return type == Type::List; }
  bool is_map() const { return type == Type::Map; }
  const char* type_name() const;  // "a scalar", "a list", "a map", "null"

  // Map lookup; nullptr if absent (or not a map).
  const Entry* entry(const std::string& key) const;
  Entry* entry(const std::string& key);
  const Node* find(const std::string& key) const;
};

struct Entry {
  std::string key;
  Mark key_mark;  // where the key is written (errors about the key point here)
  Node value;
};

// The merged scenario: the root map and every file read, in load order.
struct ConfigTree {
  Node root;
  std::vector<std::string> files;
};

// Keys that pull other files into the map they appear in (at any level):
//   include: base.yaml      or      include: [platform.yaml, disks.yaml]
// `extends` is a synonym. Paths are relative to the including file.
inline constexpr const char* kIncludeKeys[] = {"include", "extends"};

// Loads `path` with its includes, then applies `--set key.path=value`
// overrides in order. Throws ConfigError on any problem.
ConfigTree load_config(const std::string& path,
                       const std::vector<std::string>& set_overrides = {});

// Same, from text (tests, embedded defaults); includes resolve against `dir`.
ConfigTree load_config_string(const std::string& text, const std::string& name = "<string>",
                              const std::vector<std::string>& set_overrides = {},
                              const std::string& dir = ".");

// Deep merge: maps merge key by key (recursively), everything else in
// `over` (scalars, lists, null) replaces what was in `base`.
void merge_into(Node& base, Node over);

// Applies one "--set a.b[2].c=value" (value parsed as YAML). `ordinal` is the
// 1-based index of this --set among all of them; it is the reported line.
void apply_set(Node& root, const std::string& arg, int ordinal,
               const std::shared_ptr<const Source>& src);

// Recomputes Node::path for the whole tree.
void assign_paths(Node& n, const std::string& path = "");

// The tree back as YAML; with `origins`, each scalar carries a comment naming
// the file:line it came from (for "why does this key have this value?").
std::string dump_yaml(const Node& n, bool origins = false);

}  // namespace iosim::config
