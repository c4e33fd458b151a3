// Interrupt coalescing (count + timeout) on the LSI 53C1030 (Fusion-MPT IOC
// Page 1 CoalescingDepth / CoalescingTimeout) and on the card's firmware, and
// hybrid interrupt-then-poll on the sync path (issue 8), end to end through
// `iosim run` as a child process.
#include "tests/test_cli_util.hpp"

#include <cmath>
#include <iostream>

using namespace iosim::itest;

namespace {
const std::string kSync = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml";
const std::string kCoalesce = std::string(IOSIM_SOURCE_DIR) + "/scenarios/stacks/x342_sync_coalesce.yaml";
const std::string kIrq = std::string(IOSIM_SOURCE_DIR) + "/scenarios/stacks/x342_card_irq.yaml";

void check_conserved(const nlohmann::json& j) {
  CHECK(stat(j, "run.requests_issued") > 0);
  CHECK(stat(j, "run.requests_completed") == stat(j, "run.requests_issued"));
}
double hba_interrupts(const nlohmann::json& j) { return stat(j, "top.hba0.interrupt_rate") + stat(j, "top.hba1.interrupt_rate"); }
}  // namespace

TEST_CASE("coalescing: the HBA's count k divides interrupts/s by ~k", "[hba][coalescing][cli]") {
  // 256 processes keep ~60 commands per chip outstanding: a batch of k forms
  // long before a 100 ms timeout, so the count decides.
  const auto base = run_scenario_json(kSync, {"run.duration=1s"});
  check_conserved(base);
  const double i1 = hba_interrupts(base);
  REQUIRE(i1 > 1000);
  for (int k : {2, 4, 8}) {
    const auto j = run_scenario_json(kSync, {"run.duration=1s", "platform.sync.hba.coalesce_count=" + std::to_string(k),
                                             "platform.sync.hba.coalesce_timeout=100ms"});
    check_conserved(j);
    const double ik = hba_interrupts(j);
    std::cout << "HBA coalesce " << k << ": " << ik << " interrupts/s (off: " << i1 << "), "
              << stat(j, "top.host.sd.replies_per_interrupt") << " replies per ISR\n";
    // Replies per interrupt is k (at most the ISR finds one more that came
    // while it drained); the I/O rate moves by a few %, so the ratio too.
    CHECK(stat(j, "top.host.sd.replies_per_interrupt") >= k);
    CHECK(stat(j, "top.host.sd.replies_per_interrupt") <= k + 0.5);
    CHECK(i1 / ik == Approx(k).epsilon(0.1));
    CHECK(stat(j, "top.host.sd.interrupt_rate") == Approx(ik).margin(2));  // raised vs taken: an edge may straddle a window end
  }
}

TEST_CASE("coalescing: the HBA's timeout announces a partial batch after the timeout", "[hba][coalescing][cli]") {
  // One process: one reply outstanding, so a batch of 8 never forms and each
  // reply is announced by the timeout: latency grows by the timeout, and
  // there is still one interrupt per reply.
  const std::string small = scenario("sync_small.yaml");
  const auto off = run_scenario_json(small, {"run.duration=2s"});
  const auto on = run_scenario_json(small, {"run.duration=2s", "platform.sync.hba.coalesce_count=8",
                                            "platform.sync.hba.coalesce_timeout=2ms"});
  check_conserved(off);
  check_conserved(on);
  const double l0 = stat(off, "top.workload.latency.mean"), l1 = stat(on, "top.workload.latency.mean");
  std::cout << "1 process: latency " << l0 << " ms, with an 8-reply / 2 ms coalescing " << l1 << " ms\n";
  CHECK(l1 - l0 == Approx(2.0).margin(0.5));  // + the spread of two means of ~340 service times (the requests land elsewhere)
  CHECK(stat(on, "top.host.sd.replies_per_interrupt") == Approx(1.0));
}

TEST_CASE("coalescing: the shipped scenario cuts the sync path's interrupts", "[hba][coalescing][cli]") {
  const auto base = run_scenario_json(kSync, {"run.duration=1s"});
  const auto j = run_scenario_json(kCoalesce, {"run.duration=1s"});
  check_conserved(j);
  CHECK(hba_interrupts(j) < hba_interrupts(base) / 2.5);
  CHECK(stat(j, "top.workload.io_rate") == Approx(stat(base, "top.workload.io_rate")).epsilon(0.05));
}

TEST_CASE("coalescing: the card's count k divides interrupts/s by ~k", "[card][coalescing][cli]") {
  const auto base = run_scenario_json(kIrq, {"run.duration=1s"});
  const double i1 = stat(base, "top.card.fw.interrupt_rate");
  REQUIRE(i1 > 1000);
  for (int k : {2, 4, 8}) {
    const auto j = run_scenario_json(kIrq, {"run.duration=1s", "platform.async.irq.coalesce_count=" + std::to_string(k),
                                            "platform.async.irq.coalesce_timeout=100ms"});
    check_conserved(j);
    const double ik = stat(j, "top.card.fw.interrupt_rate");
    std::cout << "card coalesce " << k << ": " << ik << " interrupts/s (off: " << i1 << "), "
              << stat(j, "top.host.aio.completions_per_interrupt") << " completions per handler pass\n";
    CHECK(i1 / ik == Approx(k).epsilon(0.1));
    CHECK(stat(j, "top.host.aio.interrupt_rate") == Approx(ik).margin(2));
    CHECK(stat(j, "top.host.aio.completions_per_interrupt") >= k);
  }
}

TEST_CASE("coalescing: the card's timeout announces a partial batch after the timeout", "[card][coalescing][cli]") {
  // 200 I/O/s: completions ~5 ms apart, so with a 1 ms timeout a batch of 64
  // never forms and each completion waits the timeout.
  const std::string small = scenario("async_small.yaml");
  const auto off = run_scenario_json(small, {"run.duration=2s", "platform.async.completion=irq"});
  const auto on = run_scenario_json(small, {"run.duration=2s", "platform.async.completion=irq",
                                            "platform.async.irq.coalesce_count=64",
                                            "platform.async.irq.coalesce_timeout=1ms"});
  check_conserved(off);
  check_conserved(on);
  const double l0 = stat(off, "top.workload.latency.mean"), l1 = stat(on, "top.workload.latency.mean");
  std::cout << "200 IO/s: card irq latency " << l0 << " ms, with a 64 / 1 ms coalescing " << l1 << " ms, "
            << stat(on, "top.host.aio.completions_per_interrupt") << " per interrupt\n";
  // Two completions within a millisecond share one interrupt (the second
  // waits less): the mean shift is at most the timeout, and most of it.
  CHECK(l1 - l0 <= 1.0 + 0.05);
  CHECK(l1 - l0 >= 0.7);
  CHECK(stat(on, "top.host.aio.completions_per_interrupt") < 1.3);
}

TEST_CASE("sync hybrid: the poll threads take fewer interrupts than the ISR at high load", "[hba][hybrid][cli]") {
  const auto irq = run_scenario_json(kSync, {"run.duration=1s"});
  const auto napi = run_scenario_json(kSync, {"run.duration=1s", "platform.sync.completion=hybrid"});
  const auto tick = run_scenario_json(kSync, {"run.duration=1s", "platform.sync.completion=hybrid",
                                              "platform.sync.hybrid.repoll=10ms"});
  for (const auto* j : {&irq, &napi, &tick}) check_conserved(*j);
  const double i0 = hba_interrupts(irq), i1 = hba_interrupts(napi), i2 = hba_interrupts(tick);
  std::cout << "sync interrupts/s: irq " << i0 << ", hybrid " << i1 << " (" << stat(napi, "top.host.sd.poll_rate")
            << " polls/s), hybrid repoll 10 ms " << i2 << " (" << stat(tick, "top.host.sd.poll_rate") << " polls/s, "
            << stat(tick, "top.workload.io_rate") << " IO/s vs " << stat(irq, "top.workload.io_rate") << ")\n";
  CHECK(i1 <= i0);
  CHECK(i2 < i0 / 10);
  CHECK(stat(tick, "top.host.sd.replies_per_poll") > 5);
  // The interrupts the chips raised are the ones the driver took.
  CHECK(stat(tick, "top.host.sd.interrupt_rate") == Approx(i2).margin(2));
  // Default irq: no poll statistics.
  CHECK_FALSE(irq["stats"].contains("top.host.sd.poll_rate"));
}

TEST_CASE("coalescing and completion keys: misuse is an input error", "[coalescing][loader][cli]") {
  auto err = [](const std::string& file, const std::vector<std::string>& sets) {
    const CmdResult r = run_scenario_raw(file, sets);
    CHECK(r.status == 2);
    return r.err;
  };
  const std::string async = scenario("async_small.yaml"), sync = scenario("sync_small.yaml");
  std::string e = err(async, {"platform.async.completion=irq", "platform.async.irq.coalesce_count=4"});
  CHECK(e.find("platform.async.irq.coalesce_count") != std::string::npos);
  CHECK(e.find("coalesce_timeout") != std::string::npos);
  e = err(async, {"platform.async.irq.coalesce_count=4", "platform.async.irq.coalesce_timeout=1ms"});  // completion is poll
  CHECK(e.find("platform.async.irq.coalesce_count") != std::string::npos);
  CHECK(e.find("completion") != std::string::npos);
  // Defaults written out (as --dump-config does) are not settings of another mode.
  CHECK(run_scenario_raw(async, {"platform.async.irq.coalesce_count=1", "platform.async.hybrid.budget=64",
                                 "run.duration=0.3s"}).status == 0);
  e = err(async, {"platform.async.completion=irq", "platform.async.hybrid.budget=8"});
  CHECK(e.find("hybrid") != std::string::npos);
  e = err(sync, {"platform.sync.hybrid.repoll=1ms"});
  CHECK(e.find("platform.sync.hybrid") != std::string::npos);
  e = err(async, {"platform.async.completion=hybird"});
  CHECK(e.find("did you mean") != std::string::npos);
  CHECK(e.find("hybrid") != std::string::npos);
}
