#include "sim/config/node.hpp"

#include <yaml-cpp/yaml.h>
#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace iosim::config {
namespace fs = std::filesystem;

const char* Node::type_name() const {
  switch (type) {
    case Type::Null: return "null";
    case Type::Scalar: return "a scalar";
    case Type::List: return "a list";
    case Type::Map: return "a map";
  }
  return "?";
}

const Entry* Node::entry(const std::string& key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}
Entry* Node::entry(const std::string& key) {
  for (auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}
const Node* Node::find(const std::string& key) const {
  const Entry* e = entry(key);
  return e ? &e->value : nullptr;
}

void merge_into(Node& base, Node over) {
  if (!(base.is_map() && over.is_map())) {
    base = std::move(over);
    return;
  }
  for (auto& e : over.entries) {
    if (Entry* b = base.entry(e.key)) {
      b->key_mark = e.key_mark;
      merge_into(b->value, std::move(e.value));
    } else {
      base.entries.push_back(std::move(e));
    }
  }
  base.mark = over.mark;
}

void assign_paths(Node& n, const std::string& path) {
  n.path = path;
  for (auto& e : n.entries) assign_paths(e.value, path.empty() ? e.key : path + "." + e.key);
  for (size_t i = 0; i < n.items.size(); ++i)
    assign_paths(n.items[i], path + "[" + std::to_string(i) + "]");
}

namespace {

bool is_include_key(const std::string& k) {
  for (const char* i : kIncludeKeys)
    if (k == i) return true;
  return false;
}

std::shared_ptr<Source> make_source(const std::string& name, const std::string& text) {
  auto src = std::make_shared<Source>();
  src->name = name;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    src->lines.push_back(line);
  }
  return src;
}

// Limits that keep hostile input from crashing or exhausting the loader.
// The deepest shipped scenario nests 5 levels and has a few hundred values in
// a few kB, so each limit is far above any real scenario:
// - nesting depth: a self-referential alias (`&a [1, *a]`) is an infinitely
//   deep graph in yaml-cpp; converting it would recurse until the stack
//   overflows. 64 levels also bounds recursion for honest deep nesting.
constexpr int kMaxDepth = 64;
// - values: aliases share nodes, so a few lines of nested aliases ("billion
//   laughs") expand to 10^11 values when copied into the tree.
constexpr size_t kMaxValues = 100000;
// - file size: an include of /dev/zero or a huge file would be read whole.
constexpr std::uintmax_t kMaxFileBytes = 1u << 20;

// Converts yaml-cpp nodes into Nodes, resolving includes as it goes.
class Loader {
public:
  std::vector<std::string> files;

  Node load_file(const std::string& path, const Mark& from, const std::string& from_path) {
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(path, ec);
    const std::string id = ec ? path : canon.string();
    for (size_t i = 0; i < stack_.size(); ++i)
      if (stack_[i] == id) {
        std::string chain;
        for (size_t j = i; j < stack_.size(); ++j) chain += stack_names_[j] + " -> ";
        throw ConfigError(from, from_path, "circular include: " + chain + path,
                          "remove one of the includes in this cycle");
      }
    if (fs::is_directory(path, ec))
      throw ConfigError(from, from_path, "cannot read '" + path + "': is a directory");
    // Only regular files: reading a FIFO blocks forever, /dev/zero never ends.
    const fs::file_status st = fs::status(path, ec);
    if (!ec && fs::exists(st) && !fs::is_regular_file(st))
      throw ConfigError(from, from_path, "cannot read '" + path + "': not a regular file",
                        "a scenario and its includes must be regular files (not a FIFO or a device)");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      throw ConfigError(from, from_path,
                        "cannot read '" + path + "': " + std::strerror(err ? err : ENOENT));
    }
    // Read at most one byte more than the limit (the file may grow after the check).
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(size_t(in.gcount()));
    if (text.size() > kMaxFileBytes)
      throw ConfigError(from, from_path,
                        "cannot read '" + path + "': larger than " + std::to_string(kMaxFileBytes >> 20) +
                            " MiB (a scenario is a few kB)");
    files.push_back(fs::path(path).lexically_normal().string());
    stack_.push_back(id);
    stack_names_.push_back(path);
    Node n = load_text(text, path, fs::path(path).parent_path().string(), true);
    stack_.pop_back();
    stack_names_.pop_back();
    return n;
  }

  // `is_file`: an empty file is an error (it would silently run on defaults).
  Node load_text(const std::string& text, const std::string& name, const std::string& dir,
                 bool is_file = false) {
    auto src = make_source(name, text);
    check_layout(*src, src);
    const YAML::Node y = parse(text, src, 0, 0);
    Ctx ctx{src, dir.empty() ? "." : dir, 0, 0};
    Mark top{src, 1, 1};
    Node n = convert(y, ctx, top);
    if (n.is_null() && is_file)
      throw ConfigError(top, "", "the file is empty (no keys)",
                        "an empty scenario would run on program defaults; write the keys it sets");
    if (n.is_null()) {
      n.type = Node::Type::Map;
      n.mark = top;
    }
    if (!n.is_map())
      throw ConfigError(n.mark, "", "a configuration file must be a map of keys, not " +
                                        std::string(n.type_name()));
    return n;
  }

  // A --set value: YAML text starting at column `col0` (0-based) of line `line`.
  Node load_value(const std::string& text, const std::shared_ptr<const Source>& src, int line,
                  int col0) {
    const YAML::Node y = parse(text, src, line - 1, col0);
    Ctx ctx{src, ".", line - 1, col0};
    return convert(y, ctx, Mark{src, line, col0 + 1});
  }

private:
  struct Ctx {
    std::shared_ptr<const Source> src;
    std::string dir;  // for relative includes
    int line_off, col_off;
  };

  std::vector<std::string> stack_, stack_names_;
  int depth_ = 0;        // current nesting while converting
  size_t values_ = 0;    // values converted so far (all files)

  // Content yaml-cpp would silently drop: YAML::Load reads one document and
  // ignores whatever follows a second `---` or a `...`; a first line indented
  // deeper than the lines after it ends the document early. Document markers
  // are only recognised at column 1 (YAML 1.2, 9.1), so a line scan finds them.
  static void check_layout(const Source& s, const std::shared_ptr<const Source>& src) {
    bool content = false, ended = false;
    for (size_t i = 0; i < s.lines.size(); ++i) {
      const std::string& l = s.lines[i];
      const int line = int(i) + 1;
      const size_t first = l.find_first_not_of(" \t");
      if (first == std::string::npos || l[first] == '#') continue;
      auto marker = [&](const char* m) {
        return l.compare(0, 3, m) == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
      };
      if (marker("---")) {
        if (content || ended)
          throw ConfigError(Mark{src, line, 1}, "", "a second YAML document ('---'): only one is read",
                            "a scenario is one document; merge the keys, or use include:");
        // `--- key: v` starts the content on the marker line.
        if (l.find_first_not_of(" \t", 3) != std::string::npos && l[l.find_first_not_of(" \t", 3)] != '#')
          content = true;
        continue;
      }
      if (marker("...")) { ended = true; continue; }
      if (ended)
        throw ConfigError(Mark{src, line, int(first) + 1}, "",
                          "content after the end of the document ('...') would be ignored",
                          "remove the '...' line");
      if (l[0] == '%') continue;  // a directive (%YAML 1.2) before the document
      if (!content && first > 0 && l[first] != '{' && l[first] != '[')
        throw ConfigError(Mark{src, line, int(first) + 1}, "",
                          "the first key is indented: keys after it would be ignored",
                          "start the top-level keys in column 1");
      content = true;
    }
  }

  // What yaml-cpp 0.7 gets wrong, checked before it sees the text:
  // - YAML allows only printable characters (YAML 1.2, 5.1: tab, LF, CR and
  //   no other C0 control, no DEL) in valid UTF-8; yaml-cpp passes both
  //   through, so an invisible control byte made a key look right but not
  //   match, and a 0xFF byte in a name failed later in the JSON writer;
  // - a document whose first token is ',' makes YAML::LoadAll loop for ever,
  //   adding empty documents (found by the loader's fuzz target).
  static void check_text(const std::string& text, const std::shared_ptr<const Source>& src,
                         int line_off, int col_off) {
    int line = 0, col = 0;  // 0-based, within `text`
    bool seen_value = false, in_comment = false;
    const auto at = [&] { return Mark{src, line + 1 + line_off, col + 1 + (line == 0 ? col_off : 0)}; };
    for (size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      size_t len = 1;
      if (c < 0x20 ? (c != '\t' && c != '\n' && c != '\r') : c == 0x7f)
        throw ConfigError(at(), "", fmt::format("a control character (byte 0x{:02x}) in the text", c),
                          "YAML text is printable characters only: retype the line");
      if (c >= 0x80) {  // UTF-8: a lead byte and its continuation bytes, shortest form
        len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        bool ok = len != 0 && i + len <= text.size();
        for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        if (ok && len == 3) {
          const auto c1 = static_cast<unsigned char>(text[i + 1]);
          ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogate
        }
        if (ok && len == 4) {
          const auto c1 = static_cast<unsigned char>(text[i + 1]);
          ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);  // overlong, > U+10FFFF
        }
        if (!ok)
          throw ConfigError(at(), "", fmt::format("not UTF-8 (byte 0x{:02x})", c),
                            "save the file as UTF-8 text");
      }
      if (c == '\n') {
        ++line, col = 0, in_comment = false;
      } else {
        if (!seen_value && !in_comment) {
          const bool line_start = col == 0;
          if (c == '#' || (line_start && c == '%')) {
            in_comment = true;  // a comment or a directive line
          } else if (line_start && text.compare(i, 3, "---") == 0 &&
                     (i + 3 == text.size() || text[i + 3] == ' ' || text[i + 3] == '\t' ||
                      text[i + 3] == '\n' || text[i + 3] == '\r')) {
            i += 3, col += 3;
            continue;
          } else if (c == ',') {
            throw ConfigError(at(), "", "YAML syntax error: ',' before any value",
                              "a ',' separates items inside [ ] or { }");
          } else if (c != ' ' && c != '\t' && c != '\r') {
            seen_value = true;
          }
        }
        ++col;
      }
      i += len;
    }
  }

  static YAML::Node parse(const std::string& text, const std::shared_ptr<const Source>& src,
                          int line_off, int col_off) {
    check_text(text, src, line_off, col_off);
    try {
      // LoadAll, not Load: a second document must be seen to be rejected.
      std::vector<YAML::Node> docs = YAML::LoadAll(text);
      if (docs.size() > 1) {
        const YAML::Mark ym = docs[1].Mark();
        const Mark m = ym.is_null() || ym.line < 0 ? Mark{src, line_off + 1, col_off + 1}
                                                   : Mark{src, ym.line + 1 + line_off, ym.column + 1};
        throw ConfigError(m, "", "a second YAML document: only one is read",
                          "a scenario (or a --set value) is one document");
      }
      return docs.empty() ? YAML::Node() : docs[0];
    } catch (const YAML::Exception& e) {
      Mark m{src, 0, 0};
      if (!e.mark.is_null()) m = Mark{src, e.mark.line + 1 + line_off,
                                      e.mark.column + 1 + (e.mark.line == 0 ? col_off : 0)};
      throw ConfigError(m, "", "YAML syntax error: " + e.msg);
    }
  }

  static Mark to_mark(const YAML::Mark& ym, const Ctx& ctx, const Mark& fallback) {
    if (ym.is_null() || ym.line < 0) return fallback;
    return Mark{ctx.src, ym.line + 1 + ctx.line_off,
                ym.column + 1 + (ym.line == 0 ? ctx.col_off : 0)};
  }

  // Counts nesting depth around convert_node (exception-safe).
  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& x) : d(++x) {}
    ~DepthGuard() { --d; }
  };

  Node convert(const YAML::Node& y, const Ctx& ctx, const Mark& fallback) {
    const DepthGuard guard(depth_);
    const Mark here = to_mark(y.Mark(), ctx, fallback);
    if (depth_ > kMaxDepth)
      throw ConfigError(here, "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels",
                        "an alias that refers to itself (&a [1, *a]) nests without end");
    if (++values_ > kMaxValues)
      throw ConfigError(here, "", "more than " + std::to_string(kMaxValues) + " values",
                        "aliases (*name) that repeat other aliases multiply the values; a scenario "
                        "has a few hundred");
    return convert_node(y, ctx, here);
  }

  Node convert_node(const YAML::Node& y, const Ctx& ctx, const Mark& here) {
    Node n;
    n.mark = here;
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.type = Node::Type::Null;
        return n;
      case YAML::NodeType::Scalar:
        n.type = Node::Type::Scalar;
        n.scalar = y.Scalar();
        n.quoted = y.Tag() == "!";
        return n;
      case YAML::NodeType::Sequence:
        n.type = Node::Type::List;
        for (const auto& item : y) n.items.push_back(convert(item, ctx, n.mark));
        return n;
      case YAML::NodeType::Map:
        break;
    }
    n.type = Node::Type::Map;
    std::vector<std::pair<std::string, Mark>> includes;
    for (const auto& kv : y) {
      const Mark km = to_mark(kv.first.Mark(), ctx, n.mark);
      if (!kv.first.IsScalar())
        throw ConfigError(km, "", "a key must be a plain name, not " +
                                      std::string(kv.first.IsSequence() ? "a list" : "a map"));
      const std::string key = kv.first.Scalar();
      if (key.empty() || key.find_first_of(".[]=") != std::string::npos)
        throw ConfigError(km, "", "invalid key '" + key + "'",
                          "keys must be non-empty and must not contain '.', '[', ']' or '='"
                          " (they separate --set key paths)");
      for (const auto& e : n.entries)
        if (e.key == key)
          throw ConfigError(km, "", "duplicate key '" + key + "'",
                            "first given at " + e.key_mark.str());
      if (is_include_key(key)) {
        collect_includes(kv.second, ctx, km, includes);
        continue;
      }
      n.entries.push_back(Entry{key, km, convert(kv.second, ctx, km)});
    }
    if (includes.empty()) return n;
    // Included files first, in order, then this map's own keys on top.
    Node base;
    base.type = Node::Type::Map;
    for (const auto& [file, m] : includes) {
      const fs::path p = fs::path(file).is_absolute() ? fs::path(file) : fs::path(ctx.dir) / file;
      merge_into(base, load_file(p.lexically_normal().string(), m, ""));
    }
    merge_into(base, std::move(n));
    return base;
  }

  static void collect_includes(const YAML::Node& v, const Ctx& ctx, const Mark& km,
                               std::vector<std::pair<std::string, Mark>>& out) {
    auto one = [&](const YAML::Node& s) {
      const Mark m = to_mark(s.Mark(), ctx, km);
      if (!s.IsScalar() || s.Scalar().empty())
        throw ConfigError(m, "include", "expected a file name or a list of file names");
      out.emplace_back(s.Scalar(), m);
    };
    if (v.IsSequence())
      for (const auto& s : v) one(s);
    else
      one(v);
  }
};

struct Step {
  bool is_index = false;
  std::string key;
  size_t index = 0;
  int col = 0;  // 1-based column in the argument
};

std::vector<Step> parse_set_path(const std::string& arg, size_t eq, const Mark& at) {
  auto fail = [&](size_t pos, const std::string& msg) {
    Mark m = at;
    m.col = static_cast<int>(pos) + 1;
    throw ConfigError(m, "", msg, "syntax: --set key.path=value, e.g. --set platform.disk.rpm=10000rpm");
  };
  std::vector<Step> steps;
  size_t i = 0;
  while (true) {
    const size_t b = i;
    while (i < eq && arg[i] != '.' && arg[i] != '[') ++i;
    if (i == b) fail(b, "empty key name in --set path");
    const std::string key = arg.substr(b, i - b);
    if (key.find_first_of(" \t]") != std::string::npos) fail(b, "invalid key '" + key + "'");
    if (is_include_key(key)) fail(b, "'" + key + "' cannot be set with --set");
    steps.push_back({false, key, 0, static_cast<int>(b) + 1});
    while (i < eq && arg[i] == '[') {
      const size_t d = ++i;
      while (i < eq && std::isdigit(static_cast<unsigned char>(arg[i]))) ++i;
      if (i == d || i >= eq || arg[i] != ']') fail(d, "expected a list index like [0]");
      size_t index = 0;
      const auto r = std::from_chars(arg.data() + d, arg.data() + i, index);
      if (r.ec != std::errc()) fail(d, "list index " + arg.substr(d, i - d) + " is out of range");
      steps.push_back({true, "", index, static_cast<int>(d)});
      ++i;
    }
    if (i == eq) break;
    if (arg[i] != '.') fail(i, "expected '.' or '=' in --set path");
    ++i;
  }
  return steps;
}

}  // namespace

void apply_set(Node& root, const std::string& arg, int ordinal,
               const std::shared_ptr<const Source>& src) {
  const Mark at{src, ordinal, 1};
  const size_t eq = arg.find('=');
  if (eq == std::string::npos)
    throw ConfigError(at, "", "--set needs key.path=value, got '" + arg + "'",
                      "e.g. --set platform.disk.rpm=10000rpm or --set 'platform.host={cpus: 1}'");
  const auto steps = parse_set_path(arg, eq, at);
  Node* cur = &root;
  std::string path;
  for (const auto& s : steps) {
    const Mark m{src, ordinal, s.col};
    if (s.is_index) {
      if (!cur->is_list())
        throw ConfigError(m, path, "cannot index [" + std::to_string(s.index) + "]: value is " +
                                       cur->type_name() + " (from " + cur->mark.str() + ")");
      if (s.index >= cur->items.size())
        throw ConfigError(m, path, "index [" + std::to_string(s.index) +
                                       "] out of range: the list has " +
                                       std::to_string(cur->items.size()) + " items");
      path += "[" + std::to_string(s.index) + "]";
      cur = &cur->items[s.index];
      continue;
    }
    if (cur->is_null()) {
      cur->type = Node::Type::Map;
      cur->mark = m;
    }
    if (!cur->is_map())
      throw ConfigError(m, path, "cannot set key '" + s.key + "' inside " + cur->type_name() +
                                     " (from " + cur->mark.str() + ")");
    Entry* e = cur->entry(s.key);
    if (!e) {
      Node fresh;
      fresh.mark = m;
      cur->entries.push_back(Entry{s.key, m, std::move(fresh)});
      e = &cur->entries.back();
    }
    e->key_mark = m;
    path += (path.empty() ? "" : ".") + s.key;
    cur = &e->value;
  }
  Loader loader;
  merge_into(*cur, loader.load_value(arg.substr(eq + 1), src, ordinal, static_cast<int>(eq) + 1));
}

static void apply_sets(ConfigTree& t, const std::vector<std::string>& sets) {
  auto src = std::make_shared<Source>();
  src->name = "--set";
  src->lines = sets;
  for (size_t i = 0; i < sets.size(); ++i)
    apply_set(t.root, sets[i], static_cast<int>(i) + 1, src);
  assign_paths(t.root);
}

ConfigTree load_config(const std::string& path, const std::vector<std::string>& sets) {
  Loader loader;
  ConfigTree t;
  auto src = std::make_shared<Source>();
  src->name = path;
  t.root = loader.load_file(path, Mark{src, 0, 0}, "");
  t.files = loader.files;
  apply_sets(t, sets);
  return t;
}

ConfigTree load_config_string(const std::string& text, const std::string& name,
                              const std::vector<std::string>& sets, const std::string& dir) {
  Loader loader;
  ConfigTree t;
  t.root = loader.load_text(text, name, dir);
  t.files = loader.files;
  apply_sets(t, sets);
  return t;
}

static void emit(YAML::Emitter& out, const Node& n, bool origins) {
  switch (n.type) {
    case Node::Type::Null: out << YAML::Null; break;
    case Node::Type::Scalar:
      if (n.quoted) out << YAML::DoubleQuoted;
      out << n.scalar;
      break;
    case Node::Type::List:
      out << YAML::BeginSeq;
      for (const auto& i : n.items) {
        emit(out, i, origins);
        if (origins && i.is_scalar()) out << YAML::Comment(i.mark.str());
      }
      out << YAML::EndSeq;
      break;
    case Node::Type::Map:
      out << YAML::BeginMap;
      for (const auto& e : n.entries) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value, origins);
        if (origins && !e.value.is_map() && !e.value.is_list())
          out << YAML::Comment(e.value.mark.str());
      }
      out << YAML::EndMap;
      break;
  }
}

std::string dump_yaml(const Node& n, bool origins) {
  YAML::Emitter out;
  emit(out, n, origins);
  return std::string(out.c_str()) + "\n";
}

}  // namespace iosim::config
