// platform.disk.diskspecs: a scenario runs on a DiskSim-described drive
// (issue 10, deliverable 3).
#include "tests/test_cli_util.hpp"

using namespace iosim::itest;

namespace {
const std::string kExample = std::string(IOSIM_SOURCE_DIR) + "/scenarios/examples/storage_cheetah9lp.yaml";
}

TEST_CASE("diskspecs: the Cheetah 9LP example runs on the drive file's mechanics", "[disk][cli]") {
  // Depth 1, FCFS: every read is a random miss, so the mean rotational latency
  // is half a revolution of the drive file's 10045 rpm (2.987 ms), not the
  // x342 platform's synthetic 15000 rpm disk (2.0 ms). Sampling error of the
  // mean over ~300 reads: rev / sqrt(12) / sqrt(300) = 0.1 ms, inside 10%.
  const auto j = run_scenario_json(kExample, {"workload.queue_depth=1", "platform.disk.scheduler=fcfs"});
  CHECK(stat(j, "top.workload.failed") == 0);
  REQUIRE(stat(j, "top.scsi0.disk0.ios") > 200);
  CHECK(stat(j, "top.scsi0.disk0.rotation_time") == Approx(0.5 * 60e3 / 10045).epsilon(0.10));
}

TEST_CASE("diskspecs: a missing drive file is a located error", "[disk][cli]") {
  const CmdResult r = run_scenario_raw(kExample, {"platform.disk.diskspecs=/nonexistent/drive.diskspecs"});
  CHECK(r.status == 2);
  CHECK(r.err.find("platform.disk.diskspecs") != std::string::npos);
  CHECK(r.err.find("no such file") != std::string::npos);
}
