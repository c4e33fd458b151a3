// The per-request trace (iosim run --trace-requests): a row per request issued,
// each id once, the measured rows are exactly the window's completions, the
// latency column is done - issue, every request names the disk(s) RAID0 maps
// it to, and the file repeats byte for byte.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {
std::string tmp(const std::string& tag, const char* ext) { return "test_request_trace_" + tag + ext; }

std::string slurp(const std::string& p) {
  std::ifstream is(p);
  return std::string(std::istreambuf_iterator<char>(is), {});
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string f; std::getline(ss, f, sep);) out.push_back(f);
  return out;
}

// Runs iosim with a trace; returns the results JSON.
nlohmann::json run(const std::string& scenario, const std::string& sets, const std::string& trace) {
  const std::string json = trace + ".json";  // per trace: the test cases run in parallel
  const std::string cmd = std::string("'") + IOSIM_BINARY + "' run '" + IOSIM_SOURCE_DIR + "/" + scenario +
                          "' --no-files --json " + sets + " --trace-requests " + trace + " > " + json;
  const int rc = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(rc));
  REQUIRE(WEXITSTATUS(rc) == 0);
  auto j = nlohmann::json::parse(slurp(json));
  std::remove(json.c_str());
  return j;
}

double stat(const nlohmann::json& j, const std::string& key) { return j.at("stats").at(key).at("value").get<double>(); }

void check_trace(const std::string& scenario, const std::string& sets, const std::string& stack) {
  const std::string t = tmp(stack, ".csv");
  const auto j = run(scenario, sets, t);
  std::ifstream is(t);
  std::string line;
  REQUIRE(std::getline(is, line));
  CHECK(line == "id,op,lba,bytes,issuer,stack,disks,issue_s,done_s,latency_ms,outcome,phase");
  std::set<uint64_t> ids;
  uint64_t measured = 0, rows = 0;
  while (std::getline(is, line)) {
    const auto f = split(line, ',');
    REQUIRE(f.size() == 12);
    ++rows;
    CHECK(ids.insert(std::stoull(f[0])).second);
    CHECK(f[5] == stack);
    CHECK(f[6].rfind("scsi", 0) == 0);  // at least one disk
    const double issue = std::stod(f[7]), done = std::stod(f[8]), lat = std::stod(f[9]);
    CHECK(done >= issue);
    CHECK(std::abs((done - issue) * 1e3 - lat) < 1e-6);
    CHECK(f[10] == "ok");
    measured += f[11] == "measured";
  }
  CHECK(rows == uint64_t(stat(j, "run.requests_issued")));
  CHECK(measured == uint64_t(stat(j, "top.workload.completed")));
  CHECK(measured > 100);
  std::remove(t.c_str());
}
}  // namespace

TEST_CASE("request trace: a row per request, the window's completions, latency and disks (async)", "[trace][cli]") {
  check_trace("scenarios/platforms/x342_async.yaml", "--set run.duration=0.5s", "async");
}

TEST_CASE("request trace: the sync path, and the same bytes twice", "[trace][cli]") {
  check_trace("scenarios/platforms/x342_sync.yaml", "--set run.duration=0.3s", "sync");
  const std::string a = tmp("a", ".csv"), b = tmp("b", ".csv");
  run("scenarios/platforms/x342_sync.yaml", "--set run.duration=0.2s", a);
  run("scenarios/platforms/x342_sync.yaml", "--set run.duration=0.2s", b);
  CHECK(slurp(a).size() > 1000);
  CHECK(slurp(a) == slurp(b));
  std::remove(a.c_str());
  std::remove(b.c_str());
}
