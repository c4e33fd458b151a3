// Card-side faults (issue 11, deliverable 2): the firmware on its own (a
// stall freezes its heartbeat and stops it taking requests; a board reset
// drops what the old incarnation had and resets the rings; a lost ring update
// hides one completion for good), then the card with the async driver end to
// end in every completion mode (iosim as a child process): the watchdog
// detects a stall and resets the card, requests are sent again or failed, a
// lost update is caught by the request timeout, a master abort ends its
// request with -EIO, and the ledger proves every request ended exactly once.
#include "tests/test_card_util.hpp"
#include "tests/test_harness.hpp"
#include "tests/test_stack_util.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;
using iosim::itest::write_x342_scenario;
using iosim::itest::stat;
using iosim::itest::run_scenario_json;
using iosim::itest::run_scenario_raw;
using iosim::itest::CmdResult;
using Catch::Matchers::Contains;

namespace {

constexpr uint32_t kDepth = 16;

// The firmware with one fake disk (RAID0 of one member), a fake DMA engine
// and the host side played over the card's BAR.
struct CardBench : TestBase {
  FirmwareParams fp;
  QueueController qc;
  CardMemory mem;
  TlmHost host;
  Raid0Geometry geo;
  FakeBlockDevice disk;
  FakeDma dma;
  Firmware fw;

  CardBench(const FirmwareParams& p, sc_time disk_delay, sc_core::sc_module_name n = "tb")
      : TestBase(n), fp(p), qc("qc", model_qc_params(kDepth)), mem("mem", ring_layout(kDepth), qc), host("host"),
        geo(geometry()), disk("disk", disk_delay), dma(sc_time(1, SC_US), 500e6), fw("fw", p, mem, qc, geo) {
    host.socket.bind(mem.bar);
    fw.members.bind(disk);
    fw.dma.bind(dma);
  }
  static Raid0Geometry geometry() {
    Raid0Geometry g;
    g.members = 1;
    g.stripe_blocks = 16;
    g.member_capacity_blocks = 1 << 20;
    return g;
  }
  uint32_t hr = 0;
  void post(uint64_t lba, uint64_t callback) {
    post_request(host, mem.layout(), hr, {ring::kCmdRead, lba, 4096, 0x1000'0000, callback});
  }
  uint32_t heartbeat() { return host.read_as<uint32_t>(mem.layout().regs_base() + ring::mu::kOmr0); }
  void reset() {
    const uint32_t key = ring::mu::kResetKey;
    REQUIRE(host.write_bytes(mem.layout().regs_base() + ring::mu::kReset, &key, 4) == tlm::TLM_OK_RESPONSE);
    hr = 0;
  }
  uint64_t callback_at(uint32_t i) {
    return host.read_as<uint64_t>(mem.layout().cpl_rec(i) + ring::cpl::kCallback);
  }
};

FirmwareParams with_stall(double at_s, double duration_s) {
  FirmwareParams p;
  p.faults.stalls.push_back({at_s, duration_s});
  p.restart_s = 1e-3;
  return p;
}

}  // namespace

TEST_CASE("card faults: a stall freezes the heartbeat and the firmware, which resumes where it stopped",
          "[faults][card][firmware]") {
  CardBench tb(with_stall(1e-3, 2e-3), sc_time(100, SC_US));
  uint32_t hb[4] = {};
  size_t taken_in_stall = 9;
  tb.run([&] {
    TestBase::wait_to(sc_time(500, SC_US));
    hb[0] = tb.heartbeat();
    TestBase::wait_to(sc_time(900, SC_US));
    hb[1] = tb.heartbeat();
    TestBase::wait_to(sc_time(1500, SC_US));
    hb[2] = tb.heartbeat();
    tb.post(8, 0xAB);  // during the stall
    TestBase::wait_to(sc_time(2900, SC_US));
    hb[3] = tb.heartbeat();
    taken_in_stall = tb.disk.log.size();
    TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(10, SC_US), sc_time(5, SC_MS));
  }, sc_time(10, SC_MS));
  CHECK(hb[0] > 0);
  CHECK(hb[1] > hb[0]);      // running: one count per poll interval (2 us)
  CHECK(hb[2] == hb[3]);     // stalled: frozen
  CHECK(hb[2] >= hb[1]);
  CHECK(taken_in_stall == 0);  // nothing taken while the CPU is stopped
  REQUIRE(tb.disk.log.size() == 1);
  CHECK(tb.disk.log[0].at >= sc_time(3, SC_MS));  // taken once the stall ended (1 ms + 2 ms)
  CHECK(tb.callback_at(0) == 0xAB);
  CHECK(tb.heartbeat() > hb[3]);  // counting again
}

TEST_CASE("card faults: a board reset ends a stall, resets the rings and drops the old incarnation's work",
          "[faults][card][firmware]") {
  // The disk takes 5 ms: the request taken at 0.2 ms is still at the disk
  // when the firmware hangs (1 ms) and when the host resets the card (2 ms).
  CardBench tb(with_stall(1e-3, std::numeric_limits<double>::infinity()), sc_time(5, SC_MS));
  uint32_t hb_reset = 1, hb_booted = 0;
  uint32_t p_sr_after = 9;
  tb.run([&] {
    TestBase::wait_to(sc_time(200, SC_US));
    tb.post(8, 0x01);
    TestBase::wait_to(sc_time(2, SC_MS));
    REQUIRE(tb.disk.log.size() == 1);
    tb.reset();
    TestBase::wait_to(sc_time(2500, SC_US));
    hb_reset = tb.heartbeat();  // in reset: 0
    TestBase::wait_to(sc_time(3500, SC_US));  // booted at 2 ms + restart 1 ms
    hb_booted = tb.heartbeat();
    p_sr_after = tb.qc.state().p_sr;
    tb.post(16, 0x02);  // the new incarnation's first request, at record 0 again
    TestBase::wait_to(sc_time(12, SC_MS));  // the old command came back at 5.2 ms
  }, sc_time(20, SC_MS));
  CHECK(hb_reset == 0);
  CHECK(hb_booted >= 1);
  CHECK(p_sr_after == 0);  // the controller was reset at boot
  REQUIRE(tb.disk.log.size() == 2);
  CHECK(tb.disk.log[0].done);  // the old command finished at the disk ...
  REQUIRE(tb.dma.log.size() == 1);  // ... but its data was never sent: one DMA, the new request's
  CHECK(tb.qc.state().cpl_count == 1);
  CHECK(tb.callback_at(0) == 0x02);  // only the new request completed
}

TEST_CASE("card faults: a lost completion push hides that completion for good (the next overwrites it)",
          "[faults][card][firmware]") {
  FirmwareParams p;
  p.faults.lost_update.at_s = 0;  // the first post
  CardBench tb(p, sc_time(100, SC_US));
  uint32_t after_first = 9;
  tb.run([&] {
    TestBase::wait_to(sc_time(10, SC_US));
    tb.post(8, 0x11);
    TestBase::wait_to(sc_time(1, SC_MS));  // long after its post
    after_first = tb.qc.state().cpl_count;
    tb.post(16, 0x22);
    TestBase::wait_until([&] { return tb.qc.state().cpl_count == 1; }, sc_time(10, SC_US), sc_time(5, SC_MS));
  }, sc_time(10, SC_MS));
  CHECK(after_first == 0);  // the host sees nothing
  CHECK(tb.dma.log.size() == 2);  // both read their data into the host buffers
  CHECK(tb.qc.state().p_sc == 1);
  CHECK(tb.callback_at(0) == 0x22);  // record 0 now holds the second: the first is gone
}

// ---------------------------------------------------------------- end to end

namespace {

std::string scenario(const std::string& tag, const std::string& async_extra, const std::string& faults) {
  return write_x342_scenario(
      "faults_card", tag,
      "platform:\n  io_path: async\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n"
      "  async:\n    poll_period: 10ms\n    watchdog:\n      period: 50ms\n      restart: 20ms\n"
      "      request_timeout: 100ms\n" + async_extra +
      "workload:\n  kind: open\n  rate: 150/s\n  processes: 4\n"
      "run:\n  warmup: 0.1s\n  duration: 0.6s\n"
      "faults:\n" + faults);
}

const char* kStallForever = "  - kind: firmware_stall\n    target: card\n    at: 0.3s\n";

void check_ledger(const nlohmann::json& j) {
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));  // none lost, none twice
}

}  // namespace

TEST_CASE("card faults: a hung firmware is detected by the watchdog, the card reset and the requests sent again",
          "[faults][card][cli]") {
  for (const char* mode : {"poll", "irq", "hybrid"}) {
    INFO(mode);
    const auto j = run_scenario_json(scenario(std::string("stall_") + mode,
                                              std::string("    completion: ") + mode + "\n", kStallForever));
    CHECK(stat(j, "top.card.fw.stalls") == 1);
    CHECK(stat(j, "top.host.aio.stalls_detected") == 1);
    CHECK(stat(j, "top.host.aio.card_resets") == 1);
    CHECK(stat(j, "top.card.fw.resets") == 1);
    CHECK(stat(j, "top.host.aio.resubmitted") > 0);
    CHECK(stat(j, "top.host.aio.failed_by_reset") == 0);
    CHECK(stat(j, "run.requests_failed") == 0);
    CHECK(stat(j, "top.workload.completed") > 50);
    check_ledger(j);
  }
}

TEST_CASE("card faults: a short stall recovers by itself, unnoticed by the watchdog", "[faults][card][cli]") {
  const auto j = run_scenario_json(
      scenario("short", "", "  - kind: firmware_stall\n    target: card\n    at: 0.3s\n    duration: 20ms\n"));
  CHECK(stat(j, "top.card.fw.stalls") == 1);
  CHECK(stat(j, "top.card.fw.stalled") > 0);
  CHECK(stat(j, "top.host.aio.stalls_detected") == 0);
  CHECK(stat(j, "top.host.aio.card_resets") == 0);
  CHECK(stat(j, "top.host.aio.watchdog_checks") >= 11);  // every 50 ms over 0.6 s
  CHECK(stat(j, "run.requests_failed") == 0);
  check_ledger(j);
}

TEST_CASE("card faults: recovery `fail` and running out of tries end the outstanding requests with -EIO",
          "[faults][card][cli]") {
  for (const std::string extra : {"      recovery: fail\n", "      tries: 1\n"}) {
    INFO(extra);
    const auto j = run_scenario_json(scenario(extra.find("fail") != std::string::npos ? "fail" : "tries", extra, kStallForever));
    const double failed = stat(j, "top.host.aio.failed_by_reset");
    CHECK(failed > 0);
    CHECK(stat(j, "top.host.aio.resubmitted") == 0);
    CHECK(stat(j, "top.host.aio.eio") == failed);
    CHECK(stat(j, "top.workload.failed") == failed);  // the processes see each -EIO
    check_ledger(j);
  }
}

TEST_CASE("card faults: a lost ring update is caught by the request timeout", "[faults][card][cli]") {
  for (const char* mode : {"poll", "irq"}) {
    INFO(mode);
    const auto j = run_scenario_json(scenario(std::string("lost_") + mode, std::string("    completion: ") + mode + "\n",
                                              "  - kind: lost_ring_update\n    target: card\n    at: 0.2s\n"));
    CHECK(stat(j, "top.card.fw.lost_ring_updates") == 1);
    CHECK(stat(j, "top.host.aio.request_timeouts") == 1);
    CHECK(stat(j, "top.host.aio.stalls_detected") == 0);  // the firmware never stopped
    CHECK(stat(j, "top.card.fw.resets") == 1);
    CHECK(stat(j, "top.host.aio.resubmitted") >= 1);  // the lost one at least
    CHECK(stat(j, "run.requests_failed") == 0);
    check_ledger(j);
  }
}

TEST_CASE("card faults: a DMA master abort fails its request with -EIO, the rest goes on", "[faults][card][cli]") {
  const auto j = run_scenario_json(
      scenario("abort", "    completion: hybrid\n", "  - kind: pci_master_abort\n    target: card\n    probability: 0.05\n"));
  const double aborts = stat(j, "top.card.fw.master_aborts");
  CHECK(aborts > 0);
  CHECK(stat(j, "top.host.aio.eio") == aborts);
  CHECK(stat(j, "top.workload.failed") == aborts);
  CHECK(stat(j, "top.card.fw.failed") == aborts);
  CHECK(stat(j, "top.host.aio.card_resets") == 0);
  CHECK(stat(j, "top.workload.completed") > 20 * aborts);
  check_ledger(j);
}

TEST_CASE("card faults: loader errors are located, with 'did you mean'", "[faults][card][cli][errors]") {
  auto err = [](const std::string& tag, const std::string& faults, const std::string& extra = "") {
    const CmdResult r = run_scenario_raw(scenario(tag, extra, faults));
    INFO(r.err);
    CHECK(r.status == 2);
    return r.err;
  };
  CHECK_THAT(err("e_target", "  - kind: firmware_stall\n    target: crad\n    at: 0.3s\n"),
             Contains("s.yaml:") && Contains("did you mean 'card'"));
  // An LSI HBA's master abort is a sync-stack fault (tests/test_fw_timeout.cpp).
  CHECK_THAT(err("e_hba", "  - kind: pci_master_abort\n    target: hba0\n    probability: 0.1\n"),
             Contains("target `card`"));
  CHECK_THAT(err("e_none", "  - kind: lost_ring_update\n    target: card\n"), Contains("probability") && Contains("at"));
  CHECK_THAT(err("e_key", "  - kind: firmware_stall\n    target: card\n    at: 0.3s\n    duraton: 1s\n"),
             Contains("did you mean 'duration'"));
  CHECK_THAT(err("e_rec", kStallForever, "      recovery: retry\n"), Contains("resubmit"));
  const CmdResult rp = run_scenario_raw(scenario("e_period", "", kStallForever), {"platform.async.watchdog.period=1us"});
  CHECK(rp.status == 2);
  CHECK_THAT(rp.err, Contains("poll interval"));
  // The card is on the async path only.
  const CmdResult r = run_scenario_raw(scenario("e_sync", "", kStallForever), {"platform.io_path=sync", "workload.kind=closed"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("async path only"));
}

TEST_CASE("card faults: disk faults alone add no watchdog", "[faults][card][cli]") {
  const auto j = run_scenario_json(
      scenario("disk_only", "", "  - kind: disk_failure\n    target: scsi0.disk1\n    at: 0.3s\n"));
  CHECK_FALSE(j["stats"].contains("top.host.aio.watchdog_checks"));
  CHECK_FALSE(j["stats"].contains("top.card.fw.stalls"));
  check_ledger(j);
}

TEST_CASE("card faults: a reset gives the same results with the RTL queue controller and its C++ model",
          "[faults][card][cli]") {
  const std::string s = scenario("rtl_model", "",
                                 std::string(kStallForever) + "  - kind: lost_ring_update\n    target: card\n    at: 0.15s\n");
  const auto rtl = run_scenario_json(s, {"platform.async.queue_controller=rtl"});
  const auto model = run_scenario_json(s, {"platform.async.queue_controller=model"});
  CHECK(stat(rtl, "top.card.fw.resets") >= 1);
  CHECK(rtl["stats"] == model["stats"]);
}
