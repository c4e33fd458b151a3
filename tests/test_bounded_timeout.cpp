// A per-point wall-clock timeout in sweeps and tables (issue 11): a child that
// runs far too long is killed and reported as a failed point, so one hung
// point cannot stall a sweep or a table. Tested with tiny timeouts on points
// that would run for minutes.
#include "tests/test_cli_util.hpp"

using namespace iosim::itest;

TEST_CASE("sweep: a point over --point-timeout is killed and reported, the others kept", "[sweep][bounded]") {
  // 10^5 simulated seconds of one disk is ~25 M requests (minutes of CPU):
  // whatever the machine's speed, it outlives a 5 s timeout. Nothing here
  // depends on how fast the short point runs: only that its row is kept.
  const CmdResult r = run_iosim({"sweep", scenario("storage_disk.yaml"), "--param", "run.duration", "--values",
                                 "0.2s,100000s", "--point-timeout", "5", "--no-files", "-j", "2"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("failed (timed out)") != std::string::npos);
  CHECK(r.err.find("run.duration=100000s: timed out") != std::string::npos);
  CHECK(r.err.find("killed after the point timeout of 5 s") != std::string::npos);
  // The sweep kept the other point: its row is reported.
  CHECK(r.out.find("0.2s") != std::string::npos);
}

TEST_CASE("table: a point over --point-timeout fails the table with a clear message", "[table][bounded]") {
  const std::string out = (std::filesystem::temp_directory_path() / "iosim_test_table_timeout").string();
  const CmdResult r = run_iosim({"table", std::string(IOSIM_SOURCE_DIR) + "/scenarios/paper/table1.yaml", "--quick",
                                 "--blocks", "4KiB", "--set", "run.duration=1000s", "--point-timeout", "0.05", "-q",
                                 "--no-plot", "--out", out});  // points of minutes: each is over the timeout
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("killed after the point timeout of 0.05 s") != std::string::npos);
  CHECK(r.err.find("iosim run ") != std::string::npos);  // the command, to rerun the point alone
}

TEST_CASE("sweep and table: a negative --point-timeout is rejected", "[sweep][table][bounded][cli]") {
  const CmdResult r = run_iosim({"sweep", scenario("storage_disk.yaml"), "--param", "run.duration", "--values", "0.2s",
                                 "--point-timeout", "-1", "--no-files"});
  CHECK(r.status != 0);
  CHECK(r.err.find("point-timeout") != std::string::npos);
}
