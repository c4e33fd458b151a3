// Results are a function of scenario + seed only: the Verilog queue controller
// and its C++ reference model give the same bytes, a rerun gives the same
// bytes, another seed gives other figures.
#include "tests/test_cli_util.hpp"

using namespace iosim::itest;

namespace {
// Moderate load so the rings hold several records and the controller is busy.
const std::vector<std::string> kLoad{"workload.rate=3000/s", "run.duration=0.5s", "run.warmup=0.1s",
                                     "platform.async.poll_period=10ms"};

std::string run_out(std::vector<std::string> sets) {
  const auto r = run_scenario_raw(scenario("async_small.yaml"), sets);
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(!r.out.empty());
  return r.out;
}

// The results without their provenance section (command line, configuration
// with origins), which names the --set that differs between two runs.
std::string simulated(const std::string& out) {
  auto j = nlohmann::ordered_json::parse(out);
  REQUIRE(j.contains("provenance"));
  j.erase("provenance");
  return j.dump(2);
}

std::vector<std::string> with(std::vector<std::string> v, const std::string& s) {
  v.push_back(s);
  return v;
}
}  // namespace

TEST_CASE("run: queue_controller rtl and model give byte-identical results", "[run][determinism][cli]") {
  const std::string rtl = run_out(with(kLoad, "platform.async.queue_controller=rtl"));
  const std::string model = run_out(with(kLoad, "platform.async.queue_controller=model"));
  CHECK(simulated(rtl) == simulated(model));
  CHECK(rtl != model);  // the provenance says which core ran
  // And the run was not trivial.
  const auto j = nlohmann::json::parse(rtl);
  CHECK(stat(j, "top.workload.completed") > 500);
}

TEST_CASE("run: same seed twice gives identical bytes, another seed different ones", "[run][determinism][cli]") {
  const std::string a = run_out(with(kLoad, "run.seed=11"));
  const std::string b = run_out(with(kLoad, "run.seed=11"));
  const std::string c = run_out(with(kLoad, "run.seed=12"));
  CHECK(a == b);
  CHECK(a != c);
  const auto ja = nlohmann::json::parse(a), jc = nlohmann::json::parse(c);
  CHECK(stat(ja, "top.workload.latency.mean") != stat(jc, "top.workload.latency.mean"));
}

TEST_CASE("run: the sync path is deterministic too", "[run][determinism][cli]") {
  auto run = [](const std::string& seed) {
    const auto r = run_scenario_raw(scenario("sync_small.yaml"),
                                    {"workload.processes=8", "run.duration=0.3s", "run.seed=" + seed});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return r.out;
  };
  const std::string a = run("3");
  CHECK(a == run("3"));
  CHECK(a != run("4"));
}
