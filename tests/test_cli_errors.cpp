// Bad input never runs: exit status 2 and a GCC-style message naming the file,
// line and column, the key, and for a typo the key that was meant. Help works.
#include "tests/test_cli_util.hpp"

#include <regex>

using namespace iosim::itest;

namespace {

// `iosim run FILE` must fail with status 2 and a message at FILE:line:col
// mentioning every string in `want`.
void expect_config_error(const std::string& name, int line, const std::vector<std::string>& want,
                         const std::vector<std::string>& sets = {}) {
  const std::string file = scenario("bad/" + name);
  const CmdResult r = run_scenario_raw(file, sets);
  INFO("iosim run " << name << "\nstatus " << r.status << "\nstderr:\n" << r.err << "\nstdout:\n" << r.out);
  CHECK(r.status == 2);
  CHECK(r.out.empty());  // no results JSON for a run that never started
  const std::regex loc(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + ":" +
                       std::to_string(line) + R"(:\d+: )");
  CHECK(std::regex_search(r.err, loc));
  for (const auto& w : want) CHECK(r.err.find(w) != std::string::npos);
}

}  // namespace

TEST_CASE("cli: a typo'd key gives exit 2, file:line:col and 'did you mean'", "[cli][errors]") {
  expect_config_error("typo.yaml", 4, {"workload.procesess", "did you mean 'processes'"});
}

TEST_CASE("cli: an unknown key gives exit 2 and file:line:col", "[cli][errors]") {
  expect_config_error("unknown_key.yaml", 5, {"platform.host.hyperthreading", "unknown key"});
}

TEST_CASE("cli: a wrong unit gives exit 2 and file:line:col", "[cli][errors]") {
  expect_config_error("wrong_unit.yaml", 4, {"run.duration", "rpm", "time"});
}

TEST_CASE("cli: an out-of-range value gives exit 2 and file:line:col", "[cli][errors]") {
  expect_config_error("out_of_range.yaml", 5, {"platform.scsi.disks_per_bus", "15"});
}

TEST_CASE("cli: a missing include gives exit 2 and file:line:col", "[cli][errors]") {
  expect_config_error("missing_include.yaml", 2, {"include: ../no_such_platform.yaml", "No such file"});
}

TEST_CASE("cli: an unreadable include gives exit 2 and file:line:col", "[cli][errors]") {
  // A directory where a file is expected (the tests may run as root, to whom
  // a chmod 000 file is still readable).
  expect_config_error("unreadable_include.yaml", 2, {"include: ../bad", "cannot read", "is a directory"});
}

TEST_CASE("cli: a bad --set gives exit 2 located at --set:N:col with 'did you mean'", "[cli][errors]") {
  const CmdResult r = run_scenario_raw(scenario("sync_small.yaml"), {"run.duration=1s", "workload.proceses=4"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(std::regex_search(r.err, std::regex(R"(--set:2:\d+: workload\.proceses)")));
  CHECK(r.err.find("did you mean 'processes'") != std::string::npos);
}

TEST_CASE("cli: a missing scenario file gives exit 2 and names it", "[cli][errors]") {
  const CmdResult r = run_iosim({"run", scenario("no_such_scenario.yaml"), "--json"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("no_such_scenario.yaml") != std::string::npos);
}

TEST_CASE("cli: a path that cannot run exits 2, not 1", "[cli][errors]") {
  // The sync path runs only the closed-loop workload.
  const CmdResult r = run_scenario_raw(scenario("sync_small.yaml"), {"workload.kind=open"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("--set:1:") != std::string::npos);
  CHECK(r.err.find("workload.kind") != std::string::npos);
}

TEST_CASE("cli: --help exits 0 and lists the commands and options", "[cli][help]") {
  const CmdResult top = run_iosim({"--help"});
  CHECK(top.status == 0);
  CHECK(top.out.find("run") != std::string::npos);
  CHECK(top.out.find("disk-validate") != std::string::npos);
  const CmdResult run = run_iosim({"run", "--help"});
  CHECK(run.status == 0);
  for (const char* opt : {"scenario", "--set", "--out", "--vcd", "--quiet", "--json", "--no-files"}) {
    INFO(opt);
    CHECK(run.out.find(opt) != std::string::npos);
  }
}
