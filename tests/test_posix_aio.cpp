// POSIX AIO as glibc implements it (model/host/posix_aio.hpp), end to end
// through iosim as a child process: T helper threads give what T blocking
// processes give, at the price of more wakeups and context switches; the
// thread limit and the one-request-per-descriptor rule bound the reads in
// flight; the notification modes cost what they do; every request ends once;
// the CPU accounting adds up; a media error reaches the caller as -EIO.
#include "tests/test_stack_util.hpp"

#include <filesystem>
#include <fstream>

using namespace iosim::itest;
using Catch::Matchers::Contains;

namespace {

const std::string kSync = "platforms/x342_sync.yaml";
const std::string kPosix = "stacks/x342_posix_aio.yaml";

std::vector<std::string> with(std::vector<std::string> sets) { return with_short_run(std::move(sets)); }

std::string write_scenario(const std::string& tag, const std::string& body) {
  return write_x342_scenario("paio", tag, body);
}

}  // namespace

TEST_CASE("posix_aio: T threads give the I/O/s of sync with T processes with more wakeups and switches",
          "[posix_aio][stacks][cli]") {
  for (int t : {8, 32}) {
    const std::string n = std::to_string(t);
    INFO("T = " << t);
    const auto s = run_scenario_json(shipped(kSync), with({"workload.processes=" + n}));
    const auto p = run_scenario_json(shipped(kPosix), with({"workload.processes=" + n, "platform.posix_aio.threads=" + n}));
    CHECK(stat(p, "top.workload.io_rate") == Approx(stat(s, "top.workload.io_rate")).epsilon(0.03));
    CHECK(stat(p, "top.workload.outstanding") == Approx(t).epsilon(0.01));
    // Per I/O: the bottom half wakes the worker, the idle worker is signalled
    // for the next aio_read, the worker wakes the caller in aio_suspend:
    // three tasks made runnable where sync wakes one process.
    const double iops = stat(p, "top.workload.io_rate");
    CHECK((stat(p, "top.host.paio.wakeup_rate") + stat(p, "top.workload.wakeup_rate")) / iops > 2.5);
    CHECK(stat(p, "top.workload.wakeup_rate") / iops == Approx(1).epsilon(0.05));
    // HostOs's own count of scheduler passes and switches, per I/O.
    CHECK(switch_us_per_io(p) > 2 * switch_us_per_io(s));
    CHECK(cpu_us_per_io(p) > cpu_us_per_io(s));
    CHECK(stat(p, "top.host.paio.threads.max") <= t);
    check_accounting(p);
  }
}

TEST_CASE("posix_aio: aio_threads bounds the reads in flight and the run list holds the rest", "[posix_aio][stacks][cli]") {
  const auto few = run_scenario_json(shipped(kPosix), with({"workload.processes=32", "platform.posix_aio.threads=4"}));
  const auto sync4 = run_scenario_json(shipped(kSync), with({"workload.processes=4"}));
  CHECK(stat(few, "top.host.paio.threads.max") == 4);
  CHECK(stat(few, "top.host.paio.runlist_depth") > 20);  // 32 outstanding, 4 being read
  CHECK(stat(few, "top.workload.io_rate") == Approx(stat(sync4, "top.workload.io_rate")).epsilon(0.05));
  check_accounting(few);
}

TEST_CASE("posix_aio: one request per descriptor at a time (glibc) and more descriptors more parallelism",
          "[posix_aio][stacks][cli]") {
  // One process keeping 8 reads outstanding on one descriptor: glibc reads
  // them one after another, as one blocking process would.
  const auto one_fd = run_scenario_json(shipped(kPosix), with({"workload.processes=1", "workload.iodepth=8"}));
  const auto sync1 = run_scenario_json(shipped(kSync), with({"workload.processes=1"}));
  CHECK(stat(one_fd, "top.host.paio.fd_wait_rate") > 0.5 * stat(one_fd, "top.workload.io_rate"));
  CHECK(stat(one_fd, "top.host.paio.threads.max") == 1);
  CHECK(stat(one_fd, "top.workload.io_rate") == Approx(stat(sync1, "top.workload.io_rate")).epsilon(0.05));
  // The same 8 over 8 descriptors: 8 at once, as 8 processes.
  const auto eight = run_scenario_json(shipped(kPosix), with({"workload.processes=1", "workload.iodepth=8",
                                                              "platform.posix_aio.fds_per_process=8"}));
  const auto sync8 = run_scenario_json(shipped(kSync), with({"workload.processes=8"}));
  CHECK(stat(eight, "top.host.paio.fd_wait_rate") == 0);
  CHECK(stat(eight, "top.workload.io_rate") == Approx(stat(sync8, "top.workload.io_rate")).epsilon(0.05));
  CHECK(stat(eight, "top.workload.io_rate") > 3 * stat(one_fd, "top.workload.io_rate"));
  // lio_listio of the free slots: the same reads, fewer calls.
  const auto batch = run_scenario_json(shipped(kPosix), with({"workload.processes=1", "workload.iodepth=8",
                                                              "platform.posix_aio.fds_per_process=8", "workload.batch=true"}));
  CHECK(stat(batch, "top.workload.io_rate") == Approx(stat(eight, "top.workload.io_rate")).epsilon(0.05));
  check_accounting(batch);
}

TEST_CASE("posix_aio: notification by signal and by thread cost more CPU per I/O than none", "[posix_aio][stacks][cli]") {
  const std::vector<std::string> base{"workload.processes=16", "platform.posix_aio.threads=16"};
  auto sets = [&](const char* mode) {
    auto v = with(base);
    v.push_back(std::string("platform.posix_aio.notify=") + mode);
    return v;
  };
  const auto none = run_scenario_json(shipped(kPosix), sets("none"));
  const auto sig = run_scenario_json(shipped(kPosix), sets("signal"));
  const auto thr = run_scenario_json(shipped(kPosix), sets("thread"));
  CHECK(stat(sig, "top.host.paio.signal_rate") == Approx(stat(sig, "top.workload.io_rate")).epsilon(0.02));
  CHECK(stat(thr, "top.host.paio.notify_thread_rate") == Approx(stat(thr, "top.workload.io_rate")).epsilon(0.02));
  // Signal: kill + handler, 1.2 + 2.4 us at 1.26 GHz with the syscall; thread:
  // a pthread_create, a switch to it, the callback, its exit (~40 us).
  CHECK(cpu_us_per_io(sig) > cpu_us_per_io(none) + 2);
  CHECK(cpu_us_per_io(thr) > cpu_us_per_io(sig) + 20);
  for (const auto* j : {&none, &sig, &thr}) check_accounting(*j);
}

TEST_CASE("posix_aio: the open-loop test program runs on it (keeping up with enough descriptors)", "[posix_aio][stacks][cli]") {
  // 8 processes on one descriptor each: at most 8 reads at once, what 8
  // blocking processes give; the rest of the offered 2000/s queues behind.
  const std::vector<std::string> open{"workload.kind=open", "workload.rate=2000/s", "workload.processes=8",
                                      "workload.iodepth=null"};
  const auto eight = run_scenario_json(shipped(kPosix), with(open));
  const auto sync8 = run_scenario_json(shipped(kSync), with({"workload.processes=8"}));
  CHECK(stat(eight, "top.workload.io_rate") == Approx(stat(sync8, "top.workload.io_rate")).epsilon(0.05));
  CHECK(stat(eight, "top.host.paio.fd_wait_rate") > 500);
  auto more = open;
  more.push_back("platform.posix_aio.fds_per_process=16");
  const auto j = run_scenario_json(shipped(kPosix), with(more));
  CHECK(stat(j, "top.workload.io_rate") == Approx(2000).epsilon(0.08));
  CHECK(stat(j, "top.host.paio.threads.max") <= 66);
  check_accounting(j);
}

TEST_CASE("posix_aio: idle threads exit after aio_idle_time and are created again", "[posix_aio][stacks][cli]") {
  const std::vector<std::string> open{"workload.kind=open", "workload.rate=500/s", "workload.processes=8",
                                      "workload.iodepth=null", "platform.posix_aio.fds_per_process=16"};
  auto sets = [&](const char* idle) {
    auto v = open;
    v.push_back(std::string("platform.posix_aio.idle_time=") + idle);
    return with(v);
  };
  const auto keep = run_scenario_json(shipped(kPosix), sets("1s"));
  const auto churn = run_scenario_json(shipped(kPosix), sets("5ms"));
  // With glibc's 1 s the pool, once grown, mostly stays (a thread idle for
  // a whole second now and then exits).
  CHECK(stat(keep, "top.host.paio.threads_created") < 5);
  CHECK(stat(keep, "top.host.paio.threads_exited") < 5);
  // Gaps between arrivals of ~2 ms per descriptor longer than 5 ms now and
  // then: threads exit and are created again, each creation (~32 us) paid.
  CHECK(stat(churn, "top.host.paio.threads_created") > 20);
  CHECK(stat(churn, "top.host.paio.threads_exited") > 20);
  CHECK(stat(churn, "top.host.paio.threads") < stat(keep, "top.host.paio.threads"));
  CHECK(cpu_us_per_io(churn) > cpu_us_per_io(keep));
  CHECK(stat(churn, "top.workload.io_rate") == Approx(500).epsilon(0.1));
  check_accounting(churn);
}

TEST_CASE("posix_aio: a MEDIUM ERROR reaches the caller as -EIO after the mid-layer's retries", "[posix_aio][faults][cli]") {
  const auto j = run_scenario_json(write_scenario(
      "eio", "platform:\n  io_path: posix_aio\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
             "run:\n  warmup: 0.1s\n  duration: 0.6s\n"
             "workload:\n  kind: closed\n  processes: 8\n"
             "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    probability: 1\n    retries: 1\n"));
  const double eio = stat(j, "top.host.sd.eio");
  CHECK(eio > 10);
  CHECK(stat(j, "top.workload.failed") == Approx(eio).margin(8));  // up to the requests straddling the window's edges
  CHECK(stat(j, "top.host.paio.eio") == Approx(eio).margin(8));
  CHECK(stat(j, "top.workload.completed") > 10);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  CHECK(stat(j, "run.requests_failed") >= stat(j, "top.workload.failed"));
}

TEST_CASE("posix_aio: keys located with did-you-mean and sections and workloads checked against the path",
          "[posix_aio][cli][errors]") {
  auto err = [](const std::vector<std::string>& sets) {
    const CmdResult r = run_scenario_raw(shipped(kPosix), sets);
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  CHECK_THAT(err({"platform.posix_aio.thread=4"}), Contains("--set:1:") && Contains("did you mean 'threads'"));
  CHECK_THAT(err({"platform.posix_aio.notify=sgnal"}), Contains("did you mean 'signal'"));
  CHECK_THAT(err({"platform.posix_aio.threads=0"}), Contains("platform.posix_aio.threads"));
  CHECK_THAT(err({"platform.posix_aio.idle_time=1"}), Contains("platform.posix_aio.idle_time"));  // a unit is required
  CHECK_THAT(err({"platform.io_path=sync"}), Contains("x342_posix_aio.yaml:") &&
                                                 Contains("only with platform.io_path: posix_aio"));
  CHECK_THAT(err({"platform.io_path=posix_ai"}), Contains("did you mean 'posix_aio'"));
  CHECK_THAT(err({"workload.kind=streams", "workload.streams.bitrate=1.5Mbit/s", "workload.iodepth=1"}),
             Contains("workload."));
  const CmdResult r = run_scenario_raw(shipped(kSync), {"workload.iodepth=4"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("workload.iodepth") && Contains("only for the closed workload"));
}
