// VcdWriter: output parses back (header, hierarchy, values), only changes are
// written, the time window and the signal filter hold.
#include <catch2/catch.hpp>

#include "model/stats/vcd.hpp"
#include "tests/test_vcd_parse.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

using namespace iosim;

namespace {
// In the build dir (CTest runs there), not /tmp: other worktrees run the same tests.
std::string tmp_path(const char* tag) { return std::string("test_vcd_") + tag + ".vcd"; }
std::string slurp(const std::string& p) {
  std::ifstream is(p);
  return std::string(std::istreambuf_iterator<char>(is), {});
}
} // namespace

TEST_CASE("vcd: values round-trip through a parse", "[vcd]") {
  const std::string path = tmp_path("roundtrip");
  {
    VcdWriter w(path);
    const int clk = w.add("top.card.qc", "clk", 1);
    const int p = w.add("top.card.qc", "p_hr", 13);
    const int big = w.add("top.host", "bytes", 64);
    const int never = w.add("top.host", "never_set", 4);
    CHECK(w.add("top.card.qc", "p_hr", 13) == p);  // same signal, same id
    CHECK_THROWS(w.add("top.card.qc", "p_hr", 12));
    w.set_at(clk, 0, 0);
    w.set_at(p, 0, 0);
    w.set_at(big, 0, 0);
    for (uint64_t k = 1; k <= 10; ++k) {
      w.set_at(clk, 1, k * 1000);
      w.set_at(p, (k * 819) % 8192, k * 1000);
      w.set_at(p, (k * 819) % 8192, k * 1000);  // no change: nothing written
      w.set_at(clk, 0, k * 1000 + 500);
      if (k == 7) w.set_at(big, ~0ull, 7777);
    }
    w.set_at(p, 1u << 13 | 5, 20000);  // masked to 13 bits -> 5
    CHECK_THROWS_AS(w.add("top", "late", 1), std::logic_error);
    CHECK_THROWS_AS(w.set_at(clk, 1, 100), std::logic_error);  // time backwards
    w.close_at(30000);
    (void)never;
  }
  const auto v = vcdtest::parse(path);
  CHECK(v.timescale == "1ps");
  REQUIRE(v.vars.count("top.card.qc.clk"));
  REQUIRE(v.vars.count("top.card.qc.p_hr"));
  CHECK(v.vars.at("top.card.qc.p_hr").width == 13);
  CHECK(v.vars.at("top.host.bytes").width == 64);
  CHECK(v.at("top.host.never_set", 30000) == vcdtest::kX);
  CHECK(v.rises("top.card.qc.clk") == 10);
  for (uint64_t k = 1; k <= 10; ++k) {
    CHECK(v.at("top.card.qc.p_hr", k * 1000 + 1) == int64_t((k * 819) % 8192));
    CHECK(v.at("top.card.qc.clk", k * 1000 + 1) == 1);
    CHECK(v.at("top.card.qc.clk", k * 1000 + 501) == 0);
  }
  CHECK(v.vars.at("top.card.qc.p_hr").changes.size() == 1 + 10 + 1);  // only changes
  CHECK(v.at("top.host.bytes", 8000) == int64_t(~0ull));  // all ones (parsed as -1 in int64)
  CHECK(v.at("top.card.qc.p_hr", 20000) == 5);
  CHECK(v.last_time == 30000);
  CHECK(slurp(path).find("$date") == std::string::npos);  // no wall clock in the output
  std::remove(path.c_str());
}

TEST_CASE("vcd: time window dumps values at t_begin and nothing outside", "[vcd]") {
  const std::string path = tmp_path("window");
  VcdOptions opt;
  opt.t_begin_ps = 100;
  opt.t_end_ps = 200;
  {
    VcdWriter w(path, opt);
    const int a = w.add("top", "a", 8);
    const int b = w.add("top", "b", 1);
    w.set_at(a, 1, 10);
    w.set_at(a, 2, 50);   // current at t_begin
    w.set_at(b, 1, 100);  // at t_begin: part of the initial dump
    w.set_at(a, 3, 150);
    w.set_at(a, 4, 200);  // at t_end: written
    w.set_at(a, 5, 250);  // after: not written
    w.set_at(b, 0, 300);
    w.close_at(1000);
  }
  const auto v = vcdtest::parse(path);
  const auto& ca = v.vars.at("top.a").changes;
  REQUIRE(ca.size() == 3);
  CHECK(ca[0].t == 100); CHECK(ca[0].v == 2);
  CHECK(ca[1].t == 150); CHECK(ca[1].v == 3);
  CHECK(ca[2].t == 200); CHECK(ca[2].v == 4);
  CHECK(v.vars.at("top.b").changes.size() == 1);
  CHECK(v.at("top.b", 100) == 1);
  CHECK(v.last_time == 200);  // closed at t_end, not at 1000
  std::remove(path.c_str());
}

TEST_CASE("vcd: a run that ends before the window still gives a valid file", "[vcd]") {
  const std::string path = tmp_path("early");
  VcdOptions opt;
  opt.t_begin_ps = 1000000;
  {
    VcdWriter w(path, opt);
    const int a = w.add("top", "a", 3);
    w.set_at(a, 7, 10);
    w.close_at(500);
  }
  const auto v = vcdtest::parse(path);
  CHECK(v.vars.count("top.a") == 1);
  CHECK(v.vars.at("top.a").changes.empty());
  std::remove(path.c_str());
}

TEST_CASE("vcd: filter globs select signals by scope.name", "[vcd]") {
  const std::string path = tmp_path("filter");
  VcdOptions opt;
  opt.filters = {"top.card.*", "*.busy"};
  {
    VcdWriter w(path, opt);
    const int p = w.add("top.card.qc", "p_hr", 13);
    const int busy = w.add("top.scsi0.disk3", "busy", 1);
    const int other = w.add("top.host.cpu0", "running", 1);
    CHECK(p >= 0);
    CHECK(busy >= 0);
    CHECK(other == -1);
    w.set_at(p, 3, 0);
    w.set_at(other, 1, 5);  // ignored
    w.set_at(busy, 1, 10);
    w.close_at(20);
  }
  const auto v = vcdtest::parse(path);
  CHECK(v.vars.size() == 2);
  CHECK(v.vars.count("top.card.qc.p_hr") == 1);
  CHECK(v.vars.count("top.scsi0.disk3.busy") == 1);
  CHECK(v.at("top.scsi0.disk3.busy", 10) == 1);
  std::remove(path.c_str());
}

TEST_CASE("vcd: process-wide accessor is null until set and cleared by the writer", "[vcd]") {
  CHECK(vcd_writer() == nullptr);
  {
    VcdWriter w(tmp_path("global"));
    set_vcd_writer(&w);
    CHECK(vcd_writer() == &w);
  }
  CHECK(vcd_writer() == nullptr);
  std::remove(tmp_path("global").c_str());
}
