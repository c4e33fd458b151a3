#include "model/disk/disksim_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace iosim {
namespace {

std::string dir_of(const std::string& path) {
  const size_t s = path.find_last_of('/');
  return s == std::string::npos ? "." : path.substr(0, s);
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool word_char(char c) {
  return !std::isspace(static_cast<unsigned char>(c)) && c != ',' && c != '{' && c != '}' && c != '[' &&
         c != ']' && c != '=' && c != '#';
}

class Parser {
public:
  Parser(const std::string& text, std::string file, std::string dir)
      : t_(text), file_(std::move(file)), dir_(std::move(dir)) {}

  std::vector<std::shared_ptr<DsBlock>> top() {
    std::vector<std::shared_ptr<DsBlock>> out;
    for (;;) {
      skip();
      if (eof()) break;
      const std::string w = word("a block type or 'source'");
      if (w == "source") {
        auto sub = parse_disksim_file(dir_ + "/" + word("a file name"));
        out.insert(out.end(), sub.begin(), sub.end());
        continue;
      }
      skip();
      std::string name;
      if (peek() != '{') name = word("a block name or '{'");
      out.push_back(block(w, name));
    }
    return out;
  }

private:
  bool eof() const { return i_ >= t_.size(); }
  char peek() const { return eof() ? '\0' : t_[i_]; }
  void get() {
    if (t_[i_] == '\n') ++line_;
    ++i_;
  }
  std::string where() const { return file_ + ":" + std::to_string(line_); }
  [[noreturn]] void fail(const std::string& msg) const { throw std::runtime_error(where() + ": " + msg); }

  void skip() {
    while (!eof()) {
      if (std::isspace(static_cast<unsigned char>(peek()))) get();
      else if (peek() == '#') { while (!eof() && peek() != '\n') get(); }
      else break;
    }
  }
  void expect(char c) {
    skip();
    if (peek() != c) fail(std::string("expected '") + c + "'" + (eof() ? " before end of file" : ""));
    get();
  }
  std::string word(const char* what) {
    skip();
    std::string w;
    while (!eof() && word_char(peek())) { w += peek(); get(); }
    if (w.empty()) fail(std::string("expected ") + what);
    return w;
  }

  std::shared_ptr<DsBlock> block(const std::string& type, const std::string& name) {
    auto b = std::make_shared<DsBlock>();
    b->type = type;
    b->name = name;
    b->where = where();
    expect('{');
    for (;;) {
      skip();
      if (peek() == '}') { get(); break; }
      if (eof()) fail("block '" + type + "' not closed");
      // Keys are free text up to '=' ("Read hit over. after read").
      std::string key;
      while (!eof() && peek() != '=' && peek() != '\n') {
        if (peek() == '{' || peek() == '}' || peek() == ',' || peek() == '[') fail("expected 'key = value'");
        key += peek();
        get();
      }
      if (peek() != '=') fail("expected '=' after '" + key + "'");
      get();
      // Collapse blanks.
      std::string k;
      for (char c : key) {
        if (std::isspace(static_cast<unsigned char>(c))) { if (!k.empty() && k.back() != ' ') k += ' '; }
        else k += c;
      }
      while (!k.empty() && k.back() == ' ') k.pop_back();
      b->params.emplace_back(k, value());
      skip();
      if (peek() == ',') get();
      else if (peek() != '}') fail("expected ',' or '}' after the value of '" + k + "'");
    }
    return b;
  }

  DsValue value() {
    skip();
    DsValue v;
    v.where = where();
    const char c = peek();
    if (c == '[') {
      get();
      v.kind = DsValue::Kind::List;
      for (;;) {
        skip();
        if (peek() == ']') { get(); break; }
        if (eof()) fail("list not closed");
        v.list.push_back(value());
        skip();
        if (peek() == ',') get();
        else if (peek() != ']') fail("expected ',' or ']' in list");
      }
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      const std::string w = word("a number");
      char* end = nullptr;
      v.num = std::strtod(w.c_str(), &end);
      if (end != w.c_str() + w.size()) fail("bad number '" + w + "'");
      v.kind = DsValue::Kind::Number;
      return v;
    }
    const std::string w = word("a value");
    if (w == "source") {
      const std::string path = dir_ + "/" + word("a file name");
      auto blocks = parse_disksim_file(path);
      if (blocks.size() != 1) fail("'source " + path + "' must hold exactly one block");
      v.kind = DsValue::Kind::Block;
      v.block = blocks.front();
      return v;
    }
    skip();
    if (peek() == '{') {
      v.kind = DsValue::Kind::Block;
      v.block = block(w, "");
      return v;
    }
    // `type name {` ?
    const size_t save_i = i_;
    const int save_line = line_;
    if (word_char(peek())) {
      const std::string name = word("a name");
      skip();
      if (peek() == '{') {
        v.kind = DsValue::Kind::Block;
        v.block = block(w, name);
        return v;
      }
      i_ = save_i;
      line_ = save_line;
    }
    v.kind = DsValue::Kind::Word;
    v.word = w;
    return v;
  }

  const std::string& t_;
  std::string file_, dir_;
  size_t i_ = 0;
  int line_ = 1;
};

double ms(double v) { return v * 1e-3; }

}  // namespace

const DsValue* DsBlock::find(const std::string& key) const {
  for (const auto& kv : params)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

const DsValue& DsBlock::at(const std::string& key) const {
  const DsValue* v = find(key);
  if (!v) throw std::runtime_error(where + ": " + type + " block has no '" + key + "'");
  return *v;
}

double DsBlock::number(const std::string& key) const {
  const DsValue& v = at(key);
  if (v.kind != DsValue::Kind::Number) throw std::runtime_error(v.where + ": '" + key + "' must be a number");
  return v.num;
}

double DsBlock::number_or(const std::string& key, double fallback) const {
  return find(key) ? number(key) : fallback;
}

const DsBlock& DsBlock::block(const std::string& key) const {
  const DsValue& v = at(key);
  if (v.kind != DsValue::Kind::Block) throw std::runtime_error(v.where + ": '" + key + "' must be a block");
  return *v.block;
}

std::vector<std::shared_ptr<DsBlock>> parse_disksim_text(const std::string& text, const std::string& file,
                                                         const std::string& dir) {
  return Parser(text, file, dir).top();
}

std::vector<std::shared_ptr<DsBlock>> parse_disksim_file(const std::string& path) {
  const std::string text = read_all(path);
  return parse_disksim_text(text, path, dir_of(path));
}

std::vector<std::pair<uint32_t, double>> load_seek_table(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::string line;
  std::getline(f, line);
  const size_t colon = line.find(':');
  if (line.rfind("Seek distances measured", 0) != 0 || colon == std::string::npos)
    throw std::runtime_error(path + ":1: expected 'Seek distances measured: N'");
  const long count = std::strtol(line.c_str() + colon + 1, nullptr, 10);
  std::vector<std::pair<uint32_t, double>> t;
  int ln = 1;
  while (std::getline(f, line)) {
    ++ln;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    unsigned d = 0;
    double v = 0;
    if (std::sscanf(line.c_str(), " %u , %lf", &d, &v) != 2)
      throw std::runtime_error(path + ":" + std::to_string(ln) + ": expected 'distance, ms'");
    if (!t.empty() && d <= t.back().first)
      throw std::runtime_error(path + ":" + std::to_string(ln) + ": distances must increase");
    t.emplace_back(d, ms(v));
  }
  if (long(t.size()) != count)
    throw std::runtime_error(path + ": header says " + std::to_string(count) + " points, found " +
                             std::to_string(t.size()));
  return t;
}

const std::vector<DsKeyRule>& disksim_key_rules() {
  using U = DsKeyRule::Use;
  static const std::vector<DsKeyRule> rules = {
      // disksim_disk (the .diskspecs block). Meanings: DiskSim 4.0 manual, "Disks".
      {"disksim_disk", "Model", U::Used, ""},
      {"disksim_disk", "Bulk sector transfer time", U::Used, ""},
      {"disksim_disk", "Time scale for overheads", U::Used, ""},
      {"disksim_disk", "Max queue length", U::Used, ""},
      {"disksim_disk", "Scheduler", U::Used, ""},
      {"disksim_disk", "Number of buffer segments", U::Used, ""},
      {"disksim_disk", "Maximum number of write segments", U::Used, ""},
      {"disksim_disk", "Segment size (in blks)", U::Used, ""},
      {"disksim_disk", "Use separate write segment", U::Used, ""},
      {"disksim_disk", "Enable caching in buffer", U::Used, ""},
      {"disksim_disk", "Buffer continuous read", U::Used, ""},
      {"disksim_disk", "Maximum read-ahead (blks)", U::Used, ""},
      {"disksim_disk", "Read-ahead over requested", U::Used, ""},
      {"disksim_disk", "Read any free blocks", U::Used, ""},
      {"disksim_disk", "Allow read hits on write data", U::Used, ""},
      {"disksim_disk", "Fast write level", U::Used, ""},
      {"disksim_disk", "Immediate buffer read", U::Used, ""},
      {"disksim_disk", "Immediate buffer write", U::Used, ""},
      {"disksim_disk", "Read hit over. after read", U::Used, ""},
      {"disksim_disk", "Read hit over. after write", U::Used, ""},
      {"disksim_disk", "Read miss over. after read", U::Used, ""},
      {"disksim_disk", "Read miss over. after write", U::Used, ""},
      {"disksim_disk", "Write hit over. after read", U::Used, ""},
      {"disksim_disk", "Write hit over. after write", U::Used, ""},
      {"disksim_disk", "Write miss over. after read", U::Used, ""},
      {"disksim_disk", "Write miss over. after write", U::Used, ""},
      {"disksim_disk", "Print stats", U::Ignored, "DiskSim's output switch, no effect on timing"},
      {"disksim_disk", "Avg sectors per cylinder", U::Ignored, "a scheduling estimate; the layout gives exact figures"},
      {"disksim_disk", "Hold bus entire read xfer", U::Ignored, "connection policy belongs to the bus model (data phases reconnect per burst)"},
      {"disksim_disk", "Hold bus entire write xfer", U::Ignored, "connection policy belongs to the bus model"},
      {"disksim_disk", "Never disconnect", U::Ignored, "connection policy belongs to the bus model"},
      {"disksim_disk", "Disconnect write if seek", U::Ignored, "connection policy belongs to the bus model"},
      {"disksim_disk", "Low (write) water mark", U::Ignored, "reconnection is timed so the data phase never stalls (sector by sector), not by a fill level"},
      {"disksim_disk", "High (read) water mark", U::Ignored, "as the low water mark"},
      {"disksim_disk", "Set watermark by reqsize", U::Ignored, "as the low water mark"},
      {"disksim_disk", "Calc sector by sector", U::Ignored, "always on: reconnection is computed block by block"},
      {"disksim_disk", "Combine seq writes", U::Ignored, "always on: a write continuing a dirty segment joins it"},
      {"disksim_disk", "Write hit stop prefetch", U::Ignored, "always on: a write stops read-ahead"},
      {"disksim_disk", "Read directly to buffer", U::Ignored, "always on: media reads go through a buffer segment"},
      {"disksim_disk", "Immed transfer partial hit", U::Ignored, "a read whose rest the running read-ahead brings is served as it arrives; other partial hits are misses"},
      {"disksim_disk", "Stop prefetch in sector", U::Ignored, "read-ahead stops at the exact instant (finer than a sector)"},
      {"disksim_disk", "Per-request overhead time", U::IgnoredIfZero, "a per-request overhead outside the command types"},
      {"disksim_disk", "Allow almost read hits", U::IgnoredIfZero, "almost-hits"},
      {"disksim_disk", "Allow sneaky full read hits", U::IgnoredIfZero, "sneaky hits"},
      {"disksim_disk", "Allow sneaky partial read hits", U::IgnoredIfZero, "sneaky hits"},
      {"disksim_disk", "Allow sneaky intermediate read hits", U::IgnoredIfZero, "sneaky hits"},
      {"disksim_disk", "Allow write prebuffering", U::IgnoredIfZero, "write prebuffering"},
      {"disksim_disk", "Preseeking level", U::IgnoredIfZero, "preseeking"},
      {"disksim_disk", "Minimum read-ahead (blks)", U::IgnoredIfZero, "a minimum read-ahead surviving new commands"},
      {"disksim_disk", "Read-ahead on idle hit", U::IgnoredIfZero, "read-ahead restarted by a hit on an idle drive"},
      {"disksim_disk", "Read completion overhead", U::IgnoredIfZero, "a completion overhead"},
      {"disksim_disk", "Write completion overhead", U::IgnoredIfZero, "a completion overhead"},
      {"disksim_disk", "Data preparation overhead", U::IgnoredIfZero, "a data preparation overhead"},
      {"disksim_disk", "First reselect overhead", U::IgnoredIfZero, "reselection overheads"},
      {"disksim_disk", "Other reselect overhead", U::IgnoredIfZero, "reselection overheads"},
      {"disksim_disk", "Read disconnect afterread", U::IgnoredIfZero, "disconnect overheads"},
      {"disksim_disk", "Read disconnect afterwrite", U::IgnoredIfZero, "disconnect overheads"},
      {"disksim_disk", "Write disconnect overhead", U::IgnoredIfZero, "disconnect overheads"},
      {"disksim_disk", "Extra write disconnect", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Extradisc command overhead", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Extradisc disconnect overhead", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Extradisc inter-disconnect delay", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Extradisc 2nd disconnect overhead", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Extradisc seek delta", U::IgnoredIfZero, "extra write disconnects"},
      {"disksim_disk", "Minimum seek delay", U::IgnoredIfZero, "a minimum seek delay"},
      // disksim_ioqueue (the drive's scheduler): only the policy matters to a drive model.
      {"disksim_ioqueue", "Scheduling policy", U::Used, ""},
      {"disksim_ioqueue", "Cylinder mapping strategy", U::Ignored, "positions come from the exact layout"},
      {"disksim_ioqueue", "Write initiation delay", U::IgnoredIfZero, "an initiation delay"},
      {"disksim_ioqueue", "Read initiation delay", U::IgnoredIfZero, "an initiation delay"},
      {"disksim_ioqueue", "Sequential stream scheme", U::IgnoredIfZero, "request concatenation"},
      {"disksim_ioqueue", "Maximum concat size", U::IgnoredIfZero, "request concatenation"},
      {"disksim_ioqueue", "Overlapping request scheme", U::IgnoredIfZero, "overlap detection"},
      {"disksim_ioqueue", "Sequential stream diff maximum", U::IgnoredIfZero, "request concatenation"},
      {"disksim_ioqueue", "Scheduling timeout scheme", U::IgnoredIfZero, "scheduling timeouts"},
      {"disksim_ioqueue", "Timeout time/weight", U::Ignored, "used only with a timeout scheme (refused above)"},
      {"disksim_ioqueue", "Timeout scheduling", U::Ignored, "used only with a timeout scheme (refused above)"},
      {"disksim_ioqueue", "Scheduling priority scheme", U::IgnoredIfZero, "priorities"},
      {"disksim_ioqueue", "Priority scheduling", U::Ignored, "used only with a priority scheme (refused above)"},
      // dm_disk (the .model file).
      {"dm_disk", "Number of data surfaces", U::Used, ""},
      {"dm_disk", "Number of cylinders", U::Used, ""},
      {"dm_disk", "Block count", U::Used, ""},
      {"dm_disk", "Mechanical Model", U::Used, ""},
      {"dm_disk", "Layout Model", U::Used, ""},
      {"dm_mech_g1", "Access time type", U::Used, ""},
      {"dm_mech_g1", "Seek type", U::Used, ""},
      {"dm_mech_g1", "Single cylinder seek time", U::Used, ""},
      {"dm_mech_g1", "Full seek curve", U::Used, ""},
      {"dm_mech_g1", "Add. write settling delay", U::Used, ""},
      {"dm_mech_g1", "Head switch time", U::Used, ""},
      {"dm_mech_g1", "Rotation speed (in rpms)", U::Used, ""},
      {"dm_mech_g1", "Full strobe seek time", U::Ignored, "the extracted seek curve's last point gives the full stroke"},
      {"dm_mech_g1", "Average seek time", U::Ignored, "the extracted seek curve gives every distance"},
      {"dm_mech_g1", "HPL seek equation values", U::Ignored, "read only for HP seek types, which are refused"},
      {"dm_mech_g1", "First ten seek times", U::Ignored, "read only for HP seek types, which are refused"},
      {"dm_mech_g1", "Percent error in rpms", U::IgnoredIfZero, "a spindle speed error"},
      {"dm_layout_g1", "LBN-to-PBN mapping scheme", U::Ignored, "both schemes of the validation drives map tracks of a cylinder surface by surface, which is what the layout does"},
      {"dm_layout_g1", "Sparing scheme used", U::Used, ""},
      {"dm_layout_g1", "Rangesize for sparing", U::Used, ""},
      {"dm_layout_g1", "Skew units", U::Used, ""},
      {"dm_layout_g1", "Zones", U::Used, ""},
      {"dm_layout_g1_zone", "First cylinder number", U::Used, ""},
      {"dm_layout_g1_zone", "Last cylinder number", U::Used, ""},
      {"dm_layout_g1_zone", "Blocks per track", U::Used, ""},
      {"dm_layout_g1_zone", "Empty space at zone front", U::Used, ""},
      {"dm_layout_g1_zone", "Skew for track switch", U::Used, ""},
      {"dm_layout_g1_zone", "Skew for cylinder switch", U::Used, ""},
      {"dm_layout_g1_zone", "Number of spares", U::Used, ""},
      {"dm_layout_g1_zone", "slips", U::Used, ""},
      {"dm_layout_g1_zone", "Offset of first block", U::IgnoredIfZero, "an angular offset of the zone's first block"},
      {"dm_layout_g1_zone", "defects", U::Ignored, "remapped defects: a non-empty list gets a warning (not modelled)"},
  };
  return rules;
}

namespace {

// Checks one block's keys against the inventory: warnings for unknown keys and
// for non-zero values of keys the model does not implement.
void check_keys(const DsBlock& b, const char* type, std::vector<std::string>* warnings) {
  if (!warnings) return;
  for (const auto& kv : b.params) {
    const DsKeyRule* rule = nullptr;
    for (const DsKeyRule& r : disksim_key_rules())
      if (kv.first == r.key && std::string(type) == r.block_type) { rule = &r; break; }
    const std::string at = kv.second.where + ": " + type + " '" + kv.first + "'";
    if (!rule) {
      warnings->push_back(at + ": unknown key, ignored");
      continue;
    }
    if (rule->use == DsKeyRule::Use::IgnoredIfZero && kv.second.kind == DsValue::Kind::Number && kv.second.num != 0)
      warnings->push_back(at + " = " + std::to_string(kv.second.num) + ": " + rule->reason + " is not modelled; ignored");
    if (std::string(rule->key) == "defects" && kv.second.kind == DsValue::Kind::List && !kv.second.list.empty())
      warnings->push_back(at + ": " + std::to_string(kv.second.list.size()) + " remapped defects are not modelled; ignored");
  }
}

}  // namespace

DiskParams load_disksim_drive(const std::string& prefix, std::vector<std::string>* warnings) {
  const std::string specs_path = prefix + ".diskspecs";
  const auto blocks = parse_disksim_file(specs_path);
  const DsBlock* spec = nullptr;
  for (const auto& b : blocks)
    if (b->type == "disksim_disk") { spec = b.get(); break; }
  if (!spec) throw std::runtime_error(specs_path + ": no disksim_disk block");
  const DsBlock& model = spec->block("Model");
  const DsBlock& layout = model.block("Layout Model");
  const DsBlock& mech = model.block("Mechanical Model");

  check_keys(*spec, "disksim_disk", warnings);
  check_keys(model, "dm_disk", warnings);
  check_keys(mech, "dm_mech_g1", warnings);
  check_keys(layout, "dm_layout_g1", warnings);
  check_keys(spec->block("Scheduler"), "disksim_ioqueue", warnings);
  auto refuse = [](const DsValue& v, const std::string& what) {
    throw std::runtime_error(v.where + ": " + what + " (not supported by the disk model)");
  };
  // Sparing: scheme 9 as the validation drives use it (each zone's spares at
  // its end, slipped sectors skipped in place) with one range per zone; 0 = none.
  if (const DsValue* sv = layout.find("Sparing scheme used")) {
    if (sv->num != 9 && sv->num != 0) refuse(*sv, "'Sparing scheme used = " + std::to_string(int(sv->num)) + "'");
    if (const DsValue* rv = layout.find("Rangesize for sparing"))
      if (sv->num == 9 && rv->num != 1) refuse(*rv, "'Rangesize for sparing' other than 1 with sparing scheme 9");
  }
  if (const DsValue* su = layout.find("Skew units"))
    if (su->kind != DsValue::Kind::Word || su->word != "sectors") refuse(*su, "'Skew units' other than sectors");
  if (const DsValue* at = mech.find("Access time type"))
    if (at->kind != DsValue::Kind::Word || at->word != "trackSwitchPlusRotation")
      refuse(*at, "'Access time type' other than trackSwitchPlusRotation");
  if (spec->number_or("Enable caching in buffer", 1) == 0)
    refuse(spec->at("Enable caching in buffer"), "'Enable caching in buffer = 0'");

  DiskParams p;
  p.model = spec->name;
  p.surfaces = uint32_t(model.number("Number of data surfaces"));
  p.cylinders = uint32_t(model.number("Number of cylinders"));
  p.block_count = uint64_t(model.number("Block count"));

  // Zones. Sparing scheme 9 (spares per zone, slips do not use them) is the
  // one the validation drives use; others are read the same way.
  const DsValue& zl = layout.at("Zones");
  if (zl.kind != DsValue::Kind::List) throw std::runtime_error(zl.where + ": 'Zones' must be a list");
  for (const DsValue& zv : zl.list) {
    if (zv.kind != DsValue::Kind::Block) throw std::runtime_error(zv.where + ": zone must be a block");
    const DsBlock& zb = *zv.block;
    check_keys(zb, "dm_layout_g1_zone", warnings);
    DiskZone z;
    z.empty_front = uint32_t(zb.number_or("Empty space at zone front", 0));
    z.first_cyl = uint32_t(zb.number("First cylinder number"));
    z.last_cyl = uint32_t(zb.number("Last cylinder number"));
    z.blocks_per_track = uint32_t(zb.number("Blocks per track"));
    z.track_skew = zb.number_or("Skew for track switch", 0);
    z.cyl_skew = zb.number_or("Skew for cylinder switch", 0);
    z.spares = uint32_t(zb.number_or("Number of spares", 0));
    if (const DsValue* sl = zb.find("slips")) {
      for (const DsValue& s : sl->list) {
        if (s.kind != DsValue::Kind::Number) throw std::runtime_error(s.where + ": slip must be a number");
        z.slips.push_back(uint64_t(s.num));
      }
    }
    p.zones.push_back(std::move(z));
  }

  // The stated block count against what the zones hold (the layout keeps the
  // smaller): a difference means the layout reading differs from the drive's.
  if (warnings) {
    uint64_t held = 0;
    for (const DiskZone& z : p.zones) {
      const uint64_t phys = uint64_t(z.last_cyl - z.first_cyl + 1) * p.surfaces * z.blocks_per_track;
      const uint64_t lost = uint64_t(z.spares) + z.slips.size() + z.empty_front;
      held += phys > lost ? phys - lost : 0;
    }
    if (held != p.block_count)
      warnings->push_back(model.at("Block count").where + ": dm_disk 'Block count' = " + std::to_string(p.block_count) +
                          " but the zones hold " + std::to_string(held) + " blocks");
  }

  // Mechanics (the files give milliseconds).
  p.rpm = mech.number("Rotation speed (in rpms)");
  p.head_switch = ms(mech.number("Head switch time"));
  p.write_settle = ms(mech.number_or("Add. write settling delay", 0));
  p.seek.single_cyl = ms(mech.number("Single cylinder seek time"));
  const DsValue& st = mech.at("Seek type");
  if (st.kind != DsValue::Kind::Word || st.word != "extracted")
    throw std::runtime_error(st.where + ": only 'Seek type = extracted' is supported");
  const DsValue& curve = mech.at("Full seek curve");
  if (curve.kind != DsValue::Kind::Word) throw std::runtime_error(curve.where + ": 'Full seek curve' must be a file");
  p.seek.table = load_seek_table(dir_of(prefix) + "/" + curve.word);

  // Firmware.
  CommandOverheads& o = p.overheads;
  // "Time scale for overheads" multiplies every command overhead.
  const double scale = spec->number_or("Time scale for overheads", 1.0);
  auto ovh = [scale](double v) { return v * 1e-3 * scale; };
  o.read_hit_after_read = ovh(spec->number("Read hit over. after read"));
  o.read_hit_after_write = ovh(spec->number("Read hit over. after write"));
  o.read_miss_after_read = ovh(spec->number("Read miss over. after read"));
  o.read_miss_after_write = ovh(spec->number("Read miss over. after write"));
  o.write_hit_after_read = ovh(spec->number("Write hit over. after read"));
  o.write_hit_after_write = ovh(spec->number("Write hit over. after write"));
  o.write_miss_after_read = ovh(spec->number("Write miss over. after read"));
  o.write_miss_after_write = ovh(spec->number("Write miss over. after write"));
  p.interface_sector_time = spec->number("Bulk sector transfer time") * 1e-3;

  p.buffer_segments = uint32_t(spec->number("Number of buffer segments"));
  p.segment_blocks = uint32_t(spec->number("Segment size (in blks)"));
  p.max_write_segments = uint32_t(spec->number_or("Maximum number of write segments", 1));
  p.read_ahead_blocks = uint32_t(spec->number_or("Maximum read-ahead (blks)", 0));
  // "Buffer continuous read": 0 no read-ahead; 1 / 2 to the end of the track /
  // cylinder of the request's last block; 3 until the segment is full; 4 (the
  // "DEC" scheme, one track ahead of a detected sequential stream) is read as
  // 3 bounded by the maximum read-ahead, with a warning.
  {
    const int cr = int(spec->number_or("Buffer continuous read", 3));
    if (cr < 0 || cr > 4) refuse(spec->at("Buffer continuous read"), "'Buffer continuous read' outside 0..4");
    p.read_ahead_limit = cr == 0 ? ReadAheadLimit::None : cr == 1 ? ReadAheadLimit::Track
                       : cr == 2 ? ReadAheadLimit::Cylinder : ReadAheadLimit::Segment;
    if (cr == 4 && warnings)
      warnings->push_back(spec->at("Buffer continuous read").where +
                          ": disksim_disk 'Buffer continuous read = 4': the sequential-stream (DEC) scheme is not "
                          "modelled; read-ahead runs to 'Maximum read-ahead' within the segment");
  }
  p.read_hits_on_write_data = spec->number_or("Allow read hits on write data", 1) != 0;
  p.separate_write_segment = spec->number_or("Use separate write segment", 0) != 0;
  p.zero_latency_read = spec->number_or("Immediate buffer read", 0) != 0;
  p.zero_latency_write = spec->number_or("Immediate buffer write", 0) != 0;
  p.read_ahead_over_requested = spec->number_or("Read-ahead over requested", 0) != 0;
  p.read_any_free_blocks = spec->number_or("Read any free blocks", 0) != 0;
  p.fifo_read_segments = !p.read_any_free_blocks;
  p.fast_write_level = uint32_t(spec->number_or("Fast write level", 0));
  p.queue_depth = uint32_t(std::max(1.0, spec->number_or("Max queue length", 1)));
  // Scheduling policy numbers as listed in the DiskSim manual (ioqueue):
  // 1 FCFS, 4 / 7 shortest seek (LBN / cylinder), 8+ positioning-time based.
  const int pol = int(spec->block("Scheduler").number("Scheduling policy"));
  p.scheduler = (pol == 4 || pol == 7) ? SchedPolicy::Sstf : pol >= 8 ? SchedPolicy::Sptf : SchedPolicy::Fcfs;
  p.max_burst_bytes = 0;
  return p;
}

} // namespace iosim
