// Kernel AIO (model/host/kernel_aio.hpp), end to end through iosim as a child
// process: at equal outstanding requests it never gives fewer I/O/s than the
// sync stack (one process per request, or one process with iodepth N); the
// context's nr_events bounds what is in flight (EAGAIN -> the caller waits);
// reaper threads serve the open-loop program, in batches with min_nr and a
// timeout; every request ends once; the CPU accounting adds up; a media error
// reaches the caller as -EIO.
#include "tests/test_stack_util.hpp"

#include <filesystem>
#include <fstream>

using namespace iosim::itest;
using Catch::Matchers::Contains;

namespace {

const std::string kSync = "platforms/x342_sync.yaml";
const std::string kKaio = "stacks/x342_kaio.yaml";

std::vector<std::string> with(std::vector<std::string> sets) { return with_short_run(std::move(sets)); }

std::string write_scenario(const std::string& tag, const std::string& body) {
  return write_x342_scenario("kaio", tag, body);
}

}  // namespace

TEST_CASE("kaio: never below sync at equal outstanding requests", "[kaio][stacks][cli]") {
  for (int n : {4, 16, 66}) {
    const std::string s = std::to_string(n);
    INFO("outstanding " << n);
    const auto sync = run_scenario_json(shipped(kSync), with({"workload.processes=" + s}));
    const double base = stat(sync, "top.workload.io_rate");
    // One process per request (as sync), and one process keeping n in flight.
    const auto procs = run_scenario_json(shipped(kKaio), with({"workload.processes=" + s}));
    const auto depth = run_scenario_json(shipped(kKaio), with({"workload.processes=1", "workload.iodepth=" + s}));
    CHECK(stat(procs, "top.workload.io_rate") >= base);
    CHECK(stat(depth, "top.workload.io_rate") >= base);
    CHECK(stat(depth, "top.workload.outstanding") == Approx(n).epsilon(0.01));
    // One process instead of n: no switch between issuers, fewer scheduler passes.
    CHECK(switch_us_per_io(depth) < switch_us_per_io(sync));
    check_accounting(depth);
  }
}

TEST_CASE("kaio: nr_events bounds what is in flight and EAGAIN from io_submit makes the caller wait", "[kaio][stacks][cli]") {
  const auto small = run_scenario_json(shipped(kKaio), with({"workload.processes=16", "platform.kaio.nr_events=4"}));
  const auto big = run_scenario_json(shipped(kKaio), with({"workload.processes=16"}));
  CHECK(stat(small, "top.host.kaio.eagain_rate") > 0);
  CHECK(stat(small, "top.host.kaio.in_flight") <= 4);
  CHECK(stat(big, "top.host.kaio.eagain_rate") == 0);
  CHECK(stat(small, "top.workload.io_rate") < 0.7 * stat(big, "top.workload.io_rate"));
  const auto sync4 = run_scenario_json(shipped(kSync), with({"workload.processes=4"}));
  CHECK(stat(small, "top.workload.io_rate") == Approx(stat(sync4, "top.workload.io_rate")).epsilon(0.05));
  check_accounting(small);
}

TEST_CASE("kaio: reaper threads serve the open-loop program and min_nr with a timeout makes batches", "[kaio][stacks][cli]") {
  const std::vector<std::string> open{"workload.kind=open", "workload.rate=2000/s", "workload.processes=8",
                                      "workload.iodepth=null", "platform.kaio.reapers=1"};
  auto sets = [&](std::vector<std::string> extra) {
    auto v = open;
    v.insert(v.end(), extra.begin(), extra.end());
    return with(v);
  };
  const auto one = run_scenario_json(shipped(kKaio), sets({}));
  CHECK(stat(one, "top.workload.io_rate") == Approx(2000).epsilon(0.08));
  CHECK(stat(one, "top.host.kaio.events_per_call") >= 1);
  check_accounting(one);
  const auto batched = run_scenario_json(shipped(kKaio), sets({"platform.kaio.min_nr=8", "platform.kaio.timeout=5ms"}));
  CHECK(stat(batched, "top.workload.io_rate") == Approx(2000).epsilon(0.08));
  CHECK(stat(batched, "top.host.kaio.events_per_call") > 4);
  CHECK(stat(batched, "top.host.kaio.getevents_rate") < 0.3 * stat(one, "top.host.kaio.getevents_rate"));
  CHECK(stat(batched, "top.workload.latency.mean") > stat(one, "top.workload.latency.mean"));  // events wait for the batch
  CHECK(cpu_us_per_io(batched) < cpu_us_per_io(one));
  check_accounting(batched);
}

TEST_CASE("kaio: a MEDIUM ERROR reaches the caller as -EIO after the mid-layer's retries", "[kaio][faults][cli]") {
  for (const char* reapers : {"0", "1"}) {
    INFO("reapers " << reapers);
    const auto j = run_scenario_json(write_scenario(
        std::string("eio") + reapers,
        std::string("platform:\n  io_path: kaio\n  kaio:\n    reapers: ") + reapers +
            "\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
            "run:\n  warmup: 0.1s\n  duration: 0.6s\n"
            "workload:\n  kind: closed\n  processes: 8\n"
            "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    probability: 1\n    retries: 1\n"));
    const double eio = stat(j, "top.host.sd.eio");
    CHECK(eio > 10);
    CHECK(stat(j, "top.workload.failed") == Approx(eio).margin(8));
    CHECK(stat(j, "top.host.kaio.eio") == Approx(eio).margin(8));
    CHECK(stat(j, "top.workload.completed") > 10);
    CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  }
}

TEST_CASE("kaio: keys located and checked together", "[kaio][cli][errors]") {
  auto err = [](const std::vector<std::string>& sets) {
    const CmdResult r = run_scenario_raw(shipped(kKaio), sets);
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  CHECK_THAT(err({"platform.kaio.reaper=2"}), Contains("did you mean 'reapers'"));
  CHECK_THAT(err({"platform.kaio.min_nr=4"}), Contains("platform.kaio.min_nr") && Contains("needs a timeout"));
  CHECK_THAT(err({"platform.kaio.min_nr=100"}), Contains("larger than nr"));
  // The shipped file has reapers 0: io_getevents' arguments for reaper
  // threads would be read and never used.
  CHECK_THAT(err({"platform.kaio.nr=32"}), Contains("platform.kaio.nr") && Contains("reapers is 0"));
  CHECK_THAT(err({"platform.kaio.timeout=5ms"}), Contains("platform.kaio.timeout") && Contains("reapers: 1 or more"));
  CHECK_THAT(err({"platform.kaio.timeout=10"}), Contains("platform.kaio.timeout"));  // a unit is required
  CHECK_THAT(err({"platform.kaio.nr_events=0"}), Contains("platform.kaio.nr_events"));
  CHECK_THAT(err({"workload.kind=open", "workload.rate=100/s", "workload.iodepth=null"}),
             Contains("platform.kaio.reapers") && Contains("closed workload"));
  CHECK_THAT(err({"platform.io_path=async", "workload.kind=open"}), Contains("only with platform.io_path: kaio"));
}

// Without reapers each process's own io_getevents is what frees room: one
// that meets EAGAIN with reads of its own in flight reaps them, then submits
// again (it used to sleep for room nobody else would free: the run never ended).
TEST_CASE("kaio: with reapers 0, a process at EAGAIN reaps its own completions and goes on", "[kaio][stacks][cli]") {
  const auto j = run_scenario_json(shipped(kKaio), with({"workload.processes=1", "workload.iodepth=40",
                                                         "platform.kaio.reapers=0", "platform.kaio.nr_events=32"}));
  CHECK(stat(j, "top.host.kaio.eagain_rate") > 0);
  CHECK(stat(j, "top.host.kaio.in_flight") <= 32);
  CHECK(stat(j, "top.host.kaio.in_flight") > 16);
  CHECK(stat(j, "top.workload.io_rate") > 1000);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  check_accounting(j);
}
