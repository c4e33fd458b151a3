// Provenance: every results file says what was simulated (every key with its
// value, unit and origin; the command line; iosim, SystemC and Verilator
// versions), and `iosim run --dump-config` prints the configuration without
// simulating.
#include "sim/config/reader.hpp"
#include "tests/test_cli_util.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

using namespace iosim::itest;
namespace cfg = iosim::config;

namespace {
const std::vector<std::string> kShort{"run.duration=0.3s", "run.warmup=0.1s"};

std::vector<std::string> with(std::vector<std::string> v, const std::string& s) {
  v.push_back(s);
  return v;
}

const cfg::Setting* find(const cfg::EffectiveConfig& c, const std::string& path) {
  for (const auto& s : c.settings)
    if (s.path == path) return &s;
  return nullptr;
}

// The YAML without comments and trailing blanks: the values only.
std::string values_only(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string out;
  for (std::string l; std::getline(in, l);) {
    const size_t h = l.find(" #");
    if (l.rfind("#", 0) == 0) continue;
    if (h != std::string::npos) l.resize(h);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  }
  return out;
}
}  // namespace

TEST_CASE("provenance: the reader records every key read, with value, SI unit and origin", "[provenance][config]") {
  auto tree = cfg::load_config_string("disk:\n  rpm: 10000rpm\n  zones: 3\n", "t.yaml",
                                      {"disk.seek=2ms", "flag=yes"});
  const cfg::Reader r(std::move(tree));
  const cfg::Reader d = r.section("disk");
  CHECK(d.rotation("rpm", 250) == Approx(10000.0 / 60));
  CHECK(d.integer("zones", 1) == 3);
  CHECK(d.time("seek", 1e-3) == Approx(2e-3));
  CHECK(d.time("settle", 0.5e-3) == 0.5e-3);  // absent: the default
  CHECK(r.boolean("flag", false));
  const cfg::EffectiveConfig e = r.effective();
  REQUIRE(e.settings.size() == 5);
  const cfg::Setting* rpm = find(e, "disk.rpm");
  REQUIRE(rpm);
  CHECK(rpm->origin == "t.yaml:2:8");
  CHECK(rpm->unit == "rps");
  CHECK(rpm->written == "10000rpm");
  CHECK(rpm->value.get<double>() == Approx(10000.0 / 60));
  const cfg::Setting* seek = find(e, "disk.seek");
  REQUIRE(seek);
  CHECK(seek->origin == "--set disk.seek=2ms");
  CHECK(seek->unit == "s");
  const cfg::Setting* settle = find(e, "disk.settle");
  REQUIRE(settle);
  CHECK(settle->origin == "default");
  CHECK(settle->written.empty());
  CHECK(settle->value.get<double>() == 0.5e-3);
  CHECK(find(e, "disk.zones")->unit.empty());
  CHECK(find(e, "flag")->value == true);
  // The YAML dump nests the keys, gives each value in its SI unit and names its origin.
  const std::string y = cfg::dump_effective_yaml(e);
  INFO(y);
  CHECK(y.find("rpm: 10000rpm  # t.yaml:2:8") != std::string::npos);
  CHECK(y.find("settle: 0.0005 s  # default") != std::string::npos);
  CHECK(y.find("seek: 2ms  # --set disk.seek=2ms") != std::string::npos);
  CHECK(y.find("zones: 3  # t.yaml:3:10") != std::string::npos);
}

TEST_CASE("provenance: two runs differing in one --set differ in their configuration section", "[provenance][cli]") {
  const auto a = run_scenario_json(scenario("async_small.yaml"), kShort);
  const auto b = run_scenario_json(scenario("async_small.yaml"), with(kShort, "platform.disk.rpm=10000rpm"));
  REQUIRE(a.contains("provenance"));
  const auto& pa = a["provenance"];
  const auto& pb = b["provenance"];
  CHECK(pa["config"] != pb["config"]);
  const auto& ra = pa["config"]["platform.disk.rpm"];
  const auto& rb = pb["config"]["platform.disk.rpm"];
  CHECK(ra["value"].get<double>() == Approx(250.0));  // 15000 rpm from x342.yaml
  CHECK(ra["unit"] == "rps");
  CHECK(std::regex_search(ra["origin"].get<std::string>(), std::regex("platforms/x342\\.yaml:[0-9]+:[0-9]+$")));
  CHECK(rb["value"].get<double>() == Approx(10000.0 / 60));
  CHECK(rb["origin"] == "--set platform.disk.rpm=10000rpm");
  CHECK(rb["written"] == "10000rpm");
  // Everything else in the configuration is the same.
  auto ca = pa["config"], cb = pb["config"];
  ca.erase("platform.disk.rpm");
  cb.erase("platform.disk.rpm");
  CHECK(ca == cb);
  // Keys the scenario does not set are there too, with their defaults.
  REQUIRE(pa["config"].contains("platform.scsi.qas"));
  CHECK(pa["config"]["platform.scsi.qas"]["origin"] == "default");
  // The files read, the command line and the versions.
  CHECK(pa["files"].size() == 2);
  CHECK(pb["command"].back() == "platform.disk.rpm=10000rpm");
  CHECK(pb["command"][1] == "run");
  CHECK(!pa["iosim"]["version"].get<std::string>().empty());
  CHECK(!pa["iosim"]["revision"].get<std::string>().empty());
  CHECK(pa["systemc"].get<std::string>().rfind("2.", 0) == 0);
  CHECK(std::regex_search(pa["verilator"].get<std::string>(), std::regex("^[0-9]+\\.[0-9]+")));
  // The simulated figures really came from different disks.
  CHECK(stat(a, "top.workload.latency.mean") != stat(b, "top.workload.latency.mean"));
}

TEST_CASE("provenance: --dump-config prints the configuration and does not simulate", "[provenance][cli]") {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("iosim_dump_" + std::to_string(getpid()));
  fs::remove_all(out);
  // 10^5 s simulated would run for hours (past the test's timeout): only a
  // dump that does not simulate returns.
  const CmdResult r = run_iosim({"run", scenario("async_small.yaml"), "--dump-config", "--out", out.string(), "--set",
                                 "run.duration=100000s", "--set", "platform.disk.rpm=7200rpm"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(!fs::exists(out));  // no results written
  CHECK(r.out.find("throughput") == std::string::npos);
  CHECK(r.out.find("duration: 100000s  # --set run.duration=100000s") != std::string::npos);
  CHECK(r.out.find("rpm: 7200rpm  # --set platform.disk.rpm=7200rpm") != std::string::npos);
  CHECK(r.out.find("drain_limit: 120 s  # default") != std::string::npos);
  CHECK(r.out.find("qas: false  # default") != std::string::npos);
  // The dump is itself a scenario: loaded again it gives the same values.
  const fs::path dumped = fs::temp_directory_path() / ("iosim_dump_" + std::to_string(getpid()) + ".yaml");
  std::ofstream(dumped) << r.out;
  const CmdResult again = run_iosim({"run", dumped.string(), "--dump-config"});
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK(values_only(again.out) == values_only(r.out));
  CHECK(again.out.find("# " + dumped.string() + ":") != std::string::npos);
  fs::remove(dumped);
}

TEST_CASE("provenance: shipped scenarios with lists and streams dump to a scenario that loads back", "[provenance][cli]") {
  namespace fs = std::filesystem;
  for (const char* f : {"scenarios/examples/faults.yaml", "scenarios/streaming/mpeg1_1s.yaml"}) {
    INFO(f);
    const CmdResult r = run_iosim({"run", std::string(IOSIM_SOURCE_DIR) + "/" + f, "--dump-config"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const fs::path dumped = fs::temp_directory_path() / ("iosim_dump_list_" + std::to_string(getpid()) + ".yaml");
    std::ofstream(dumped) << r.out;
    const CmdResult again = run_iosim({"run", dumped.string(), "--dump-config"});
    fs::remove(dumped);
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(values_only(again.out) == values_only(r.out));
  }
}

TEST_CASE("provenance: a bad key under --dump-config is still an input error", "[provenance][cli]") {
  const CmdResult r = run_iosim({"run", scenario("async_small.yaml"), "--dump-config", "--set", "platform.disk.rmp=1rpm"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'rpm'") != std::string::npos);
}
