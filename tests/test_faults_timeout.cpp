// Issue 11: a drive that stops answering (disk_hang), the SCSI task
// management primitives (ABORT TASK, TARGET RESET, the RST signal) on real
// drives behind a real bus, and the Linux 2.4 error handler of the sync
// driver end to end on the three stacks that share it (sync, posix_aio,
// kaio): timeout, abort, device reset, bus reset, retry, -EIO; each request
// completed or failed exactly once.
#include <catch2/catch.hpp>

#include <memory>
#include <systemc>
#include <vector>

#include "model/disk/disk.hpp"
#include "model/fault/fault.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "tests/test_disk_util.hpp"
#include "tests/test_stack_util.hpp"

using namespace iosim;
using sc_core::sc_time;
using sc_core::SC_SEC;

namespace {

double now_s() { return sc_core::sc_time_stamp().to_seconds(); }

// Two drives (ids 0 and 1) on one bus behind one initiator port; the
// scripted thread `script` runs once.
struct Rig : sc_core::sc_module {
  ScsiBus bus;
  std::unique_ptr<Disk> d0, d1;
  ScsiInitiator init;
  std::vector<IoRequest> reqs;
  std::vector<int> done_count;
  std::vector<int> status;
  std::vector<double> t_done;
  std::function<void(Rig&)> script;

  Rig(sc_core::sc_module_name n, const DiskFaults& f0, int nreq)
      : sc_module(n), bus("bus"), d0(std::make_unique<Disk>("d0", itest::cheetah15k_like())),
        d1(std::make_unique<Disk>("d1", itest::cheetah15k_like())), init("init", bus_attach(f0)), reqs(size_t(nreq)),
        done_count(size_t(nreq)), status(size_t(nreq)), t_done(size_t(nreq)) {
    for (size_t i = 0; i < reqs.size(); ++i) {
      reqs[i].id = i + 1;
      reqs[i].op = IoOp::Read;
      reqs[i].lba = 100000 * (i + 1);
      reqs[i].blocks = 8;
      reqs[i].on_done = [this, i](IoRequest& r) {
        ++done_count[i];
        status[i] = r.status;
        t_done[i] = now_s();
      };
    }
    SC_HAS_PROCESS(Rig);
    SC_THREAD(run);
  }
  ScsiBus& bus_attach(const DiskFaults& f0) {
    bus.attach(d0.get(), 0);
    bus.attach(d1.get(), 1);
    d0->set_faults(f0, 1);
    return bus;
  }
  void submit(size_t i, int target) { init.target(target).submit(reqs[i]); }
  void run() { script(*this); }
};

DiskFaults hang(double at, double duration, bool recover_on_reset) {
  DiskFaults f;
  f.hang_at_s = at;
  f.hang_until_s = at + duration;
  f.recover_on_reset = recover_on_reset;
  return f;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
const int kReset = scsi::host_status(scsi::kDidReset);
const int kAbort = scsi::host_status(scsi::kDidAbort);

}  // namespace

TEST_CASE("disk_hang: commands are accepted, never answered, ABORT TASK and TARGET RESET get no answer, "
          "the RST signal gives every command back, once",
          "[faults][timeout][disk][scsi]") {
  Rig rig("rig", hang(0.01, kInf, false), 6);
  bool abort_ok = true, reset_ok = true;
  double t_reset = 0;
  rig.script = [&](Rig& r) {
    wait(sc_time(0.02, SC_SEC));
    for (size_t i = 0; i < 3; ++i) r.submit(i, 0);  // the hung drive
    r.submit(3, 1);                                 // a healthy one
    wait(sc_time(1.0, SC_SEC));
    CHECK(r.done_count[0] + r.done_count[1] + r.done_count[2] == 0);  // a second later: nothing
    CHECK(r.done_count[3] == 1);
    CHECK(r.d0->hung());
    abort_ok = r.init.abort_task(r.reqs[0]);
    reset_ok = r.init.reset_target(0);
    CHECK(r.done_count[0] == 0);
    t_reset = now_s();
    r.init.reset_bus();
    // After RST: the next selection no earlier than the reset-to-selection time.
    r.submit(4, 1);
    r.submit(5, 0);  // still hung (no recover_on_reset): accepted, never answered
    wait(sc_time(2.0, SC_SEC));
  };
  sc_core::sc_start(4, SC_SEC);
  CHECK_FALSE(abort_ok);
  CHECK_FALSE(reset_ok);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(rig.done_count[i] == 1);
    CHECK(rig.status[i] == kReset);
    CHECK(rig.t_done[i] == Approx(t_reset + 25e-6).margin(1e-9));  // back after the reset hold time
  }
  CHECK(rig.done_count[4] == 1);
  CHECK(rig.status[4] == 0);
  CHECK(rig.t_done[4] > t_reset + 0.25);
  CHECK(rig.done_count[5] == 0);
  CHECK(rig.bus.resets() == 1);
  CHECK(rig.init.outstanding(0) == 1);  // request 5, still at the drive
  CHECK(rig.init.outstanding(1) == 0);
}

TEST_CASE("disk_hang with recover_on_reset: the drive answers again after a bus reset", "[faults][timeout][disk][scsi]") {
  Rig rig("rig", hang(0.01, kInf, true), 3);
  rig.script = [&](Rig& r) {
    wait(sc_time(0.02, SC_SEC));
    r.submit(0, 0);
    r.submit(1, 0);
    wait(sc_time(0.5, SC_SEC));
    r.init.reset_bus();
    r.submit(2, 0);
    wait(sc_time(1.0, SC_SEC));
  };
  sc_core::sc_start(2, SC_SEC);
  CHECK(rig.done_count[0] == 1);
  CHECK(rig.status[0] == kReset);
  CHECK(rig.done_count[1] == 1);
  CHECK(rig.status[1] == kReset);
  CHECK(rig.done_count[2] == 1);
  CHECK(rig.status[2] == 0);
  CHECK_FALSE(rig.d0->hung());
}

TEST_CASE("disk_hang with a duration: held commands are served when it ends, none lost", "[faults][timeout][disk]") {
  Rig rig("rig", hang(0.01, 0.3, false), 2);
  rig.script = [&](Rig& r) {
    wait(sc_time(0.02, SC_SEC));
    r.submit(0, 0);
    r.submit(1, 0);
  };
  sc_core::sc_start(1, SC_SEC);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(rig.done_count[i] == 1);
    CHECK(rig.status[i] == 0);
    CHECK(rig.t_done[i] > 0.31);
  }
}

TEST_CASE("ABORT TASK on a working drive: the aborted command comes back DID_ABORT, the others complete",
          "[faults][timeout][disk][scsi]") {
  Rig rig("rig", DiskFaults{}, 4);
  bool ok = false;
  rig.script = [&](Rig& r) {
    wait(sc_time(0.001, SC_SEC));
    for (size_t i = 0; i < 4; ++i) r.submit(i, 1);
    wait(sc_time(100e-6, SC_SEC));  // all four at the drive, the first in service
    ok = r.init.abort_task(r.reqs[3]);
    wait(sc_time(1.0, SC_SEC));
  };
  sc_core::sc_start(2, SC_SEC);
  CHECK(ok);
  CHECK(rig.bus.task_mgmt_functions() == 1);
  for (size_t i = 0; i < 4; ++i) CHECK(rig.done_count[i] == 1);
  CHECK(rig.status[3] == kAbort);
  for (size_t i = 0; i < 3; ++i) CHECK(rig.status[i] == 0);
}

// ---- End to end: the sync driver's error handler ---------------------------

using namespace iosim::itest;

namespace {

std::string write_scenario(const std::string& tag, const std::string& body) {
  return write_x342_scenario("faults_timeout", tag, body);
}

// Two disks on one bus, short timeouts so that a whole recovery fits a short
// run (the defaults are the kernel's 30 s and the 5 s settle).
std::string hang_scenario(const std::string& io_path, const std::string& fault, const std::string& duration = "3s") {
  return "platform:\n  io_path: " + io_path + "\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n" +
         "  sync:\n    scsi_timeout: 0.5s\n    bus_reset_settle: 0.05s\n    hba:\n      tm_timeout: 0.05s\n"
         "run:\n  warmup: 0.1s\n  duration: " + duration + "\n"
         "workload:\n  kind: closed\n  processes: 8\n"
         "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.5s\n" +
         fault;
}

}  // namespace

TEST_CASE("sync stacks: a hung drive is timed out, aborted, reset, the bus reset, and the commands retried",
          "[faults][timeout][cli]") {
  for (const std::string path : {"sync", "posix_aio", "kaio"}) {
    INFO(path);
    const auto j = run_scenario_json(write_scenario("recover_" + path, hang_scenario(path, "    recover_on_reset: true\n")));
    const double timeouts = stat(j, "top.host.sd.timeouts");
    CHECK(timeouts >= 1);
    CHECK(timeouts <= 7);  // at most sync.queue_depth commands at the drive
    CHECK(stat(j, "top.host.sd.eh_runs") == 1);
    CHECK(stat(j, "top.host.sd.aborts") == timeouts);  // one ABORT TASK each, unanswered
    CHECK(stat(j, "top.host.sd.device_resets") == 1);  // one TARGET RESET, unanswered
    CHECK(stat(j, "top.host.sd.bus_resets") == 1);     // the RST signal: recovered
    CHECK(stat(j, "top.host.sd.host_resets") == 0);
    CHECK(stat(j, "top.host.sd.tm_failed") == timeouts + 1);
    CHECK(stat(j, "top.hba0.tm_requests") == timeouts + 2);
    CHECK(stat(j, "top.host.sd.eh_retries") == timeouts);
    CHECK(stat(j, "top.host.sd.eio") == 0);
    CHECK(stat(j, "top.workload.failed") == 0);
    CHECK(stat(j, "top.scsi0.disk1.bus_resets") == 1);
    CHECK(stat(j, "top.scsi0.disk1.dropped") == timeouts);
    // The drive works again after the reset: it serves in the measured window
    // well beyond what it did before the hang (0.4 s of it).
    CHECK(stat(j, "top.scsi0.disk1.ios") > 100);
    CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
    CHECK(stat(j, "run.requests_failed") == 0);
  }
}

TEST_CASE("sync stacks: a drive that stays hung: 5 attempts, then -EIO to the process, nothing lost",
          "[faults][timeout][cli]") {
  for (const std::string path : {"sync", "posix_aio", "kaio"}) {
    INFO(path);
    const auto j = run_scenario_json(write_scenario("eio_" + path, hang_scenario(path, "", "10s")));
    const double eio = stat(j, "top.host.sd.eio");
    CHECK(eio >= 1);
    CHECK(stat(j, "top.workload.failed") == eio);
    // Each failed request: 5 attempts (sd.c MAX_RETRIES), each ended by a
    // timeout and a bus reset (~1.2 s an attempt here: 0.5 s timeout, 7
    // unanswered aborts and a target reset at 0.05 s, the 250 ms reset to
    // selection); 4 retries by the error handler.
    CHECK(stat(j, "top.host.sd.eh_retries") >= 4 * eio);
    CHECK(stat(j, "top.host.sd.timeouts") >= 5 * eio);
    CHECK(stat(j, "top.host.sd.bus_resets") >= 5);
    CHECK(stat(j, "top.host.sd.offline") == 0);  // the bus reset always took the commands off
    CHECK(stat(j, "top.workload.completed") > 50);  // disk0's requests between the recoveries
    CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  }
}

TEST_CASE("sync: a hang shorter than the timeout only delays, no error handling", "[faults][timeout][cli]") {
  const auto j = run_scenario_json(write_scenario("short", hang_scenario("sync", "    duration: 0.1s\n")));
  CHECK(stat(j, "top.host.sd.timeouts") == 0);
  CHECK(stat(j, "top.host.sd.eh_runs") == 0);
  CHECK(stat(j, "top.host.sd.eio") == 0);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
}

TEST_CASE("disk_hang: loader keys located, a forever hang needs a stack with a command timeout", "[faults][timeout][cli]") {
  auto err = [](const std::string& tag, const std::string& body) {
    const CmdResult r = run_scenario_raw(write_scenario(tag, body));
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  const std::string base = "platform:\n  io_path: async\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
                           "run:\n  warmup: 0.1s\n  duration: 0.5s\n"
                           "workload:\n  kind: open\n  rate: 100/s\n  processes: 2\n";
  CHECK_THAT(err("async", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.2s\n"),
             Catch::Matchers::Contains("no command timeout"));
  CHECK_THAT(err("key", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.2s\n"
                               "    duration: 0.1s\n    recover_on_rest: true\n"),
             Catch::Matchers::Contains("did you mean 'recover_on_reset'"));
  CHECK_THAT(err("noat", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    duration: 0.1s\n"),
             Catch::Matchers::Contains("at"));
}
