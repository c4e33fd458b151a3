// The open-loop storage workload keeps at most workload.max_outstanding
// requests in flight; arrivals beyond are dropped and counted (issue 11: at
// 100k/s it used to grow without bound, ~770 B per request in flight).
// Counts only, no timing: the peak in flight is what memory grows with.
#include "tests/test_cli_util.hpp"

#include "model/workload/storage_initiator.hpp"

#include <cmath>

using namespace iosim::itest;

namespace {

// One x342 disk, 4 KiB random reads, open loop at `rate`.
std::vector<std::string> open_loop(const std::string& rate, const std::string& duration) {
  return {"workload.queue_depth=0", "workload.rate=" + rate, "run.warmup=0.1s", "run.duration=" + duration};
}

}  // namespace

TEST_CASE("storage open loop beyond max_outstanding drops and counts arrivals", "[workload][bounded]") {
  auto sets = open_loop("100000/s", "1s");  // ~250x what one disk serves
  sets.push_back("workload.max_outstanding=64");
  const nlohmann::json j = run_scenario_json(scenario("storage_disk.yaml"), sets);  // exit 0: nothing lost
  const double peak = stat(j, "top.workload.outstanding.max");
  const double dropped = stat(j, "top.workload.dropped"), issued = stat(j, "top.workload.issued");
  CHECK(peak <= 64);
  CHECK(peak == 64);  // the disk cannot keep up: the bound is reached
  CHECK(stat(j, "top.workload.outstanding") <= 64);
  CHECK(dropped > 0);
  // Dropped + issued are the window's arrivals: the offered Poisson stream is
  // unchanged by the bound (100000 expected, one sigma ~316).
  const double window = j.at("run").at("duration_s").get<double>();
  CHECK(std::fabs(issued + dropped - 100000 * window) < 5 * std::sqrt(100000 * window));
  CHECK(stat(j, "top.workload.completed") <= issued + 64);
}

TEST_CASE("storage open loop: the default bound holds and light load drops nothing", "[workload][bounded]") {
  const nlohmann::json over = run_scenario_json(scenario("storage_disk.yaml"), open_loop("100000/s", "0.5s"));
  CHECK(stat(over, "top.workload.outstanding.max") <= double(iosim::StorageInitiator::kDefaultMaxOutstanding));
  CHECK(stat(over, "top.workload.dropped") > 0);
  // 50/s on a disk serving ~250/s: the bound is never reached.
  const nlohmann::json light = run_scenario_json(scenario("storage_disk.yaml"), open_loop("50/s", "2s"));
  CHECK(stat(light, "top.workload.dropped") == 0);
  CHECK(stat(light, "top.workload.issued") > 0);
  CHECK(stat(light, "top.workload.outstanding.max") < 64);
}

TEST_CASE("workload.max_outstanding: out of range is a located input error", "[workload][bounded][cli]") {
  auto sets = open_loop("1000/s", "0.5s");
  sets.push_back("workload.max_outstanding=0");
  const CmdResult r = run_scenario_raw(scenario("storage_disk.yaml"), sets);
  CHECK(r.status == 2);
  CHECK(r.err.find("max_outstanding") != std::string::npos);
}
