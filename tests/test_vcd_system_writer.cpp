// The two pieces the system-level waveform adds to the VCD writer: values
// scheduled ahead of simulated time (VcdWriter::schedule), and LevelTracker
// mirroring its level to a signal (LevelTracker::trace).
#include <catch2/catch.hpp>

#include "model/stats/stats.hpp"
#include "model/stats/vcd.hpp"
#include "tests/test_vcd_parse.hpp"

#include <cstdio>

using namespace iosim;

namespace {
std::string tmp_path(const char* tag) { return std::string("test_vcd_system_writer_") + tag + ".vcd"; }
}  // namespace

TEST_CASE("vcd schedule: values ahead of time are written in time order", "[vcd]") {
  const std::string path = tmp_path("schedule");
  {
    VcdWriter w(path);
    const int a = w.add("top.cpu0", "state", 2);
    const int b = w.add("top.card", "busy", 1);
    w.set_at(a, 0, 0);
    w.set_at(b, 0, 0);
    // A burst at t=100 that will be system code for 50, then user code for 30.
    w.schedule(a, 2, 100);
    w.schedule(a, 1, 150);
    w.schedule(a, 0, 180);
    w.set_at(b, 1, 120);  // written after the value due at 100, before those at 150 and 180
    w.schedule(b, 0, 150);
    w.schedule(b, 1, 150);  // same time: the later call wins
    w.set_at(b, 0, 170);
    CHECK_THROWS_AS(w.schedule(a, 3, 160), std::logic_error);  // 170 already written
    w.schedule(a, 3, 900);  // beyond the end: dropped
    w.close_at(500);
  }
  const auto v = vcdtest::parse(path);  // would throw if times were written out of order
  const auto& ca = v.vars.at("top.cpu0.state").changes;
  REQUIRE(ca.size() == 4);
  CHECK(ca[1].t == 100); CHECK(ca[1].v == 2);
  CHECK(ca[2].t == 150); CHECK(ca[2].v == 1);
  CHECK(ca[3].t == 180); CHECK(ca[3].v == 0);
  CHECK(v.at("top.card.busy", 120) == 1);
  CHECK(v.at("top.card.busy", 150) == 1);
  CHECK(v.at("top.card.busy", 170) == 0);
  CHECK(v.last_time == 500);
  std::remove(path.c_str());
}

TEST_CASE("vcd schedule: values due before the window are its initial values", "[vcd]") {
  const std::string path = tmp_path("window");
  VcdOptions opt;
  opt.t_begin_ps = 100;
  opt.t_end_ps = 300;
  {
    VcdWriter w(path, opt);
    const int a = w.add("top", "a", 4);
    w.set_at(a, 1, 0);
    w.schedule(a, 2, 90);
    w.schedule(a, 3, 200);
    w.schedule(a, 4, 400);    // after the window
    w.close_at(1000);         // flushes what is due by then, writes up to t_end only
  }
  const auto v = vcdtest::parse(path);
  const auto& ca = v.vars.at("top.a").changes;
  REQUIRE(ca.size() == 2);
  CHECK(ca[0].t == 100); CHECK(ca[0].v == 2);
  CHECK(ca[1].t == 200); CHECK(ca[1].v == 3);
  CHECK(v.last_time == 300);
  std::remove(path.c_str());
}

TEST_CASE("LevelTracker::trace mirrors the level in simulated time, and is inert without a writer",
          "[vcd][sc]") {
  using sc_core::sc_time;
  using sc_core::SC_NS;
  LevelTracker untraced;
  untraced.trace("top.x", "never", 4);  // no writer yet: nothing registered, nothing written
  const std::string path = tmp_path("tracker");
  {
    VcdWriter w(path);
    set_vcd_writer(&w);
    LevelTracker depth, busy;
    depth.add(2);  // before trace(): the first value written is the level then
    depth.trace("top.disk", "queue_depth", 8);
    busy.trace("top.disk", "busy", 1);
    sc_core::sc_start(sc_time(10, SC_NS));
    depth.add(1);
    busy.set(1);
    untraced.set(5);
    sc_core::sc_start(sc_time(10, SC_NS));
    depth.add(-3);
    busy.set(0);
    sc_core::sc_start(sc_time(10, SC_NS));
    CHECK(depth.mean() == Approx((2 * 10 + 3 * 10 + 0 * 10) / 30.0));  // the statistics are unchanged
    w.close();
    set_vcd_writer(nullptr);
  }
  const auto v = vcdtest::parse(path);
  CHECK(v.vars.size() == 2);
  CHECK(v.vars.count("top.x.never") == 0);
  CHECK(v.at("top.disk.queue_depth", 0) == 2);
  CHECK(v.at("top.disk.queue_depth", 10000) == 3);
  CHECK(v.at("top.disk.queue_depth", 20000) == 0);
  CHECK(v.rises("top.disk.busy") == 1);
  CHECK(v.at("top.disk.busy", 15000) == 1);
  CHECK(v.last_time == 30000);
  std::remove(path.c_str());
}

TEST_CASE("vcd writer: one value per signal per time stamp, the last one", "[vcd]") {
  const std::string path = tmp_path("one_value");
  {
    VcdWriter w(path);
    const int a = w.add("top", "a", 1);
    const int b = w.add("top", "b", 4);
    w.set_at(a, 0, 0);
    w.set_at(b, 0, 0);
    w.set_at(a, 1, 100);  // a pulse of no width: 0 -> 1 -> 0 at 100
    w.set_at(a, 0, 100);
    w.set_at(b, 3, 100);
    w.set_at(b, 5, 100);  // b: 5 wins at 100
    w.set_at(a, 1, 200);
    w.set_at(a, 0, 200);
    w.set_at(a, 1, 200);  // a: 1 wins at 200
    CHECK_THROWS_AS(w.set_at(b, 1, 150), std::logic_error);  // before the time stamp being collected
    w.close_at(300);
  }
  const auto v = vcdtest::parse(path);
  const auto& ca = v.vars.at("top.a").changes;
  REQUIRE(ca.size() == 2);  // the initial 0, then 1 at 200
  CHECK(ca[1].t == 200);
  CHECK(ca[1].v == 1);
  const auto& cb = v.vars.at("top.b").changes;
  REQUIRE(cb.size() == 2);
  CHECK(cb[1].t == 100);
  CHECK(cb[1].v == 5);
  // No time stamp holds two values of one signal, and none is empty.
  std::ifstream in(path);
  std::string line, codes;
  bool values_since_stamp = true;
  for (bool defs = true; std::getline(in, line);) {
    if (line == "$enddefinitions $end") defs = false;
    if (defs || line.empty() || line[0] == '$') continue;
    if (line[0] == '#') {
      CHECK(values_since_stamp);
      codes.clear();
      values_since_stamp = false;
      continue;
    }
    const std::string code = line[0] == 'b' ? line.substr(line.find(' ') + 1) : line.substr(1);
    INFO(line);
    CHECK(codes.find("|" + code + "|") == std::string::npos);
    codes += "|" + code + "|";
    values_since_stamp = true;
  }
  std::remove(path.c_str());
}
