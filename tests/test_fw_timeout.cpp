// Issue 11: the card firmware's own SCSI command timeout. First the firmware
// alone, against a scripted SCSI side (a drive that holds every command and
// may answer task management or not): the escalation's sequence and timing
// (ABORT TASK at the deadline, TARGET RESET a tm_timeout later, the bus reset
// another tm_timeout later), the retry, the give-up posted once with an
// error outcome, an answered abort, a completion during the escalation. Then
// end to end (iosim as a child process): a hung drive on the async path with
// and without recover_on_reset, neighbours on the reset bus retried, the
// ledger; the loader's cross-key check against the host watchdog; the LSI
// HBA's DMA master abort on the sync stacks.
#include "tests/test_card_util.hpp"
#include "tests/test_harness.hpp"
#include "tests/test_stack_util.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"
#include "model/fault/fault.hpp"
#include "model/stats/stats.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace iosim;
using namespace iosim::test;
using iosim::itest::CmdResult;
using iosim::itest::run_scenario_json;
using iosim::itest::run_scenario_raw;
using iosim::itest::stat;
using iosim::itest::write_x342_scenario;
using Catch::Matchers::Contains;

namespace {

std::string write_scenario(const std::string& tag, const std::string& body) {
  return write_x342_scenario("fw_timeout", tag, body);
}

constexpr uint32_t kDepth = 16;

// One SCSI bus with one drive (target 0) behind it, scripted: it holds every
// command until `serve` is set (then each completes after 1 ms); it answers
// ABORT TASK only with `answer_abort`, TARGET RESET never; a bus reset gives
// every held command back with DID_RESET and, with `recover_on_reset`, sets
// `serve`. Every command and task management function is logged with its time.
struct ScriptedScsi : sc_core::sc_module, BlockDevice, ScsiTaskMgmtIf {
  struct Event { std::string what; sc_time at; };
  std::vector<Event> log;
  std::vector<IoRequest*> held;
  bool serve = false, answer_abort = false, recover_on_reset = false;

  SC_HAS_PROCESS(ScriptedScsi);
  explicit ScriptedScsi(sc_core::sc_module_name n) : sc_module(n) {
    SC_METHOD(complete_due);
    sensitive << due_ev_;
    dont_initialize();
  }
  void submit(IoRequest& r) override {
    r.target = 0;
    log.push_back({"cmd", sc_core::sc_time_stamp()});
    held.push_back(&r);
    if (serve) due_ev_.notify(sc_time(1, SC_MS));
  }
  uint64_t capacity_blocks() const override { return 1ull << 30; }
  bool abort_task(IoRequest& c) override {
    log.push_back({"abort", sc_core::sc_time_stamp()});
    if (!answer_abort) return false;
    give_back(c, scsi::host_status(scsi::kDidAbort));
    return true;
  }
  bool reset_target(int) override {
    log.push_back({"target_reset", sc_core::sc_time_stamp()});
    return false;
  }
  void reset_bus() override {
    log.push_back({"bus_reset", sc_core::sc_time_stamp()});
    std::vector<IoRequest*> all;
    all.swap(held);
    for (IoRequest* r : all) {
      r->status = scsi::host_status(scsi::kDidReset);
      r->on_done(*r);
    }
    if (recover_on_reset) serve = true;
  }
  std::vector<std::string> sequence() const {
    std::vector<std::string> s;
    for (const Event& e : log) s.push_back(e.what);
    return s;
  }
  sc_time at(const std::string& what, int nth = 0) const {
    for (const Event& e : log)
      if (e.what == what && nth-- == 0) return e.at;
    FAIL("no " << what);
    return {};
  }

private:
  void give_back(IoRequest& c, int status) {
    held.erase(std::find(held.begin(), held.end(), &c));
    c.status = status;
    c.on_done(c);
  }
  void complete_due() {  // serve: everything held completes (1 ms after its arrival, or now)
    std::vector<IoRequest*> all;
    all.swap(held);
    for (IoRequest* r : all) r->on_done(*r);
  }
  sc_core::sc_event due_ev_;
};

FirmwareParams timer_params() {
  FirmwareParams p;
  p.scsi_timer = true;
  p.scsi_timeout_s = 10e-3;
  p.tm_timeout_s = 2e-3;
  p.scsi_retries = 1;
  p.tm_cycles = 600;  // 1 us at 600 MHz
  return p;
}

struct Bench : TestBase {
  QueueController qc;
  CardMemory mem;
  TlmHost host;
  Raid0Geometry geo;
  ScriptedScsi scsi;
  FakeDma dma;
  Firmware fw;
  uint32_t hr = 0;

  explicit Bench(const FirmwareParams& p, sc_core::sc_module_name n = "tb")
      : TestBase(n), qc("qc", model_qc_params(kDepth)), mem("mem", ring_layout(kDepth), qc), host("host"),
        geo(geometry()), scsi("scsi"), dma(sc_time(1, SC_US), 500e6), fw("fw", p, mem, qc, geo) {
    host.socket.bind(mem.bar);
    fw.members.bind(scsi);
    fw.buses.bind(scsi);
    fw.set_member_buses({0});
    fw.dma.bind(dma);
  }
  static Raid0Geometry geometry() {
    Raid0Geometry g;
    g.members = 1;
    g.stripe_blocks = 16;
    g.member_capacity_blocks = 1 << 20;
    return g;
  }
  void post(uint64_t lba, uint64_t callback) {
    post_request(host, mem.layout(), hr, {ring::kCmdRead, lba, 4096, 0x1000'0000, callback});
  }
  uint8_t outcome_at(uint32_t i) {
    return ring::cpl::outcome(host.read_as<uint8_t>(mem.layout().cpl_rec(i) + ring::cpl::kStatus));
  }
  uint64_t callback_at(uint32_t i) { return host.read_as<uint64_t>(mem.layout().cpl_rec(i) + ring::cpl::kCallback); }
  double fw_stat(const std::string& s) {
    Stats out;
    fw.report(out, 1.0);
    return out.get(std::string(fw.name()) + "." + s);
  }
};

sc_time tm_step() { return sc_time(1, SC_US); }  // tm_cycles at the firmware's clock

}  // namespace

TEST_CASE("firmware timeout: a drive that never answers: abort, target reset, bus reset, one retry, then an error "
          "posted once",
          "[faults][fw_timeout][firmware]") {
  Bench tb(timer_params());
  tb.run([&] {
    tb.post(8, 0xAB);
    TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(100, SC_US), sc_time(100, SC_MS));
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(30, SC_MS));  // nothing more happens
  }, sc_time(200, SC_MS));
  const std::vector<std::string> once{"cmd", "abort", "target_reset", "bus_reset"};
  std::vector<std::string> want = once;
  want.insert(want.end(), once.begin(), once.end());  // the retry goes the same way
  CHECK(tb.scsi.sequence() == want);
  // Each step at its time: the deadline, then a tm_timeout per unanswered
  // step; the steps' own cycles (1 us each) in between.
  const sc_time sent = tb.scsi.at("cmd");
  CHECK(tb.scsi.at("abort") == sent + sc_time(10, SC_MS) + tm_step());
  CHECK(tb.scsi.at("target_reset") == tb.scsi.at("abort") + sc_time(2, SC_MS) + tm_step());
  CHECK(tb.scsi.at("bus_reset") == tb.scsi.at("target_reset") + sc_time(2, SC_MS) + tm_step());
  const sc_time resent = tb.scsi.at("cmd", 1);
  CHECK(resent > tb.scsi.at("bus_reset"));
  CHECK(resent < tb.scsi.at("bus_reset") + sc_time(50, SC_US));  // the run loop sends it again at once
  CHECK(tb.scsi.at("abort", 1) == resent + sc_time(10, SC_MS) + tm_step());
  // Given up after the second bus reset: one completion, with an error.
  CHECK(tb.qc.state().cpl_count == 1);
  CHECK(tb.callback_at(0) == 0xAB);
  CHECK(tb.outcome_at(0) == ring::cpl::kOutcomeNoSense);
  CHECK(tb.dma.log.empty());  // a failed read moves no data
  CHECK(tb.fw_stat("scsi_timeouts") == 2);
  CHECK(tb.fw_stat("aborts") == 2);
  CHECK(tb.fw_stat("target_resets") == 2);
  CHECK(tb.fw_stat("bus_resets") == 2);
  CHECK(tb.fw_stat("scsi_retries") == 1);
  CHECK(tb.fw_stat("scsi_gave_up") == 1);
  CHECK(tb.fw_stat("recovering") > 0);
}

TEST_CASE("firmware timeout: a bus reset that restarts the drive: the retried command completes OK",
          "[faults][fw_timeout][firmware]") {
  Bench tb(timer_params());
  tb.scsi.recover_on_reset = true;
  sc_time done;
  tb.run([&] {
    tb.post(8, 0xCD);
    done = TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(10, SC_US), sc_time(100, SC_MS));
  }, sc_time(200, SC_MS));
  CHECK(tb.scsi.sequence() == std::vector<std::string>{"cmd", "abort", "target_reset", "bus_reset", "cmd"});
  CHECK(tb.outcome_at(0) == 0);
  CHECK(tb.callback_at(0) == 0xCD);
  REQUIRE(tb.dma.log.size() == 1);  // the data went to the host
  // Done 1 ms (the drive's service) after the retry, ~15 ms after the first send.
  CHECK(done >= tb.scsi.at("cmd", 1) + sc_time(1, SC_MS));
  CHECK(done < tb.scsi.at("cmd", 1) + sc_time(1200, SC_US));
  CHECK(tb.fw_stat("scsi_timeouts") == 1);
  CHECK(tb.fw_stat("scsi_retries") == 1);
  CHECK(tb.fw_stat("scsi_gave_up") == 0);
}

TEST_CASE("firmware timeout: an answered ABORT TASK ends the escalation, the command is sent again",
          "[faults][fw_timeout][firmware]") {
  Bench tb(timer_params());
  tb.scsi.answer_abort = true;
  tb.run([&] {
    tb.post(8, 1);
    TestBase::wait_to(sc_time(15, SC_MS));  // the abort answered at ~10 ms, the command sent again
    std::vector<IoRequest*> all;            // and the drive now answers it
    all.swap(tb.scsi.held);
    for (IoRequest* r : all) r->on_done(*r);
    TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(10, SC_US), sc_time(50, SC_MS));
  }, sc_time(200, SC_MS));
  CHECK(tb.scsi.sequence() == std::vector<std::string>{"cmd", "abort", "cmd"});  // no reset
  CHECK(tb.scsi.at("cmd", 1) - tb.scsi.at("abort") < sc_time(50, SC_US));
  CHECK(tb.outcome_at(0) == 0);
  CHECK(tb.fw_stat("aborts") == 1);
  CHECK(tb.fw_stat("target_resets") == 0);
  CHECK(tb.fw_stat("scsi_retries") == 1);
  CHECK(tb.fw_stat("scsi_gave_up") == 0);
}

TEST_CASE("firmware timeout: a command that completes while its escalation waits ends it (no further step)",
          "[faults][fw_timeout][firmware]") {
  Bench tb(timer_params());
  tb.run([&] {
    tb.post(8, 7);
    TestBase::wait_until([&] { return !tb.scsi.log.empty() && tb.scsi.log.back().what == "abort"; },
                         sc_time(10, SC_US), sc_time(50, SC_MS));
    tb.scsi.serve = true;  // the drive wakes up during the abort's tm_timeout and answers the command
    std::vector<IoRequest*> all;
    all.swap(tb.scsi.held);
    for (IoRequest* r : all) r->on_done(*r);
    TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(10, SC_US), sc_time(50, SC_MS));
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(20, SC_MS));
  }, sc_time(200, SC_MS));
  CHECK(tb.scsi.sequence() == std::vector<std::string>{"cmd", "abort"});
  CHECK(tb.outcome_at(0) == 0);
  CHECK(tb.fw_stat("target_resets") == 0);
  CHECK(tb.fw_stat("scsi_retries") == 0);
}

TEST_CASE("firmware timeout: no scsi_timer, no timer: a hung command just stays out", "[faults][fw_timeout][firmware]") {
  FirmwareParams p;  // scsi_timer off (the default)
  Bench tb(p);
  tb.run([&] {
    tb.post(8, 1);
    TestBase::wait_to(sc_time(100, SC_MS));
  }, sc_time(200, SC_MS));
  CHECK(tb.scsi.sequence() == std::vector<std::string>{"cmd"});
  CHECK(tb.qc.state().cpl_count == 0);
  Stats out;
  tb.fw.report(out, 1.0);
  CHECK_THROWS(out.get("tb.fw.scsi_timeouts"));  // nothing of it in the results
}

// ---- end to end ---------------------------------------------------------------

namespace {

// Async path, 2 buses x 2 drives, open loop; scsi0.disk1 hangs at 0.3 s.
std::string hang_scenario(const std::string& hang_extra, const std::string& duration = "4s",
                          const std::string& extra_platform = "") {
  return "platform:\n  io_path: async\n  scsi:\n    buses: 2\n    disks_per_bus: 2\n"
         "  async:\n    firmware:\n      scsi_timeout: 0.5s\n      tm_timeout: 0.1s\n      scsi_retries: 2\n" +
         extra_platform +
         "run:\n  warmup: 0.1s\n  duration: " + duration + "\n"
         "workload:\n  kind: open\n  block: 4KiB\n  rate: 400/s\n  processes: 4\n"
         "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.3s\n" +
         hang_extra;
}

void check_ledger(const nlohmann::json& j) {
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));  // none lost, none twice
}

}  // namespace

TEST_CASE("firmware timeout end to end: recover_on_reset: one escalation, the bus reset, every request OK",
          "[faults][fw_timeout][cli]") {
  const auto j = run_scenario_json(write_scenario("fwto_recover", hang_scenario("    recover_on_reset: true\n")));
  CHECK(stat(j, "top.card.fw.scsi_timeouts") == 1);
  CHECK(stat(j, "top.card.fw.aborts") == 1);
  CHECK(stat(j, "top.card.fw.target_resets") == 1);
  CHECK(stat(j, "top.card.fw.bus_resets") == 1);
  CHECK(stat(j, "top.card.fw.scsi_gave_up") == 0);
  // Every command the hung drive dropped at the reset (and those its
  // controller still held for it) came back and was sent again.
  const double dropped = stat(j, "top.scsi0.disk1.dropped");
  CHECK(dropped >= 1);
  CHECK(stat(j, "top.card.fw.scsi_retries") >= dropped);
  CHECK(stat(j, "top.scsi0.disk1.bus_resets") == 1);
  CHECK(stat(j, "run.requests_failed") == 0);
  CHECK(stat(j, "top.workload.failed") == 0);
  // The longest request waited through the timeout and the escalation:
  // 0.5 s + 2 x 0.1 s + the reset's 250 ms to selection, not much more.
  const double worst_ms = stat(j, "top.workload.latency.max");
  CHECK(worst_ms >= 950);
  CHECK(worst_ms < 1100);
  CHECK(stat(j, "top.scsi0.disk1.ios") > 100);  // it serves again
  check_ledger(j);
}

TEST_CASE("firmware timeout end to end: a drive hung for good: its requests fail once each with -EIO, neighbours "
          "retried",
          "[faults][fw_timeout][cli]") {
  const auto j = run_scenario_json(write_scenario("fwto_fail", hang_scenario("")));
  const double failed = stat(j, "top.workload.failed");  // in the measured window
  CHECK(failed >= 1);
  CHECK(stat(j, "run.requests_failed") >= failed);  // the drain's too
  CHECK(stat(j, "top.card.fw.failed") == failed);      // completion records posted with an error
  CHECK(stat(j, "top.host.aio.eio") == failed);        // each turned into -EIO once
  CHECK(stat(j, "top.card.fw.scsi_gave_up") == failed);  // 4 KiB requests: one command each
  // Each failed command went round scsi_retries + 1 = 3 times: at least 3
  // bus resets, 2 retries each (the timing of a round: the firmware tests above).
  CHECK(stat(j, "top.card.fw.bus_resets") >= 3);
  CHECK(stat(j, "top.card.fw.scsi_timeouts") == stat(j, "top.card.fw.bus_resets"));  // no answer to any abort or target reset
  CHECK(stat(j, "top.card.fw.scsi_retries") >= 2 * failed);
  // The neighbour on the reset bus and the other bus complete their requests.
  CHECK(stat(j, "top.scsi0.disk0.ios") > 100);
  CHECK(stat(j, "top.scsi1.disk0.ios") > 100);
  CHECK(stat(j, "top.workload.completed") > 5 * failed);
  check_ledger(j);
}

TEST_CASE("firmware timeout: loader: a forever hang is allowed on the async path, keys located, ordering against "
          "the watchdog",
          "[faults][fw_timeout][cli][errors]") {
  auto err = [](const std::string& tag, const std::string& body, const std::vector<std::string>& sets = {}) {
    const CmdResult r = run_scenario_raw(write_scenario(tag, body), sets);
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  // Too slow for the host's watchdog (a card fault turns it on): 3 x (10 +
  // 2 + 0.25) s against request_timeout 30 s.
  const std::string stall = "  - kind: firmware_stall\n    target: card\n    at: 2s\n    duration: 1ms\n";
  CHECK_THAT(err("order", hang_scenario("", "4s") + stall, {"platform.async.firmware.scsi_timeout=10s"}),
             Contains("scsi_timeout") && Contains("request_timeout") && Contains("--set"));
  // The same against a written request_timeout: located in the file.
  const std::string wd = "    watchdog:\n      request_timeout: 2s\n";
  CHECK_THAT(err("order_wd", hang_scenario("", "4s", wd) + stall), Contains(".yaml:") && Contains("request_timeout"));
  CHECK_THAT(err("typo", hang_scenario("", "4s", "      scsi_timout: 1s\n")), Contains("did you mean 'scsi_timeout'"));
  CHECK_THAT(err("retries", hang_scenario("", "4s"), {"platform.async.firmware.scsi_retries=-1"}),
             Contains("scsi_retries"));
  // The storage-only workload has no command timeout: a forever hang is still refused there.
  CHECK_THAT(err("storage", "workload:\n  kind: storage\n  rate: 100/s\nrun:\n  duration: 1s\n"
                            "faults:\n  - kind: disk_hang\n    target: scsi0.disk1\n    at: 0.2s\n"),
             Contains("no command timeout"));
}

TEST_CASE("firmware timeout: scenarios without a hang keep their keys and results", "[faults][fw_timeout][cli]") {
  const auto j = run_scenario_json(
      write_scenario("fwto_none", "platform:\n  io_path: async\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
                                  "run:\n  warmup: 0.1s\n  duration: 0.5s\n"
                                  "workload:\n  kind: open\n  rate: 200/s\n  processes: 2\n"
                                  "faults:\n  - kind: disk_failure\n    target: scsi0.disk1\n    at: 0.3s\n"));
  CHECK_FALSE(j["stats"].contains("top.card.fw.scsi_timeouts"));
  check_ledger(j);
}

// ---- the LSI HBA's DMA master abort (sync stacks) -------------------------------

TEST_CASE("LSI HBA master abort: an IO_DATA_ERROR reply, retried as a soft error, -EIO after 5 attempts",
          "[faults][fw_timeout][hba][cli]") {
  auto body = [](const std::string& path, const std::string& fault) {
    return "platform:\n  io_path: " + path + "\n  scsi:\n    buses: 2\n    disks_per_bus: 2\n"
           "run:\n  warmup: 0.1s\n  duration: 1s\n"
           "workload:\n  kind: closed\n  processes: 8\n"
           "faults:\n  - kind: pci_master_abort\n" + fault;
  };
  for (const std::string path : {"sync", "posix_aio", "kaio"}) {
    INFO(path);
    // Half the read DMAs abort: most commands succeed on a later attempt, a
    // few (1/32) abort on all five. 4 KiB reads: one piece, one request each.
    const auto j = run_scenario_json(write_scenario("hba_abort_" + path, body(path, "    target: hba0\n    probability: 0.5\n")));
    const double aborts = stat(j, "top.hba0.master_aborts");
    const double eio = stat(j, "top.host.sd.eio");
    CHECK(aborts > 0);
    CHECK_FALSE(j["stats"].contains("top.hba1.master_aborts"));  // only the chip named
    CHECK(stat(j, "top.hba0.error_replies") == aborts);          // one address reply each
    CHECK(eio > 0);
    CHECK(stat(j, "top.host.sd.scsi_retries") + eio == aborts);   // each abort: sent again, or the 5th attempt's -EIO
    CHECK(stat(j, "top.host.sd.scsi_retries") > 10 * eio);
    CHECK(stat(j, "top.workload.failed") == eio);
    CHECK(stat(j, "top.workload.completed") > 10 * eio);
    check_ledger(j);
  }
  // Every read DMA through hba0 aborts: each of its commands is tried 5
  // times, then fails; hba1's drives go on.
  const auto all = run_scenario_json(write_scenario("hba_abort_all", body("sync", "    target: hba0\n    probability: 1\n")));
  const double eio = stat(all, "top.host.sd.eio");
  CHECK(eio > 0);
  CHECK(stat(all, "top.hba0.master_aborts") == 5 * eio);
  CHECK(stat(all, "top.host.sd.scsi_retries") == 4 * eio);
  CHECK(stat(all, "top.workload.completed") > eio);
  check_ledger(all);
  // Once, at the first read DMA from 0.3 s on: that command is sent again and
  // succeeds; nothing fails.
  const auto j = run_scenario_json(write_scenario("hba_abort_once", body("sync", "    target: hba1\n    at: 0.3s\n")));
  CHECK(stat(j, "top.hba1.master_aborts") == 1);
  CHECK(stat(j, "top.host.sd.scsi_retries") == 1);
  CHECK(stat(j, "top.workload.failed") == 0);
  CHECK(stat(j, "run.requests_failed") == 0);
  check_ledger(j);
}

TEST_CASE("LSI HBA master abort: loader errors located, with 'did you mean'", "[faults][fw_timeout][hba][cli][errors]") {
  auto err = [](const std::string& tag, const std::string& path, const std::string& target) {
    const std::string body = "platform:\n  io_path: " + path + "\n  scsi:\n    buses: 2\n    disks_per_bus: 2\n"
                             "run:\n  duration: 1s\n"
                             "workload:\n  kind: " + std::string(path == "async" ? "open\n  rate: 100/s" : "closed") + "\n"
                             "faults:\n  - kind: pci_master_abort\n    target: " + target + "\n    probability: 0.1\n";
    const CmdResult r = run_scenario_raw(write_scenario(tag, body));
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  CHECK_THAT(err("hba_typo", "sync", "hab0"), Contains(".yaml:") && Contains("did you mean 'hba0'"));
  CHECK_THAT(err("hba_range", "sync", "hba2"), Contains("hba1"));
  CHECK_THAT(err("hba_async", "async", "hba0"), Contains("target `card`"));
}

TEST_CASE("firmware timeout: the recovery is in the waveform beside the bus's RST", "[faults][fw_timeout][cli][vcd]") {
  const std::string s = write_scenario("fwto_vcd", hang_scenario("    recover_on_reset: true\n", "2s"));
  const std::string vcd = s + ".vcd";
  const CmdResult r = iosim::itest::run_iosim({"run", s, "--vcd", vcd, "--no-files", "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string text = iosim::itest::slurp(vcd);
  // $var wire 2 <id> recovery [1:0] $end, in scope top.card.fw; the bus's rst.
  const size_t at = text.find(" recovery [1:0] $end");
  REQUIRE(at != std::string::npos);
  CHECK(text.find(" rst $end") != std::string::npos);
  const size_t id_end = text.rfind(' ', at - 1);
  const std::string id = text.substr(text.rfind(' ', id_end - 1) + 1, id_end - text.rfind(' ', id_end - 1) - 1);
  // Each step of the escalation: abort (b1), target reset (b10), bus reset (b11), idle (b0).
  for (const char* v : {"b1 ", "b10 ", "b11 "}) CHECK(text.find("\n" + std::string(v) + id + "\n") != std::string::npos);
}
