// Highmem bounce buffers on the 2.4 block layer (issue 8, deliverable 2;
// `platform.sync.bounce: highmem`): a lowmem page per data page, a read's
// copy up in the completion path (interrupt time), a write's copy down at
// submission (the process's system time), the stacks over the block layer
// bounce too, the card's driver never, and the key refused where there is
// no 2.4 block layer.
#include "tests/test_cli_util.hpp"

#include <catch2/catch.hpp>
#include <iostream>

using namespace iosim::itest;

namespace {
std::string x342_sync() { return std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml"; }

// CPU seconds of category `cat` (user, system, irq) per second, over every CPU.
double cpu(const nlohmann::json& j, const std::string& cat) {
  double s = 0;
  for (int c = 0; j["stats"].contains("top.host.cpu" + std::to_string(c) + "." + cat); ++c)
    s += stat(j, "top.host.cpu" + std::to_string(c) + "." + cat) / 100;
  return s;
}
constexpr double kCopyBw = 250e6;     // platform.sync.copy_bandwidth default (B/s)
constexpr double kPageCycles = 1500;  // platform.sync.cost.bounce_page default
constexpr double kClock = 1.26e9;     // the x342's CPU clock (Hz)

// x342_sync with `sets`, bounce none and highmem; the added CPU seconds per
// I/O of a category (what bouncing costs one request).
struct OnOff {
  nlohmann::json off, on;
  explicit OnOff(std::vector<std::string> sets) {
    off = run_scenario_json(x342_sync(), sets);
    sets.push_back("platform.sync.bounce=highmem");
    on = run_scenario_json(x342_sync(), sets);
  }
  double iops_on() const { return stat(on, "top.workload.io_rate"); }
  double iops_off() const { return stat(off, "top.workload.io_rate"); }
  double added_per_io(const std::string& cat) const { return cpu(on, cat) / iops_on() - cpu(off, cat) / iops_off(); }
};
}  // namespace

TEST_CASE("bounce: a 64 KiB read gets 16 bounce pages and its copy up costs interrupt time at copy_bandwidth", "[bounce][cli]") {
  const OnOff r({"workload.block=64KiB", "workload.processes=32", "run.duration=1s"});
  const auto& off = r.off;
  const auto& on = r.on;
  const double iops_off = r.iops_off(), iops_on = r.iops_on();
  const double bytes_on = stat(on, "top.workload.data_rate") * 1e6;
  std::cout << "64 KiB, 32 processes: none " << iops_off << " I/O/s, irq " << cpu(off, "irq") * 100 << "% sys "
            << cpu(off, "system") * 100 << "%; highmem " << iops_on << " I/O/s, irq " << cpu(on, "irq") * 100
            << "% sys " << cpu(on, "system") * 100 << "%\n";
  // The disks bound both runs: the copies are CPU time, and the CPUs are far from busy.
  CHECK(iops_on == Approx(iops_off).epsilon(0.05));
  CHECK(stat(on, "top.host.sd.bounce.page_rate") == Approx(iops_on * 16).epsilon(0.02));
  CHECK(stat(on, "top.host.sd.bounce.copy_rate") * 1e6 == Approx(bytes_on).epsilon(0.02));
  CHECK_FALSE(off["stats"].contains("top.host.sd.bounce.page_rate"));  // none adds nothing
  // Per I/O: the copy up (65536 B at 250 MB/s = 262 us) lands in interrupt
  // time (the completion path), the page setup (16 x 1500 cycles) in the
  // process's system time.
  CHECK(r.added_per_io("irq") == Approx(65536 / kCopyBw).epsilon(0.05));
  CHECK(r.added_per_io("system") == Approx(16 * kPageCycles / kClock).epsilon(0.25));
}

TEST_CASE("bounce: a write is copied down at submission, by the writing process", "[bounce][cli]") {
  const OnOff r({"workload.block=16KiB", "workload.write_fraction=1", "run.duration=1s"});
  CHECK(r.added_per_io("system") == Approx(16384 / kCopyBw + 4 * kPageCycles / kClock).epsilon(0.1));
  CHECK(std::abs(r.added_per_io("irq")) < 0.1 * 16384 / kCopyBw);  // nothing copied in the completion path
  CHECK(stat(r.on, "top.host.sd.bounce.page_rate") == Approx(r.iops_on() * 4).epsilon(0.02));
}

TEST_CASE("bounce: the stacks over the block layer bounce too, and every request still completes once", "[bounce][cli]") {
  for (const char* stack : {"posix_aio", "kaio", "uring"}) {
    const std::string f = std::string(IOSIM_SOURCE_DIR) + "/scenarios/stacks/x342_" + stack + ".yaml";
    INFO(stack);
    // Exit 0: the run's ledger found every request completed exactly once.
    const auto j = run_scenario_json(f, {"platform.sync.bounce=highmem", "run.duration=0.5s"});
    CHECK(stat(j, "top.host.sd.bounce.page_rate") == Approx(stat(j, "top.workload.io_rate")).epsilon(0.05));
  }
}

TEST_CASE("bounce: the card's driver never bounces, and the key is refused where there is no 2.4 block layer", "[bounce][cli][loader]") {
  // The kernel's property, accepted on the async path, where it changes nothing:
  // the card DMAs to its driver's own buffers.
  const std::string card = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";
  const auto a_off = run_scenario_json(card, {"run.duration=0.3s"});
  const auto a_on = run_scenario_json(card, {"run.duration=0.3s", "platform.sync.bounce=highmem"});
  CHECK(stat(a_on, "top.workload.io_rate") == stat(a_off, "top.workload.io_rate"));
  CHECK(stat(a_on, "top.host.cpu0.irq") == stat(a_off, "top.host.cpu0.irq"));
  CHECK_FALSE(a_on["stats"].contains("top.host.sd.bounce.page_rate"));
  const auto nvme = run_scenario_raw(std::string(IOSIM_SOURCE_DIR) + "/scenarios/nvme/modern_nvme.yaml",
                                     {"platform.sync.bounce=highmem"});
  CHECK(nvme.status == 2);
  CHECK(nvme.err.find("the nvme platform has no sync") != std::string::npos);
  const auto storage = run_scenario_raw(std::string(IOSIM_SOURCE_DIR) + "/scenarios/examples/storage_raid0.yaml",
                                        {"platform.sync.bounce=highmem"});
  CHECK(storage.status == 2);
  CHECK(storage.err.find("platform.sync.bounce") != std::string::npos);
  const auto cost = run_scenario_raw(x342_sync(), {"platform.sync.cost.bounce_page=100"});
  CHECK(cost.status == 2);
  CHECK(cost.err.find("platform.sync.cost.bounce_page") != std::string::npos);
  CHECK(cost.err.find("bounce: highmem") != std::string::npos);
  // copy_bandwidth also sets the bounce copy's rate: accepted with it.
  const auto bw = run_scenario_raw(x342_sync(), {"platform.sync.bounce=highmem", "platform.sync.copy_bandwidth=500MB/s",
                                                 "run.duration=0.2s"});
  CHECK(bw.status == 0);
}
