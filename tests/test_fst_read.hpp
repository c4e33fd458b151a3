#pragma once
// Reads an FST file back (fstapi's reader) into the same structure the VCD
// test reader fills (tests/test_vcd_parse.hpp), so a test can compare the two
// formats of one run signal by signal, and lists the enum tables it declares.
#include "tests/test_vcd_parse.hpp"

#include <fstapi.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fsttest {

struct Fst {
  vcdtest::Vcd waves;                      // full dotted names, as the VCD reader gives them
  std::map<std::string, std::string> enum_of;  // signal -> the enum table attribute text before it
};

inline Fst read(const std::string& path) {
  void* ctx = fstReaderOpen(path.c_str());
  if (!ctx) throw std::runtime_error("cannot open FST " + path);
  Fst out;
  std::vector<std::string> scope;
  std::map<uint32_t, std::string> by_handle;
  std::map<uint64_t, std::string> tables;  // enum table handle -> its text
  std::string pending_enum;
  while (fstHier* h = fstReaderIterateHier(ctx)) {
    switch (h->htyp) {
      case FST_HT_SCOPE: scope.push_back(h->u.scope.name); break;
      case FST_HT_UPSCOPE: scope.pop_back(); break;
      case FST_HT_ATTRBEGIN:
        if (h->u.attr.typ == FST_AT_MISC && h->u.attr.subtype == FST_MT_ENUMTABLE) {
          if (h->u.attr.name_length > 0) tables[h->u.attr.arg] = h->u.attr.name;  // a table
          else pending_enum = tables[h->u.attr.arg];                              // a reference to one
        }
        break;
      case FST_HT_VAR: {
        std::string name = h->u.var.name;
        name = name.substr(0, name.find(' '));  // "phase [2:0]" -> "phase"
        std::string full;
        for (const auto& s : scope) full += s + ".";
        full += name;
        out.waves.vars[full] = vcdtest::Var{full, h->u.var.length, {}};
        by_handle[h->u.var.handle] = full;
        if (!pending_enum.empty()) out.enum_of[full] = pending_enum;
        pending_enum.clear();
        break;
      }
      default: break;
    }
  }
  struct Ctx { Fst* f; std::map<uint32_t, std::string>* names; };
  Ctx c{&out, &by_handle};
  fstReaderSetFacProcessMaskAll(ctx);
  fstReaderIterBlocks(
      ctx,
      [](void* user, uint64_t t, fstHandle fac, const unsigned char* value) {
        auto* c = static_cast<Ctx*>(user);
        int64_t v = 0;
        for (const unsigned char* p = value; *p; ++p) {
          if (*p != '0' && *p != '1') { v = vcdtest::kX; break; }
          v = (v << 1) | (*p - '0');
        }
        auto& ch = c->f->waves.vars.at(c->names->at(fac)).changes;
        if (ch.empty() || ch.back().v != v) ch.push_back({t, v});  // the reader repeats initial values
        c->f->waves.last_time = std::max(c->f->waves.last_time, t);
      },
      &c, nullptr);
  fstReaderClose(ctx);
  return out;
}

}  // namespace fsttest
