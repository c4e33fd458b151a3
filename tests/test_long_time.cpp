// Simulated time past 2^53 ps (~9007 s): the double ratio sc_time / 1 ps
// stops being exact there, and the queue controller, which computed its
// clock edges through it, woke before an edge again and again at no time
// step (the 10^8-I/O soak hung at ~9000 s). Edges are integer picoseconds
// now (model/common/time_ps.hpp).
#include "model/common/time_ps.hpp"
#include "tests/test_cli_util.hpp"

#include <catch2/catch.hpp>

using namespace iosim::itest;

TEST_CASE("time: integer picoseconds stay exact past 2^53 ps, where the double ratio does not", "[time]") {
  iosim::require_ps_resolution();
  const uint64_t big = (uint64_t(1) << 53) + 1;  // ~9007 s
  CHECK(iosim::to_ps(iosim::from_ps(big)) == big);
  CHECK(iosim::from_ps(big) != iosim::from_ps(big - 1));
  // What the old code did: the ratio in double rounds this edge to its neighbour.
  CHECK(uint64_t(std::llround(iosim::from_ps(big) / sc_core::sc_time(1, sc_core::SC_PS))) != big);
}

TEST_CASE("time: past 2^53 ps the card path serves its offered rate", "[time][cli]") {
  // 2 reads/s over 9100 s of simulated time: the queue controller's clock
  // edges beyond 2^53 ps, where the double edges could not reach their time.
  const auto j = run_scenario_json(std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml",
                                   {"workload.rate=2/s", "run.duration=9100s"});
  CHECK(stat(j, "run.simulated") > 9100);
  CHECK(stat(j, "top.workload.io_rate") == Approx(2).epsilon(0.05));
  CHECK(stat(j, "run.requests_completed") == stat(j, "run.requests_issued"));
}
