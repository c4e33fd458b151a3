// The card completing by interrupt and by hybrid interrupt-then-poll
// (issue 8, platform.async.completion), end to end through `iosim run` as a
// child process: the firmware's doorbell reaches the host's handler, the
// latency loses the polling wait, NAPI-style polling takes fewer interrupts
// under load, every mode conserves requests, and the default (poll) mode
// adds nothing to the results.
#include "tests/test_cli_util.hpp"
#include "tests/test_harness.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/queue_controller.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

using namespace iosim::itest;

namespace {
// CardMemory's messaging unit with the host played by a TlmHost on the BAR
// and INTA# recorded.
struct MuBench : iosim::test::TestBase {
  struct Line : iosim::IrqIf {
    std::vector<sc_core::sc_time> raised;
    void raise() override { raised.push_back(sc_core::sc_time_stamp()); }
  } line;
  iosim::QueueController qc;
  iosim::CardMemory mem;
  iosim::test::TlmHost host;
  explicit MuBench(sc_core::sc_module_name n = "tb")
      : TestBase(n), qc("qc", iosim::test::model_qc_params(16)), mem("mem", iosim::test::ring_layout(16), qc),
        host("host") {
    host.socket.bind(mem.bar);
    mem.irq.bind(line);
  }
  uint64_t reg(uint32_t r) const { return mem.layout().regs_base() + r; }
  uint32_t read(uint32_t r) { return host.read_as<uint32_t>(reg(r)); }
  tlm::tlm_response_status write(uint32_t r, uint32_t v) { return host.write_bytes(reg(r), &v, 4); }
};
}  // namespace

TEST_CASE("card messaging unit: doorbell, write-1-to-clear, mask, one edge per assertion", "[card][irq][card_memory]") {
  using namespace iosim;
  MuBench tb;
  size_t after_ring = 0, after_second_ring = 0, after_mask = 0, after_unmask = 0, after_clear_ring = 0;
  uint32_t oisr_set = 0, oisr_clear = 0, oimr = 0;
  tlm::tlm_response_status oisr_write = tlm::TLM_OK_RESPONSE, bad_reg = tlm::TLM_OK_RESPONSE;
  tb.run([&] {
    CHECK(tb.read(ring::mu::kOisr) == 0);
    tb.mem.ring_doorbell();  // firmware: completions posted
    after_ring = tb.line.raised.size();
    tb.mem.ring_doorbell();  // still set: no new edge
    after_second_ring = tb.line.raised.size();
    oisr_set = tb.read(ring::mu::kOisr);
    CHECK(tb.write(ring::mu::kOdr, ring::mu::kDoorbell) == tlm::TLM_OK_RESPONSE);  // host clears it
    oisr_clear = tb.read(ring::mu::kOisr);
    CHECK(tb.write(ring::mu::kOimr, ring::mu::kDoorbell) == tlm::TLM_OK_RESPONSE);  // host masks
    oimr = tb.read(ring::mu::kOimr);
    tb.mem.ring_doorbell();  // masked: pending, no edge
    after_mask = tb.line.raised.size();
    CHECK(tb.mem.doorbell_pending());
    CHECK(tb.write(ring::mu::kOimr, 0) == tlm::TLM_OK_RESPONSE);  // unmask with the doorbell set: edge now
    after_unmask = tb.line.raised.size();
    tb.write(ring::mu::kOdr, ring::mu::kDoorbell);
    tb.mem.ring_doorbell();  // a new assertion after a clear: a new edge
    after_clear_ring = tb.line.raised.size();
    oisr_write = tb.write(ring::mu::kOisr, 1);
    uint64_t v = 0;
    bad_reg = tb.host.read_bytes(tb.reg(0x38), &v, 4);
  }, sc_core::sc_time(1, sc_core::SC_MS));
  CHECK(after_ring == 1);
  CHECK(after_second_ring == 1);
  CHECK(oisr_set == ring::mu::kDoorbell);
  CHECK(oisr_clear == 0);
  CHECK(oimr == ring::mu::kDoorbell);
  CHECK(after_mask == 1);
  CHECK(after_unmask == 2);
  CHECK(after_clear_ring == 3);
  CHECK(oisr_write == tlm::TLM_COMMAND_ERROR_RESPONSE);  // OISR is read-only
  CHECK(bad_reg == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(tb.mem.irq_raised() == 3);
}

namespace {
const std::string kAsync = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";
const std::string kIrq = std::string(IOSIM_SOURCE_DIR) + "/scenarios/stacks/x342_card_irq.yaml";
const std::string kHybrid = std::string(IOSIM_SOURCE_DIR) + "/scenarios/stacks/x342_card_hybrid.yaml";

// Every request issued was completed (the run's ledger check passed, and the
// counts agree).
void check_conserved(const nlohmann::json& j) {
  CHECK(stat(j, "run.requests_issued") > 0);
  CHECK(stat(j, "run.requests_completed") == stat(j, "run.requests_issued"));
}
}  // namespace

TEST_CASE("card irq: one doorbell, one interrupt, one handler pass per completion", "[card][irq][cli]") {
  const auto j = run_scenario_json(kIrq, {"run.duration=1s"});
  check_conserved(j);
  const double posted = stat(j, "top.card.fw.post_rate");
  const double raised = stat(j, "top.card.fw.interrupt_rate");
  const double taken = stat(j, "top.host.aio.interrupt_rate");
  std::cout << "card irq: posted " << posted << "/s, raised " << raised << "/s, taken " << taken << "/s\n";
  REQUIRE(posted > 1000);
  // Without coalescing a doorbell per completion, unless the host had not yet
  // cleared the previous one (then its drain takes both): nearly one each.
  CHECK(raised <= posted);
  CHECK(raised >= 0.95 * posted);
  CHECK(taken == Approx(raised).margin(2));  // every edge of INTA# runs the handler once (an edge at a window end may be taken after it)
  CHECK(stat(j, "top.host.aio.spurious_rate") == 0);
  CHECK(stat(j, "top.host.aio.completions_per_interrupt") == Approx(posted / raised).epsilon(0.02));
  // The handler runs in interrupt context: the host's irq time grows with it.
  CHECK(stat(j, "top.host.cpu0.irq") + stat(j, "top.host.cpu1.irq") > 0.5);
  // No polling thread in this mode.
  CHECK_FALSE(j["stats"].contains("top.host.aio.poll_rate"));
}

TEST_CASE("card irq: at low load the latency loses the polling wait", "[card][irq][latency][cli]") {
  // 500 I/O/s on 20 disks: the disks are mostly idle, so latency = service +
  // (poll mode) the wait for the next 100 ms poll, on average half a period.
  auto run = [](const std::string& mode) {
    return run_scenario_json(kAsync, {"platform.async.completion=" + mode, "workload.rate=500/s", "run.duration=2s"});
  };
  const auto poll = run("poll"), irq = run("irq");
  check_conserved(poll);
  check_conserved(irq);
  const double lp = stat(poll, "top.workload.latency.mean"), li = stat(irq, "top.workload.latency.mean");
  const double p50p = stat(poll, "top.workload.latency.p50"), p50i = stat(irq, "top.workload.latency.p50");
  const double n = stat(poll, "top.workload.completed");
  std::cout << "500 IO/s: mean latency poll " << lp << " ms, irq " << li << " ms (p50 " << p50p << " / " << p50i << ")\n";
  CHECK(li < lp / 4);
  CHECK(p50i < p50p / 4);
  // The difference is the polling wait: uniform over a 100 ms period, mean
  // 50 ms, sampling error 29 ms / sqrt(n) (4 sigma, + 2 ms for the service
  // times' own spread between the two runs' different interleavings).
  CHECK(std::abs((lp - li) - 50) <= 4 * 100 / std::sqrt(12.0) / std::sqrt(n) + 2);
  // Same work done.
  CHECK(stat(irq, "top.workload.io_rate") == Approx(stat(poll, "top.workload.io_rate")).epsilon(0.05));
}

TEST_CASE("card hybrid: fewer interrupts than irq at high load", "[card][hybrid][cli]") {
  // 4000 I/O/s (x342_async.yaml): completions ~250 us apart.
  const auto irq = run_scenario_json(kIrq, {"run.duration=1s"});
  const auto napi = run_scenario_json(kHybrid, {"run.duration=1s", "platform.async.hybrid.repoll=0s"});
  const auto hyb = run_scenario_json(kHybrid, {"run.duration=1s"});  // repoll 10 ms
  for (const auto* j : {&irq, &napi, &hyb}) check_conserved(*j);
  const double i_irq = stat(irq, "top.host.aio.interrupt_rate");
  const double i_napi = stat(napi, "top.host.aio.interrupt_rate");
  const double i_hyb = stat(hyb, "top.host.aio.interrupt_rate");
  std::cout << "interrupts/s at 4000 IO/s: irq " << i_irq << ", hybrid repoll 0 " << i_napi << " (polls "
            << stat(napi, "top.host.aio.poll_rate") << "/s), hybrid repoll 10 ms " << i_hyb << " (polls "
            << stat(hyb, "top.host.aio.poll_rate") << "/s, masked " << stat(hyb, "top.host.aio.irq_masked") << "%)\n";
  REQUIRE(i_irq > 1000);
  // Pure NAPI re-arms when a poll finds the ring empty: a completion that
  // lands while the poll thread runs saves an interrupt, none is added.
  CHECK(i_napi <= i_irq);
  // Polling every jiffy while work keeps coming: the card rarely interrupts.
  CHECK(i_hyb < i_irq / 10);
  CHECK(stat(hyb, "top.host.aio.irq_masked") > 90);
  // What the card raised is what the host took.
  CHECK(stat(hyb, "top.card.fw.interrupt_rate") == Approx(i_hyb).margin(2));
  // Each poll drains what a jiffy brought: ~40 completions.
  CHECK(stat(hyb, "top.host.aio.batch.mean") > 10);
  // Same work done by every mode.
  CHECK(stat(hyb, "top.workload.io_rate") == Approx(stat(irq, "top.workload.io_rate")).epsilon(0.05));
}

TEST_CASE("card completion: every mode conserves requests through a full ring", "[card][irq][ring][cli]") {
  // A 16-record ring at 4000/s fills; blocked submitters are woken by each
  // drain, whichever context runs it (thread, handler, poll thread).
  const std::vector<std::vector<std::string>> modes{
      {"platform.async.completion=poll", "platform.async.poll_period=5ms"},
      {"platform.async.completion=irq"},
      {"platform.async.completion=irq", "platform.async.irq.coalesce_count=8", "platform.async.irq.coalesce_timeout=2ms"},
      {"platform.async.completion=hybrid"},
      {"platform.async.completion=hybrid", "platform.async.hybrid.budget=2", "platform.async.hybrid.repoll=1ms"}};
  for (auto sets : modes) {
    sets.push_back("platform.async.ring_depth=16");
    sets.push_back("run.duration=0.5s");
    const auto j = run_scenario_json(kAsync, sets);
    INFO(sets[0] << (sets.size() > 3 ? " " + sets[1] : std::string()));
    check_conserved(j);
    CHECK(stat(j, "top.host.aio.ring_full_rate") > 0);
    CHECK(stat(j, "top.workload.completed") > 100);
  }
}

TEST_CASE("card completion: poll is the default and adds nothing to the results", "[card][irq][cli]") {
  const auto def = run_scenario_json(kAsync, {"run.duration=1s"});
  const auto poll = run_scenario_json(kAsync, {"run.duration=1s", "platform.async.completion=poll"});
  CHECK(def["stats"] == poll["stats"]);
  for (const char* k : {"top.card.fw.interrupt_rate", "top.card.fw.doorbell_rate", "top.host.aio.interrupt_rate"})
    CHECK_FALSE(def["stats"].contains(k));
  CHECK(stat(def, "top.host.aio.poll_rate") == 10);  // every 100 ms
}

TEST_CASE("card irq: the card's interrupt line is a waveform signal", "[card][irq][vcd][cli]") {
  const auto dir = std::filesystem::temp_directory_path() / ("iosim_card_irq_vcd_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string vcd = (dir / "irq.vcd").string();
  const CmdResult r = run_iosim({"run", kIrq, "--quiet", "--no-files", "--vcd", vcd, "--set", "run.duration=0.3s"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string text = slurp(vcd);
  std::filesystem::remove_all(dir);
  // $scope module mem $end ... $var wire 1 <code> irq $end, and it toggles.
  const size_t at = text.find(" irq $end");
  REQUIRE(at != std::string::npos);
  const size_t code_end = at;  // "... 1 <code> irq $end": the code ends where " irq" begins
  const size_t code_begin = text.rfind(' ', code_end - 1) + 1;
  const std::string code = text.substr(code_begin, code_end - code_begin);
  CHECK(text.find("\n1" + code + "\n") != std::string::npos);
  CHECK(text.find("\n0" + code + "\n") != std::string::npos);
}
