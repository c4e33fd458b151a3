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

DiskParams load_disksim_drive(const std::string& prefix) {
  const std::string specs_path = prefix + ".diskspecs";
  const auto blocks = parse_disksim_file(specs_path);
  const DsBlock* spec = nullptr;
  for (const auto& b : blocks)
    if (b->type == "disksim_disk") { spec = b.get(); break; }
  if (!spec) throw std::runtime_error(specs_path + ": no disksim_disk block");
  const DsBlock& model = spec->block("Model");
  const DsBlock& layout = model.block("Layout Model");
  const DsBlock& mech = model.block("Mechanical Model");

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
    DiskZone z;
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
  o.read_hit_after_read = ms(spec->number("Read hit over. after read"));
  o.read_hit_after_write = ms(spec->number("Read hit over. after write"));
  o.read_miss_after_read = ms(spec->number("Read miss over. after read"));
  o.read_miss_after_write = ms(spec->number("Read miss over. after write"));
  o.write_hit_after_read = ms(spec->number("Write hit over. after read"));
  o.write_hit_after_write = ms(spec->number("Write hit over. after write"));
  o.write_miss_after_read = ms(spec->number("Write miss over. after read"));
  o.write_miss_after_write = ms(spec->number("Write miss over. after write"));
  p.interface_sector_time = ms(spec->number("Bulk sector transfer time"));

  p.buffer_segments = uint32_t(spec->number("Number of buffer segments"));
  p.segment_blocks = uint32_t(spec->number("Segment size (in blks)"));
  p.max_write_segments = uint32_t(spec->number_or("Maximum number of write segments", 1));
  p.read_ahead_blocks = uint32_t(spec->number_or("Maximum read-ahead (blks)", 0));
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
