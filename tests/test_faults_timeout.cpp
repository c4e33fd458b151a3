// Issue 11: a drive that stops answering (disk_hang), the SCSI task
// management primitives (ABORT TASK, TARGET RESET, the RST signal) on real
// drives behind a real bus, and the Linux 2.4 error handler of the sync
// driver end to end on the three stacks that share it (sync, posix_aio,
// kaio): timeout, abort, device reset, bus reset, retry, -EIO; each request
// completed or failed exactly once. The LSI chip's task management requests
// on their own, against a fake SCSI side.
#include <catch2/catch.hpp>

#include <memory>
#include <systemc>
#include <vector>

#include "model/disk/disk.hpp"
#include "model/fault/fault.hpp"
#include "model/hba/lsi53c1030.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "tests/test_disk_util.hpp"
#include "tests/test_harness.hpp"
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
        d1(std::make_unique<Disk>("d1", itest::cheetah15k_like())), init("init"), reqs(size_t(nreq)),
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
    bind_scsi_target(bus, 0, *d0);
    bind_scsi_target(bus, 1, *d1);
    bind_scsi_initiator(bus, init);
    d0->set_faults(f0, 1);
    SC_HAS_PROCESS(Rig);
    SC_THREAD(run);
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

TEST_CASE("disk_hang: loader keys located, a forever hang needs a stack with a command timeout (the async card has "
          "one)",
          "[faults][timeout][cli]") {
  auto err = [](const std::string& tag, const std::string& body) {
    const CmdResult r = run_scenario_raw(write_scenario(tag, body));
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  const std::string base = "platform:\n  io_path: async\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
                           "run:\n  warmup: 0.1s\n  duration: 0.5s\n"
                           "workload:\n  kind: open\n  rate: 100/s\n  processes: 2\n";
  // The storage workload has none (the card firmware's: tests/test_fw_timeout.cpp).
  CHECK_THAT(err("storage", "workload:\n  kind: storage\n  rate: 100/s\nrun:\n  duration: 0.5s\n"
                            "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.2s\n"),
             Catch::Matchers::Contains("no command timeout"));
  CHECK(run_scenario_raw(write_scenario("async", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n"
                                                         "    at: 0.2s\n")).status == 0);
  CHECK_THAT(err("key", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.2s\n"
                               "    duration: 0.1s\n    recover_on_rest: true\n"),
             Catch::Matchers::Contains("did you mean 'recover_on_reset'"));
  CHECK_THAT(err("noat", base + "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    duration: 0.1s\n"),
             Catch::Matchers::Contains("at"));
}

// ---- The LSI chip's task management on its own ------------------------------

namespace {

constexpr uint64_t kFrame = 0x1000'0000;

// A SCSI side that holds every command (a hung drive behind it), a task
// management side that never answers ABORT TASK and gives every held
// command back on a bus reset.
struct TmBench : iosim::test::TestBase {
  iosim::test::FakeDma dma{sc_time(500, sc_core::SC_NS), 400e6};
  MptFrameMemory frames{"frames"};
  Lsi53c1030 hba;
  iosim::test::TlmHost host{"host"};
  sc_core::sc_event irq_ev;
  struct Port : BlockDevice, ScsiTaskMgmtIf {
    std::vector<IoRequest*> held;
    int aborts = 0, resets = 0;
    void submit(IoRequest& r) override { held.push_back(&r); }
    uint64_t capacity_blocks() const override { return 0; }
    bool abort_task(IoRequest&) override { ++aborts; return false; }
    bool reset_target(int) override { return false; }
    void reset_bus() override {
      ++resets;
      std::vector<IoRequest*> back;
      back.swap(held);
      for (IoRequest* r : back) {
        r->status = scsi::host_status(scsi::kDidReset);
        r->on_done(*r);
      }
    }
  } port;
  struct Line : IrqIf {
    TmBench& tb;
    explicit Line(TmBench& t) : tb(t) {}
    void raise() override { tb.irq_ev.notify(sc_core::SC_ZERO_TIME); }
  } line{*this};
  explicit TmBench(const Lsi53c1030Params& p) : TestBase("tb"), hba("hba", p) {
    hba.dma.bind(dma);
    hba.frames.bind(frames);
    hba.scsi.bind(port);
    hba.scsi_tm.bind(port);
    hba.irq.bind(line);
    host.socket.bind(hba.regs);
  }
  void post(uint64_t f) {
    const uint32_t a = uint32_t(f);
    REQUIRE(host.write_bytes(mpt::kRequestFifo, &a, 4) == tlm::TLM_OK_RESPONSE);
  }
  // Every reply word until the FIFO reads empty, waiting for the interrupt first.
  std::vector<uint32_t> drain() {
    sc_core::wait(irq_ev);
    std::vector<uint32_t> w;
    for (uint32_t v; (v = host.read_as<uint32_t>(mpt::kReplyFifo)) != mpt::kEmpty;) w.push_back(v);
    return w;
  }
  MptReply reply(uint32_t word) {
    const uint32_t addr = (word & ~mpi::kAddressReplyBit) << 1;
    const MptReply r = frames.take_reply(addr);
    REQUIRE(host.write_bytes(mpt::kReplyFifo, &addr, 4) == tlm::TLM_OK_RESPONSE);  // give it back
    return r;
  }
};

}  // namespace

TEST_CASE("LSI 53C1030 task management: an unanswered ABORT TASK fails after tm_timeout, a bus reset ends the "
          "commands with SCSI_IOC_TERMINATED and succeeds",
          "[faults][timeout][hba]") {
  Lsi53c1030Params p;
  p.tm_timeout_s = 0.01;
  TmBench tb(p);
  MptReply abort_rep, reset_rep;
  std::vector<MptReply> terminated;
  sc_time t_abort_posted, t_abort_reply;
  tb.run([&] {
    for (uint32_t i = 0; i < 2; ++i) {  // two reads the drive never answers
      tb.frames.write(kFrame + 128 * i, MptFrame{IoOp::Read, 1, 8 * i, 8, 0x2000'0000, 10 + i, i});
      tb.post(kFrame + 128 * i);
    }
    iosim::test::TestBase::wait_to(sc_time(1, sc_core::SC_MS));
    CHECK(tb.port.held.size() == 2);
    MptFrame ab{IoOp::Read, 1, 0, 0, 0, 20, 0};
    ab.function = mpi::kFunctionTaskMgmt;
    ab.task_type = mpi::kTaskAbortTask;
    ab.task_context = 10;
    tb.frames.write(kFrame + 128 * 2, ab);
    t_abort_posted = sc_core::sc_time_stamp();
    tb.post(kFrame + 128 * 2);
    std::vector<uint32_t> w = tb.drain();
    t_abort_reply = sc_core::sc_time_stamp();
    REQUIRE(w.size() == 1);
    abort_rep = tb.reply(w[0]);
    MptFrame rs{IoOp::Read, -1, 0, 0, 0, 21, 0};
    rs.function = mpi::kFunctionTaskMgmt;
    rs.task_type = mpi::kTaskResetBus;
    tb.frames.write(kFrame + 128 * 3, rs);
    tb.post(kFrame + 128 * 3);
    while (terminated.size() + (reset_rep.context ? 1 : 0) < 3) {
      for (uint32_t v : tb.drain()) {
        const MptReply r = tb.reply(v);
        if (r.function == mpi::kFunctionTaskMgmt) reset_rep = r;
        else terminated.push_back(r);
      }
    }
  }, sc_time(1, SC_SEC));
  CHECK(tb.port.aborts == 1);
  CHECK(abort_rep.function == mpi::kFunctionTaskMgmt);
  CHECK(abort_rep.context == 20);
  CHECK(abort_rep.ioc_status == mpi::kIocStatusScsiTaskMgmtFailed);
  CHECK((t_abort_reply - t_abort_posted).to_seconds() >= 0.01);  // it waited tm_timeout for an answer
  CHECK((t_abort_reply - t_abort_posted).to_seconds() < 0.011);
  CHECK(tb.port.resets == 1);
  CHECK(reset_rep.context == 21);
  CHECK(reset_rep.ioc_status == mpi::kIocStatusSuccess);
  REQUIRE(terminated.size() == 2);
  for (const MptReply& r : terminated) {
    CHECK(r.ioc_status == mpi::kIocStatusScsiIocTerminated);
    CHECK(r.scsi_status == 0);
    CHECK(scsi::host_byte(r.sense) == scsi::kDidReset);
  }
  CHECK(terminated[0].context + terminated[1].context == 10 + 11);
}
