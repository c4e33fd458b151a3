// FST waveforms (`--vcd FILE.fst`): the same signals and value changes as the
// VCD of the same run, enum tables for the signals that have value names
// (CPU state, SCSI bus phase), and the same bytes on a repeated run.
#include <catch2/catch.hpp>

#include "model/stats/vcd.hpp"
#include "tests/test_fst_read.hpp"
#include "tests/test_vcd_parse.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>

using namespace iosim;

namespace {
// In the build dir (CTest runs there), not /tmp: other worktrees run the same tests.
std::string tmp(const std::string& tag, const char* ext) { return "test_vcd_fst_" + tag + ext; }

std::string slurp(const std::string& p) {
  std::ifstream is(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(is), {});
}

// Every signal of `a` is in `b` with the same width and the same changes.
void same_waves(const vcdtest::Vcd& a, const vcdtest::Vcd& b) {
  REQUIRE(a.vars.size() == b.vars.size());
  for (const auto& [name, va] : a.vars) {
    INFO(name);
    REQUIRE(b.vars.count(name) == 1);
    const auto& vb = b.vars.at(name);
    CHECK(va.width == vb.width);
    REQUIRE(va.changes.size() == vb.changes.size());
    for (size_t i = 0; i < va.changes.size(); ++i) {
      CHECK(va.changes[i].t == vb.changes[i].t);
      CHECK(va.changes[i].v == vb.changes[i].v);
    }
  }
}

// The same calls into a VcdWriter of either format.
void script(const std::string& path) {
  VcdOptions o;
  o.t_begin_ps = 100;
  VcdWriter w(path, o);
  const int a = w.add("top.x", "a", 1), s = w.add("top.x.y", "state", 2, {"idle", "user", "system", "irq"});
  const int c = w.add("top", "count", 16);
  w.set_at(s, 1, 50);  // before the window: an initial value
  w.set_at(a, 1, 150);
  w.set_at(s, 3, 150);
  w.set_at(c, 1234, 200);
  w.set_at(a, 0, 300);
  w.set_at(s, 0, 300);
  w.close_at(400);
}
}  // namespace

TEST_CASE("fst: a path ending in .fst selects FST, anything else VCD", "[vcd][fst]") {
  CHECK(wave_format_of("out/a.fst") == WaveFormat::Fst);
  CHECK(wave_format_of("out/a.vcd") == WaveFormat::Vcd);
  CHECK(wave_format_of("fst") == WaveFormat::Vcd);
  CHECK(wave_format_of("a.fst.vcd") == WaveFormat::Vcd);
}

TEST_CASE("fst: the writer's FST holds the VCD's values, with enum tables", "[vcd][fst]") {
  const std::string v = tmp("unit", ".vcd"), f = tmp("unit", ".fst");
  script(v);
  script(f);
  const vcdtest::Vcd vcd = vcdtest::parse(v);
  const fsttest::Fst fst = fsttest::read(f);
  same_waves(vcd, fst.waves);
  CHECK(fst.waves.at("top.x.y.state", 100) == 1);
  CHECK(fst.waves.at("top.x.y.state", 150) == 3);
  CHECK(fst.waves.at("top.count", 250) == 1234);
  REQUIRE(fst.enum_of.count("top.x.y.state") == 1);
  const std::string& e = fst.enum_of.at("top.x.y.state");
  for (const char* n : {"idle", "user", "system", "irq"}) CHECK(e.find(n) != std::string::npos);
  CHECK(fst.enum_of.count("top.count") == 0);
  CHECK(slurp(f).size() > 0);
  std::remove(v.c_str());
  std::remove(f.c_str());
}

TEST_CASE("fst: more value names than the width holds is refused", "[vcd][fst]") {
  VcdWriter w(tmp("names", ".fst"));
  CHECK_THROWS_AS(w.add("top", "s", 1, {"a", "b", "c"}), std::invalid_argument);
  w.close_at(0);
  std::remove(tmp("names", ".fst").c_str());
}

TEST_CASE("fst system: a run's FST equals its VCD signal by signal, names its states, repeats byte for byte",
          "[vcd][fst][cli]") {
  const std::string scenario = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";
  const std::string args = " --no-files --quiet --json --set run.duration=0.8s --set run.vcd.from=0.6s"
                           " --set run.vcd.to=0.62s --vcd ";
  const std::string v = tmp("run", ".vcd"), f1 = tmp("run1", ".fst"), f2 = tmp("run2", ".fst");
  for (const auto& out : {v, f1, f2}) {
    const std::string cmd = std::string("'") + IOSIM_BINARY + "' run '" + scenario + "'" + args + out + " > /dev/null";
    const int rc = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(rc));
    REQUIRE(WEXITSTATUS(rc) == 0);
  }
  const vcdtest::Vcd vcd = vcdtest::parse(v);
  const fsttest::Fst fst = fsttest::read(f1);
  REQUIRE(vcd.vars.size() > 20);
  same_waves(vcd, fst.waves);
  REQUIRE(fst.enum_of.count("top.host.cpu0.state") == 1);
  CHECK(fst.enum_of.at("top.host.cpu0.state").find("system") != std::string::npos);
  REQUIRE(fst.enum_of.count("top.scsi0.bus.phase") == 1);
  CHECK(fst.enum_of.at("top.scsi0.bus.phase").find("arbitration") != std::string::npos);
  const std::string b1 = slurp(f1);
  CHECK(b1.size() * 4 < slurp(v).size());  // compressed
  CHECK(b1 == slurp(f2));
  for (const auto& p : {v, f1, f2}) std::remove(p.c_str());
}

// The filter files VCD viewers use say what the FST's enum tables say.
TEST_CASE("fst: traces/cpu_state.txt and scsi_phase.txt match the models' value names", "[vcd][fst]") {
  const std::string f = tmp("names_run", ".fst");
  const std::string scenario = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";
  const std::string cmd = std::string("'") + IOSIM_BINARY + "' run '" + scenario +
                          "' --no-files --quiet --set run.duration=0.2s --set run.vcd.from=0.1s --set run.vcd.to=0.11s"
                          " --vcd " + f + " > /dev/null";
  const int rc = std::system(cmd.c_str());
  REQUIRE((WIFEXITED(rc) && WEXITSTATUS(rc) == 0));
  const fsttest::Fst fst = fsttest::read(f);
  for (const auto& [file, sig] : {std::pair<std::string, std::string>{"cpu_state.txt", "top.host.cpu0.state"},
                                  {"scsi_phase.txt", "top.scsi0.bus.phase"}}) {
    INFO(file);
    std::ifstream is(std::string(IOSIM_SOURCE_DIR) + "/traces/" + file);
    REQUIRE(is);
    REQUIRE(fst.enum_of.count(sig) == 1);
    const std::string& table = fst.enum_of.at(sig);
    int n = 0;
    for (std::string num, name; is >> num >> name; ++n) {
      CHECK(std::stoi(num) == n);
      CHECK(table.find(name) != std::string::npos);
    }
    CHECK(n >= 4);
  }
  std::remove(f.c_str());
}
