#include "model/stats/vcd.hpp"

#include "model/common/time_ps.hpp"

#include <systemc>

#include <fstapi.h>

#include <fnmatch.h>
#include <map>
#include <stdexcept>

namespace iosim {

namespace {
uint64_t now_ps() { return vcd_ps(sc_core::sc_time_stamp()); }

// Identifier codes: base-94 over the printable ASCII range '!'..'~' (IEEE 1364, 18.2.1).
std::string id_code(size_t i) {
  std::string s;
  do { s += char('!' + i % 94); i /= 94; } while (i != 0);
  return s;
}

std::vector<std::string> split_scope(const std::string& scope) {
  std::vector<std::string> parts;
  size_t b = 0;
  while (b <= scope.size()) {
    const size_t e = scope.find('.', b);
    const std::string part = scope.substr(b, e == std::string::npos ? std::string::npos : e - b);
    if (!part.empty()) parts.push_back(part);
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (parts.empty()) parts.push_back("top");
  return parts;
}

struct ScopeNode {
  std::map<std::string, ScopeNode> children;
  std::vector<size_t> vars;
};

// The signals' dotted scopes as a tree (both formats declare scopes nested).
template <class Sigs> ScopeNode scope_tree(const Sigs& sigs) {
  ScopeNode root;
  for (size_t i = 0; i < sigs.size(); ++i) {
    ScopeNode* n = &root;
    for (const auto& part : split_scope(sigs[i].scope)) n = &n->children[part];
    n->vars.push_back(i);
  }
  return root;
}
} // namespace

WaveFormat wave_format_of(const std::string& path) {
  const std::string ext = ".fst";
  return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0 ? WaveFormat::Fst
                                                                                                 : WaveFormat::Vcd;
}

uint64_t vcd_ps(const sc_core::sc_time& t) { return to_ps(t); }


VcdWriter::VcdWriter(const std::string& path, VcdOptions opt) : format_(wave_format_of(path)), opt_(std::move(opt)) {
  if (opt_.t_end_ps < opt_.t_begin_ps) throw std::invalid_argument("VCD window ends before it begins");
  if (format_ == WaveFormat::Vcd) {
    os_.open(path);
    if (!os_) throw std::runtime_error("cannot write VCD file '" + path + "'");
    return;
  }
  fst_ = fstWriterCreate(path.c_str(), 1);
  if (!fst_) throw std::runtime_error("cannot write FST file '" + path + "'");
  fstWriterSetTimescale(fst_, -12);  // 1 ps
  fstWriterSetVersion(fst_, "iosim VcdWriter");
  // fstWriterCreate stamps the wall-clock date; the same run must give the same bytes.
  fstWriterSetDate(fst_, "(no date: iosim output depends only on the scenario)");
}

VcdWriter::~VcdWriter() {
  if (vcd_writer() == this) set_vcd_writer(nullptr);
  if (open_) close();
}

int VcdWriter::add(const std::string& scope, const std::string& name, unsigned width,
                   const std::vector<std::string>& names) {
  if (width < 1 || width > 64) throw std::invalid_argument("VCD signal width must be 1..64: " + name);
  const std::string full = scope + "." + name;
  for (size_t i = 0; i < sigs_.size(); ++i)
    if (sigs_[i].scope == scope && sigs_[i].name == name) {
      if (sigs_[i].width != width) throw std::invalid_argument("VCD signal re-added with another width: " + full);
      return int(i);
    }
  if (!opt_.filters.empty()) {
    bool match = false;
    for (const auto& f : opt_.filters) match = match || fnmatch(f.c_str(), full.c_str(), 0) == 0;
    if (!match) return -1;
  }
  if (dumped_) throw std::logic_error("VCD signal added after values were written: " + full);
  if (names.size() > 1 && width < 64 && names.size() > (uint64_t(1) << width))
    throw std::invalid_argument("VCD signal has more value names than its width holds: " + full);
  sigs_.push_back(Sig{scope, name, id_code(sigs_.size()), width, names});
  return int(sigs_.size() - 1);
}

void VcdWriter::set(int id, uint64_t v) {
  if (id >= 0 && open_) set_at(id, v, now_ps());
}

void VcdWriter::set_at(int id, uint64_t v, uint64_t t) {
  if (id < 0 || !open_) return;
  flush(t);
  apply(id, v, t);
}

void VcdWriter::schedule(int id, uint64_t v, uint64_t t) {
  if (id < 0 || !open_) return;
  if ((any_time_ && t < last_t_) || (!pending_.empty() && t < pending_t_))
    throw std::logic_error("VCD value scheduled in the past for " + sigs_.at(size_t(id)).name);
  later_.push(Later{t, later_seq_++, id, v});
}

void VcdWriter::flush(uint64_t t) {
  while (!later_.empty() && later_.top().t <= t) {
    const Later l = later_.top();
    later_.pop();
    apply(l.id, l.v, l.t);
  }
}

void VcdWriter::apply(int id, uint64_t v, uint64_t t) {
  Sig& s = sigs_.at(size_t(id));
  if (s.width < 64) v &= (uint64_t(1) << s.width) - 1;
  if (s.known && s.val == v) return;
  if ((any_time_ && t < last_t_) || (!pending_.empty() && t < pending_t_))
    throw std::logic_error("VCD time went backwards at " + s.scope + "." + s.name);
  // The values current at t_begin are known only once time has moved past
  // it (changes at t_begin itself are part of them), so the header and the
  // $dumpvars wait for the first change after t_begin. Until then add() works.
  if (!dumped_ && t > opt_.t_begin_ps) dump_all();
  // Time moved on: the collected time stamp is complete (also when t is past the window).
  if (!pending_.empty() && t != pending_t_) emit_pending();
  const bool in_window = t > opt_.t_begin_ps && t <= opt_.t_end_ps;
  if (in_window) {
    pending_t_ = t;
    if (!s.pending) {
      s.pending = true;
      s.before = s.val;
      s.before_known = s.known;
      pending_.push_back(size_t(id));
    }
  }
  s.val = v;
  s.known = true;
}

void VcdWriter::emit_pending() {
  bool stamped = false;
  for (size_t i : pending_) {
    Sig& s = sigs_[i];
    s.pending = false;
    if (s.before_known == s.known && s.before == s.val) continue;  // back where it began
    if (!stamped) write_time(pending_t_);
    stamped = true;
    write_value(s);
  }
  pending_.clear();
}

void VcdWriter::write_time(uint64_t t) {
  if (!any_time_ || t != last_t_) {
    if (fst_) fstWriterEmitTimeChange(fst_, t);
    else os_ << '#' << t << '\n';
  }
  any_time_ = true;
  last_t_ = t;
}

void VcdWriter::write_value(const Sig& s) {
  if (fst_) { fst_value(s); return; }
  if (s.width == 1) {
    os_ << (s.known ? char('0' + (s.val & 1)) : 'x') << s.code << '\n';
    return;
  }
  os_ << 'b';
  if (!s.known) {
    os_ << 'x';
  } else {
    int msb = 63;
    while (msb > 0 && !((s.val >> msb) & 1)) --msb;  // leading zeros may be dropped (1364 18.2.3.3)
    for (int b = msb; b >= 0; --b) os_ << char('0' + ((s.val >> b) & 1));
  }
  os_ << ' ' << s.code << '\n';
}

namespace {
std::string bits(uint64_t v, unsigned width) {
  std::string b(width, '0');
  for (unsigned i = 0; i < width; ++i) b[width - 1 - i] = char('0' + ((v >> i) & 1));
  return b;
}
}  // namespace

void VcdWriter::fst_value(const Sig& s) {
  const std::string v = s.known ? bits(s.val, s.width) : std::string(s.width, 'x');
  fstWriterEmitValueChange(fst_, s.fst, v.c_str());
}

void VcdWriter::fst_header() {
  const ScopeNode root = scope_tree(sigs_);
  auto emit = [this](const auto& self, const ScopeNode& n) -> void {
    for (size_t i : n.vars) {
      Sig& g = sigs_[i];
      std::string name = g.name;
      if (g.width > 1) name += " [" + std::to_string(g.width - 1) + ":0]";  // as the VCD names it
      if (!g.names.empty()) {
        std::vector<std::string> vals;
        std::vector<const char*> lit, val;
        for (size_t k = 0; k < g.names.size(); ++k) vals.push_back(bits(k, g.width));
        for (size_t k = 0; k < g.names.size(); ++k) { lit.push_back(g.names[k].c_str()); val.push_back(vals[k].c_str()); }
        const fstEnumHandle e = fstWriterCreateEnumTable(fst_, (g.scope + "." + g.name).c_str(), uint32_t(lit.size()),
                                                         g.width, lit.data(), val.data());
        fstWriterEmitEnumTableRef(fst_, e);
      }
      g.fst = fstWriterCreateVar(fst_, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, g.width, name.c_str(), 0);
    }
    for (const auto& [name, child] : n.children) {
      fstWriterSetScope(fst_, FST_ST_VCD_MODULE, name.c_str(), nullptr);
      self(self, child);
      fstWriterSetUpscope(fst_);
    }
  };
  emit(emit, root);
}

void VcdWriter::write_header() {
  if (fst_) { fst_header(); return; }
  // No $date: results (and traces) must not depend on the wall clock.
  os_ << "$version iosim VcdWriter $end\n$timescale 1ps $end\n";
  const ScopeNode root = scope_tree(sigs_);
  auto emit = [this](const auto& self, const ScopeNode& n) -> void {
    for (size_t i : n.vars) {
      // Vectors carry their bit range, as simulators write them; viewers name
      // them "name[msb:0]" either way (GTKWave save files use that name).
      const Sig& g = sigs_[i];
      os_ << "$var wire " << g.width << ' ' << g.code << ' ' << g.name;
      if (g.width > 1) os_ << " [" << g.width - 1 << ":0]";
      os_ << " $end\n";
    }
    for (const auto& [name, child] : n.children) {
      os_ << "$scope module " << name << " $end\n";
      self(self, child);
      os_ << "$upscope $end\n";
    }
  };
  emit(emit, root);
  os_ << "$enddefinitions $end\n";
}

void VcdWriter::dump_all() {
  write_header();
  write_time(opt_.t_begin_ps);
  if (!fst_) os_ << "$dumpvars\n";
  for (const auto& s : sigs_) write_value(s);
  if (!fst_) os_ << "$end\n";
  dumped_ = true;
}

void VcdWriter::close() { close_at(now_ps()); }

void VcdWriter::close_at(uint64_t t) {
  if (!open_) return;
  flush(t);  // values scheduled beyond the end are dropped with the file
  emit_pending();
  if (!dumped_ && t >= opt_.t_begin_ps) dump_all();
  if (!dumped_) write_header();  // run ended before the window: a valid, empty trace
  // A final time stamp so viewers show the last values up to the end.
  const uint64_t t_last = std::min(t, opt_.t_end_ps);
  if (dumped_ && t_last > last_t_) write_time(t_last);
  if (fst_) {
    fstWriterClose(fst_);
    fst_ = nullptr;
  } else {
    os_.close();
  }
  open_ = false;
}

} // namespace iosim
