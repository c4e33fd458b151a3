// System-level waveforms (iosim run --vcd) on one timeline with the queue
// controller's RTL ports: the signals are there, the window and the filter
// hold, the waveform agrees with the reported statistics, tracing changes no
// result, and traces/async_rings.gtkw names only signals that exist.
#include <catch2/catch.hpp>

#include "tests/test_vcd_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fnmatch.h>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

const std::string kAsync = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";
constexpr uint64_t kMs = 1000000000ull;  // 1 ms in ps

// In the build dir (CTest runs there), not /tmp: other worktrees run the same tests.
std::string tmp_path(const std::string& tag, const char* ext) { return "test_vcd_system_" + tag + ext; }

std::string slurp(const std::string& p) {
  std::ifstream is(p);
  return std::string(std::istreambuf_iterator<char>(is), {});
}

// Runs `iosim run SCENARIO args...` with stdout to `out`; returns the exit code.
int iosim_run(const std::string& args, const std::string& out) {
  const std::string cmd = std::string("'") + IOSIM_BINARY + "' run '" + kAsync + "' " + args + " > '" + out + "'";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Time-weighted mean of a signal over [t0, t1] (x counts as 0).
double mean_over(const vcdtest::Vcd& v, const std::string& name, uint64_t t0, uint64_t t1) {
  double area = 0;
  int64_t val = v.at(name, t0);
  uint64_t t = t0;
  for (const auto& c : v.vars.at(name).changes) {
    if (c.t <= t0) continue;
    if (c.t > t1) break;
    area += double(val > 0 ? val : 0) * double(c.t - t);
    t = c.t;
    val = c.v;
  }
  area += double(val > 0 ? val : 0) * double(t1 - t);
  return area / double(t1 - t0);
}

std::set<int64_t> values(const vcdtest::Vcd& v, const std::string& name) {
  std::set<int64_t> s;
  for (const auto& c : v.vars.at(name).changes) s.insert(c.v);
  return s;
}

// Signals a GTKWave save file displays: "name" or "name[msb:lsb]", after an
// optional "+{alias} ". Comments, groups, flags and settings are skipped.
struct GtkwSignal { std::string name; unsigned width; };
std::vector<GtkwSignal> gtkw_signals(const std::string& path, std::vector<std::string>* filters) {
  std::ifstream is(path);
  REQUIRE(is);
  std::vector<GtkwSignal> out;
  const std::regex alias(R"(^\+\{[^}]*\} )"), range(R"(^(.*)\[(\d+):(\d+)\]$)");
  for (std::string line; std::getline(is, line);) {
    if (line.empty() || std::string("[@-*#").find(line[0]) != std::string::npos) continue;
    if (line[0] == '^') {  // "^N file": a translate filter file
      filters->push_back(line.substr(line.find(' ') + 1));
      continue;
    }
    line = std::regex_replace(line, alias, "");
    std::smatch m;
    if (std::regex_match(line, m, range))
      out.push_back({m[1], unsigned(std::stoul(m[2]) - std::stoul(m[3]) + 1)});
    else
      out.push_back({line, 1});
  }
  return out;
}

}  // namespace

TEST_CASE("vcd system: RTL ports and system signals on one timeline, inside the window",
          "[vcd][cli]") {
  const std::string vcd = tmp_path("timeline", ".vcd");
  // Polls at 100 ms and 200 ms fall in the window.
  REQUIRE(iosim_run("--vcd " + vcd + " --no-files --quiet --set run.warmup=0.05s --set run.duration=0.25s"
                    " --set run.vcd.from=90ms --set run.vcd.to=250ms", tmp_path("timeline", ".out")) == 0);
  const auto v = vcdtest::parse(vcd);  // throws on anything malformed, times not increasing included
  CHECK(v.timescale == "1ps");

  // Expected signals and widths: RTL ports, rings, host, card, PCI, SCSI, every disk.
  std::vector<std::pair<std::string, unsigned>> expect = {
      {"top.card.qc.clk", 1}, {"top.card.qc.h_req_push", 1}, {"top.card.qc.h_cpl_pop", 1},
      {"top.card.qc.p_hr", 13}, {"top.card.qc.req_count", 14}, {"top.card.qc.cpl_count", 14},
      {"top.host.cpu0.state", 2}, {"top.host.cpu1.state", 2}, {"top.host.aio.poll", 1},
      {"top.host.aio.polls", 16}, {"top.host.aio.batch", 16}, {"top.host.aio.ring_full_waiters", 16},
      {"top.card.fw.busy", 1}, {"top.card.fw.in_card", 16},
      {"top.pci.busy", 1}, {"top.pci.gnt_host", 1}, {"top.pci.gnt_card", 1}};
  for (int b = 0; b < 2; ++b) {
    const std::string bus = "top.scsi" + std::to_string(b);
    expect.push_back({bus + ".bus.busy", 1});
    expect.push_back({bus + ".bus.phase", 3});
    expect.push_back({bus + ".bus.id", 4});
    for (int d = 0; d < 10; ++d) {
      expect.push_back({bus + ".disk" + std::to_string(d) + ".busy", 1});
      expect.push_back({bus + ".disk" + std::to_string(d) + ".queue_depth", 8});
    }
  }
  for (const auto& [name, width] : expect) {
    INFO(name);
    REQUIRE(v.vars.count(name) == 1);
    CHECK(v.vars.at(name).width == width);
  }

  // The window: everything from 90 ms (the values then) to 250 ms, nothing outside.
  const uint64_t t0 = 90 * kMs, t1 = 250 * kMs;
  CHECK(v.last_time == t1);
  for (const auto& [name, var] : v.vars) {
    INFO(name);
    REQUIRE_FALSE(var.changes.empty());
    CHECK(var.changes.front().t == t0);
    CHECK(var.changes.back().t <= t1);
    CHECK(var.changes.front().v != vcdtest::kX);  // every signal has a value from the start
  }

  // Values move.
  CHECK(v.rises("top.card.qc.clk") > 1000);
  CHECK(v.rises("top.host.aio.poll") == 2);
  CHECK(values(v, "top.host.aio.polls") == std::set<int64_t>{0, 1, 2});
  CHECK(v.at("top.host.aio.batch", t1) > 0);
  std::set<int64_t> states;
  for (const char* c : {"top.host.cpu0.state", "top.host.cpu1.state"})
    for (int64_t s : values(v, c)) states.insert(s);
  CHECK(states == std::set<int64_t>{0, 1, 2, 3});  // idle, user, system, irq all seen
  CHECK(v.rises("top.pci.gnt_host") > 100);
  CHECK(v.rises("top.pci.gnt_card") > 100);
  CHECK(v.rises("top.card.fw.busy") > 100);
  for (const char* bus : {"top.scsi0.bus", "top.scsi1.bus"}) {
    INFO(bus);
    CHECK(values(v, std::string(bus) + ".phase") == std::set<int64_t>{0, 1, 2, 3, 4, 5, 6});
    CHECK(values(v, std::string(bus) + ".id").size() >= 5);  // several disks and the card hold it
  }
  CHECK(v.rises("top.scsi0.disk3.busy") > 5);
  CHECK(*values(v, "top.scsi0.disk3.queue_depth").rbegin() >= 2);

  // One timeline: the host pops completions only from the polling thread, so
  // every RTL h_cpl_pop strobe lies inside a poll pulse and on a busy CPU.
  size_t pops = 0;
  for (const auto& c : v.vars.at("top.card.qc.h_cpl_pop").changes) {
    if (c.v != 1) continue;
    ++pops;
    INFO("h_cpl_pop at " << c.t);
    CHECK(v.at("top.host.aio.poll", c.t) == 1);
    CHECK((v.at("top.host.cpu0.state", c.t) != 0 || v.at("top.host.cpu1.state", c.t) != 0));
  }
  CHECK(pops > 100);
  // Derived lines agree with their parts (the values a time step ends with:
  // a bus handed over at one edge goes 0 and 1 at the same time).
  for (const auto& c : v.vars.at("top.pci.busy").changes) {
    INFO("pci at " << c.t);
    CHECK(v.at("top.pci.busy", c.t) == (v.at("top.pci.gnt_host", c.t) | v.at("top.pci.gnt_card", c.t)));
  }
  for (const auto& c : v.vars.at("top.scsi0.bus.phase").changes) {
    INFO("scsi0 at " << c.t);
    CHECK(v.at("top.scsi0.bus.busy", c.t) == (v.at("top.scsi0.bus.phase", c.t) != 0));
  }
  std::remove(vcd.c_str());
  std::remove(tmp_path("timeline", ".out").c_str());
}

TEST_CASE("vcd system: the waveform integrates to the reported figures, the filter selects",
          "[vcd][cli]") {
  const std::string vcd = tmp_path("integral", ".vcd"), json = tmp_path("integral", ".json");
  const std::vector<std::string> filters = {"top.host.cpu*", "top.card.fw.busy", "top.pci.busy",
                                            "top.scsi?.bus.busy", "top.scsi0.disk0.*"};
  std::string sig;
  for (const auto& f : filters) sig += (sig.empty() ? "" : ",") + f;
  // The window is the measured window: warm-up 0.05 s, then 0.3 s.
  REQUIRE(iosim_run("--vcd " + vcd + " --no-files --quiet --json --set run.warmup=0.05s --set run.duration=0.3s"
                    " --set run.vcd.from=50ms --set run.vcd.to=350ms --set run.vcd.signals=" + sig, json) == 0);
  const auto v = vcdtest::parse(vcd);
  const auto st = nlohmann::json::parse(slurp(json)).at("stats");
  auto stat = [&](const std::string& k) { INFO(k); return st.at(k).at("value").get<double>(); };

  // Only what the filter lets through.
  for (const auto& [name, var] : v.vars) {
    bool match = false;
    for (const auto& f : filters) match = match || fnmatch(f.c_str(), name.c_str(), 0) == 0;
    INFO(name);
    CHECK(match);
  }
  CHECK(v.vars.size() == 2 + 1 + 1 + 2 + 2);
  CHECK(v.vars.count("top.card.qc.clk") == 0);

  const uint64_t t0 = 50 * kMs, t1 = 350 * kMs;
  // Host CPU state: time in each state = the host's accounting (%).
  const char* cat[] = {"idle", "user", "system", "irq"};
  for (int c = 0; c < 2; ++c) {
    const std::string s = "top.host.cpu" + std::to_string(c);
    for (int k = 0; k < 4; ++k) {
      double area = 0;  // time-weighted indicator of state k
      int64_t val = v.at(s + ".state", t0);
      uint64_t t = t0;
      for (const auto& ch : v.vars.at(s + ".state").changes) {
        if (ch.t <= t0) continue;
        area += (val == k) * double(ch.t - t);
        t = ch.t;
        val = ch.v;
      }
      area += (val == k) * double(t1 - t);
      INFO(s << " " << cat[k]);
      CHECK(100 * area / double(t1 - t0) == Approx(stat(s + "." + cat[k])).margin(0.01));
    }
  }
  CHECK(100 * mean_over(v, "top.card.fw.busy", t0, t1) == Approx(stat("top.card.fw.busy")).margin(0.01));
  CHECK(100 * mean_over(v, "top.pci.busy", t0, t1) == Approx(stat("top.pci.busy")).margin(0.01));
  CHECK(100 * mean_over(v, "top.scsi0.bus.busy", t0, t1) == Approx(stat("top.scsi0.bus.busy")).margin(0.01));
  CHECK(100 * mean_over(v, "top.scsi1.bus.busy", t0, t1) == Approx(stat("top.scsi1.bus.busy")).margin(0.01));
  CHECK(100 * mean_over(v, "top.scsi0.disk0.busy", t0, t1) == Approx(stat("top.scsi0.disk0.busy")).margin(0.01));
  CHECK(mean_over(v, "top.scsi0.disk0.queue_depth", t0, t1) ==
        Approx(stat("top.scsi0.disk0.queue_depth")).margin(1e-3));
  CHECK(stat("top.host.busy") > 0.5);  // not a vacuous comparison of zeros
  CHECK(stat("top.scsi0.disk0.busy") > 10);
  std::remove(vcd.c_str());
  std::remove(json.c_str());
}

TEST_CASE("vcd system: tracing changes no result, and the trace repeats byte for byte", "[vcd][cli]") {
  // Long enough to matter: a queue controller that waited for its clock's
  // low half only while tracing changed the order of processes at later edges,
  // and this run's figures with it (not before ~1.5 s here). The window is
  // short; the tracing code runs all along.
  const std::string args = " --no-files --quiet --json --set run.duration=1.5s";
  const std::string trace = " --set run.vcd.from=0.6s --set run.vcd.to=0.65s --vcd ";
  const std::string a = tmp_path("same_a", ".json"), b = tmp_path("same_b", ".json"), c = tmp_path("same_c", ".json");
  const std::string v1 = tmp_path("same_1", ".vcd"), v2 = tmp_path("same_2", ".vcd");
  REQUIRE(iosim_run(args, a) == 0);
  REQUIRE(iosim_run(args + trace + v1, b) == 0);
  REQUIRE(iosim_run(args + trace + v2, c) == 0);
  // The results but their provenance (which names the --vcd and run.vcd.* of the traced runs).
  auto simulated = [](const std::string& text) {
    auto j = nlohmann::ordered_json::parse(text);
    j.erase("provenance");
    return j.dump(2);
  };
  const std::string ja = simulated(slurp(a));
  CHECK(ja.find("top.workload.io_rate") != std::string::npos);
  CHECK(ja == simulated(slurp(b)));
  const std::string w1 = slurp(v1);
  CHECK(w1.size() > 50000);
  CHECK(w1 == slurp(v2));
  for (const auto& p : {a, b, c, v1, v2}) std::remove(p.c_str());
}

TEST_CASE("vcd system: traces/async_rings.gtkw names only signals of the scenario's VCD", "[vcd][cli]") {
  const std::string src = IOSIM_SOURCE_DIR;
  std::vector<std::string> filters;
  const auto sigs = gtkw_signals(src + "/traces/async_rings.gtkw", &filters);
  REQUIRE(sigs.size() > 40);
  for (const auto& f : filters) {
    INFO(f);
    CHECK(!slurp(src + "/" + f).empty());  // translate filters, relative to the repository root
  }
  // The scenario's own window (run.vcd in x342_async.yaml); a shorter run
  // that still covers it.
  const std::string vcd = tmp_path("gtkw", ".vcd");
  REQUIRE(iosim_run("--vcd " + vcd + " --no-files --quiet --set run.duration=0.3s", tmp_path("gtkw", ".out")) == 0);
  const auto v = vcdtest::parse(vcd);
  for (const auto& s : sigs) {
    INFO(s.name);
    REQUIRE(v.vars.count(s.name) == 1);
    CHECK(v.vars.at(s.name).width == s.width);
  }
  // The save file's view starts inside the window.
  const std::string g = slurp(src + "/traces/async_rings.gtkw");
  std::smatch m;
  REQUIRE(std::regex_search(g, m, std::regex(R"(\[timestart\] (\d+))")));
  const uint64_t start = std::stoull(m[1]);
  CHECK(v.vars.at("top.card.qc.clk").changes.front().t == 500 * kMs);
  CHECK(v.last_time == 750 * kMs);
  CHECK(start >= 500 * kMs);
  CHECK(start < 750 * kMs);
  std::remove(vcd.c_str());
  std::remove(tmp_path("gtkw", ".out").c_str());
}

TEST_CASE("vcd system: traces/sync_path.gtkw names only signals of the sync path's VCD", "[vcd][cli]") {
  const std::string src = IOSIM_SOURCE_DIR;
  std::vector<std::string> filters;
  const auto sigs = gtkw_signals(src + "/traces/sync_path.gtkw", &filters);
  REQUIRE(sigs.size() > 20);
  for (const auto& f : filters) {
    INFO(f);
    CHECK(!slurp(src + "/" + f).empty());
  }
  // The command its header gives (window 0.5 s .. 0.55 s), on a shorter run.
  const std::string vcd = tmp_path("sync_gtkw", ".vcd");
  const std::string cmd = std::string("'") + IOSIM_BINARY + "' run '" + src +
                          "/scenarios/platforms/x342_sync.yaml' --no-files --quiet --set run.duration=0.1s"
                          " --set run.vcd.from=0.5s --set run.vcd.to=0.55s --vcd " + vcd;
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto v = vcdtest::parse(vcd);
  for (const auto& s : sigs) {
    INFO(s.name);
    REQUIRE(v.vars.count(s.name) == 1);
    CHECK(v.vars.at(s.name).width == s.width);
  }
  CHECK(v.vars.at("top.hba0.outstanding").changes.size() > 10);  // the HBAs are working in the window
  // Interrupt lines and task counts: each HBA's line rises per batch of
  // replies and falls once handled; at most 2 tasks run (2 CPUs); nearly all
  // of the 66 readers are blocked on I/O at any time (66 = the scenario's).
  for (const char* line : {"top.host.irq.line0", "top.host.irq.line1"}) {
    INFO(line);
    CHECK(v.rises(line) > 20);
    CHECK(v.at(line, 550 * kMs) >= 0);
  }
  int64_t most_running = 0, fewest_blocked = 1 << 20, most_blocked = 0;
  for (const auto& c : v.vars.at("top.host.tasks.running").changes) most_running = std::max(most_running, c.v);
  for (const auto& c : v.vars.at("top.host.tasks.io_blocked").changes) {
    fewest_blocked = std::min(fewest_blocked, c.v);
    most_blocked = std::max(most_blocked, c.v);
  }
  CHECK(most_running >= 1);
  CHECK(most_running <= 2);
  CHECK(most_blocked <= 66);
  CHECK(fewest_blocked >= 55);
  const std::string g = slurp(src + "/traces/sync_path.gtkw");
  CHECK(g.find("--set run.vcd.from=0.5s --set run.vcd.to=0.55s") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(g, m, std::regex(R"(\[timestart\] (\d+))")));
  CHECK(std::stoull(m[1]) >= 500 * kMs);
  CHECK(std::stoull(m[1]) < 550 * kMs);
  std::remove(vcd.c_str());
}
