#pragma once
// A small, strict VCD reader for tests: enough of IEEE 1364 section 18 to
// check that a file would open in a viewer (well-formed header, every value
// change names a declared identifier, times strictly increase) and to read the
// values back. Throws std::runtime_error on anything malformed.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace vcdtest {

constexpr int64_t kX = -1;  // value x / unknown

struct Change { uint64_t t; int64_t v; };
struct Var { std::string full_name; unsigned width; std::vector<Change> changes; };

struct Vcd {
  std::string timescale;
  std::map<std::string, Var> vars;  // by full dotted name
  uint64_t last_time = 0;
  // Value of a signal at time t (after all changes at t); throws if unknown name.
  int64_t at(const std::string& name, uint64_t t) const {
    const Var& v = vars.at(name);
    int64_t val = kX;
    for (const auto& c : v.changes) if (c.t <= t) val = c.v; else break;
    return val;
  }
  size_t rises(const std::string& name) const {  // 0 -> 1 transitions of a 1-bit signal
    size_t n = 0; int64_t prev = kX;
    for (const auto& c : vars.at(name).changes) { n += (prev == 0 && c.v == 1); prev = c.v; }
    return n;
  }
};

inline Vcd parse(const std::string& path) {
  std::ifstream is(path);
  if (!is) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> tok;
  for (std::string w; is >> w;) tok.push_back(w);
  Vcd out;
  std::map<std::string, std::vector<std::string>> by_code;  // code -> names (aliases allowed)
  std::vector<std::string> scope;
  size_t i = 0;
  auto need = [&](size_t k) { if (k >= tok.size()) throw std::runtime_error("truncated VCD"); };
  auto skip_to_end = [&]() { while (need(i), tok[i] != "$end") ++i; ++i; };
  bool defs_done = false;
  while (!defs_done) {
    need(i);
    const std::string& t = tok[i++];
    if (t == "$timescale") {
      while (need(i), tok[i] != "$end") out.timescale += tok[i++];
      ++i;
    } else if (t == "$scope") {
      need(i + 2);
      scope.push_back(tok[i + 1]);
      i += 2;
      if (tok[i++] != "$end") throw std::runtime_error("bad $scope");
    } else if (t == "$upscope") {
      if (scope.empty()) throw std::runtime_error("$upscope without $scope");
      scope.pop_back();
      skip_to_end();
    } else if (t == "$var") {
      need(i + 3);
      const unsigned width = unsigned(std::stoul(tok[i + 1]));
      const std::string code = tok[i + 2], name = tok[i + 3];
      i += 4;
      skip_to_end();  // optional bit range before $end
      std::string full;
      for (const auto& s : scope) full += s + ".";
      full += name;
      out.vars[full] = Var{full, width, {}};
      by_code[code].push_back(full);
    } else if (t == "$enddefinitions") {
      skip_to_end();
      defs_done = true;
    } else if (t == "$version" || t == "$date" || t == "$comment") {
      skip_to_end();
    } else {
      throw std::runtime_error("unexpected header token " + t);
    }
  }
  if (!scope.empty()) throw std::runtime_error("unbalanced $scope");
  bool have_time = false;
  uint64_t now = 0;
  auto record = [&](const std::string& code, int64_t v) {
    auto it = by_code.find(code);
    if (it == by_code.end()) throw std::runtime_error("undeclared identifier " + code);
    if (!have_time) throw std::runtime_error("value before first time stamp");
    for (const auto& n : it->second) out.vars[n].changes.push_back({now, v});
  };
  while (i < tok.size()) {
    const std::string t = tok[i++];
    if (t[0] == '#') {
      const uint64_t nt = std::stoull(t.substr(1));
      if (have_time && nt <= now) throw std::runtime_error("time not increasing at " + t);
      now = nt; have_time = true;
    } else if (t == "$dumpvars" || t == "$end" || t == "$dumpall" || t == "$dumpon" || t == "$dumpoff") {
    } else if (t[0] == 'b' || t[0] == 'B') {
      need(i);
      const std::string bits = t.substr(1), code = tok[i++];
      int64_t v = 0;
      for (char c : bits) {
        if (c == 'x' || c == 'X' || c == 'z' || c == 'Z') { v = kX; break; }
        if (c != '0' && c != '1') throw std::runtime_error("bad vector value " + t);
        v = (v << 1) | (c - '0');
      }
      record(code, v);
    } else if (t[0] == '0' || t[0] == '1' || t[0] == 'x' || t[0] == 'X' || t[0] == 'z' || t[0] == 'Z') {
      record(t.substr(1), (t[0] == '0' || t[0] == '1') ? t[0] - '0' : kX);
    } else {
      throw std::runtime_error("unexpected token " + t);
    }
  }
  out.last_time = now;
  return out;
}

} // namespace vcdtest
