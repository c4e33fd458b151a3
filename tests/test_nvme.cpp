// The NVMe platform (issue 8, deliverable 6; model/nvme/): the shipped
// scenario scenarios/nvme/modern_nvme.yaml run as a child process in each
// completion mode, at QD1 and QD32. Bounds come from the parameters the test
// sets, not from recorded outputs.
#include "tests/test_cli_util.hpp"

#include <iostream>

using namespace iosim::itest;

namespace {

std::string nvme_scenario() { return std::string(IOSIM_SOURCE_DIR) + "/scenarios/nvme/modern_nvme.yaml"; }

// Short runs: the warm-up covers two hybrid-polling windows (100 ms each).
nlohmann::json run_nvme(const std::string& mode, int processes, std::vector<std::string> extra = {}) {
  std::vector<std::string> sets{"platform.nvme.completion=" + mode, "workload.processes=" + std::to_string(processes),
                                "run.warmup=0.2s", "run.duration=0.1s"};
  sets.insert(sets.end(), extra.begin(), extra.end());
  return run_scenario_json(nvme_scenario(), sets);
}

// Sum over the CPUs of (100 - idle): CPU time in % of one core.
double cpu_cores_pct(const nlohmann::json& j) {
  double busy = 0;
  for (int c = 0; j["stats"].contains("top.host.cpu" + std::to_string(c) + ".idle"); ++c)
    busy += 100 - stat(j, "top.host.cpu" + std::to_string(c) + ".idle");
  return busy;
}

double lat_us(const nlohmann::json& j) { return stat(j, "top.workload.latency.mean") * 1e3; }

void conserved(const nlohmann::json& j) {
  CHECK(stat(j, "run.requests_issued") > 0);
  CHECK(stat(j, "run.requests_completed") == stat(j, "run.requests_issued"));
  CHECK(stat(j, "run.requests_failed") == 0);
}

}  // namespace

// One read at a time: its latency is the device's path (front end, die read,
// its piece over a channel, completion build) plus the host's CPU path (all
// serial at QD1) plus the link's transfers and the SQE fetch's memory read.
TEST_CASE("nvme QD1 interrupt: latency = device path + host CPU path (+ link, bounded)", "[nvme][cli]") {
  const double t_command = 2e-6, t_read = 3e-6, t_complete = 0.5e-6, read_latency = 0.5e-6;
  const auto j = run_nvme("interrupt", 1,
                          {"platform.nvme.t_command=2us", "platform.nvme.t_read=3us", "platform.nvme.t_complete=0.5us",
                           "platform.pci.memory.read_latency=0.5us"});
  conserved(j);
  const double piece = 4096.0 / 7 / (2.4e9 / 7);          // shipped: 7 channels of 2400/7 MB/s, spread over all 7
  const double device = t_command + t_read + piece + t_complete;
  const double iops = stat(j, "top.workload.io_rate");
  const double host = cpu_cores_pct(j) / 100 / iops;      // CPU seconds per read (all of it on the read's path)
  const double link = read_latency + 4096 / 3.938e9 + 1e-6;  // SQE fetch + a 4 kB DMA + CQE/MSI/doorbells (< 1 us)
  const double lat = lat_us(j) * 1e-6;
  std::cout << "nvme QD1 interrupt: latency " << lat * 1e6 << " us; device " << device * 1e6 << " us + host CPU "
            << host * 1e6 << " us (+ link <= " << link * 1e6 << " us)\n";
  CHECK(lat >= device + host - 0.2e-6);  // ticks (off the path) are the only CPU time not in the latency
  CHECK(lat <= device + host + link);
  CHECK(stat(j, "top.host.nvme.interrupt_rate") == Approx(iops).epsilon(0.01));  // one MSI-X per completion
}

TEST_CASE("nvme QD1: poll beats interrupt on latency at a whole core, hybrid between them on CPU", "[nvme][cli]") {
  const auto irq = run_nvme("interrupt", 1), poll = run_nvme("poll", 1), hyb = run_nvme("hybrid", 1);
  for (const auto* j : {&irq, &poll, &hyb}) conserved(*j);
  const double ci = cpu_cores_pct(irq), cp = cpu_cores_pct(poll), ch = cpu_cores_pct(hyb);
  std::cout << "nvme QD1 latency us / CPU % of a core: interrupt " << lat_us(irq) << " / " << ci << ", poll "
            << lat_us(poll) << " / " << cp << ", hybrid " << lat_us(hyb) << " / " << ch << "\n";
  // Polling removes the interrupt, the wakeup and the schedule from the path.
  CHECK(lat_us(poll) < lat_us(irq) - 0.5);
  // The polling process never leaves its CPU: one core busy (+ timer ticks on the others).
  CHECK(cp == Approx(100).margin(1.5));
  CHECK(stat(poll, "top.host.nvme.interrupt_rate") == 0);
  CHECK(stat(poll, "top.host.nvme.spin_per_poll") > 1);
  // Hybrid sleeps half the mean completion time first: less CPU than polling,
  // more than interrupts (it still spins the rest), latency no worse than interrupts.
  CHECK(stat(hyb, "top.host.nvme.hybrid_sleep") > 0);
  CHECK(ch < cp - 10);
  CHECK(ch > ci);
  CHECK(lat_us(hyb) < lat_us(irq));
}

// At depth the media bound the rate: every read takes a die per channel and a
// share of every channel; the controller reports the bound from its parameters.
TEST_CASE("nvme QD32: IOPS bounded by the dies and channels, and near that bound", "[nvme][cli]") {
  const auto qd1 = run_nvme("interrupt", 1), qd32 = run_nvme("interrupt", 32);
  conserved(qd32);
  const double bound = stat(qd32, "top.nvme.io_rate_bound");
  CHECK(bound == Approx(2.4e9 / 4096).epsilon(1e-6));  // 7 channels x 2400/7 MB/s, 4 kB reads
  const double iops = stat(qd32, "top.workload.io_rate");
  std::cout << "nvme QD32 interrupt: " << iops << " IOPS of a " << bound << " bound; QD1 "
            << stat(qd1, "top.workload.io_rate") << "\n";
  CHECK(iops <= bound);
  CHECK(iops > 0.8 * bound);
  CHECK(iops > 3 * stat(qd1, "top.workload.io_rate"));
  CHECK(stat(qd32, "top.nvme.channel_busy") > 80);
  // Fewer channels per read, more reads at once: a bound from the same formula.
  const auto narrow = run_nvme("interrupt", 32, {"platform.nvme.stripe_channels=1", "platform.nvme.channels=2",
                                                 "platform.nvme.dies_per_channel=1"});
  const double b2 = stat(narrow, "top.nvme.io_rate_bound");
  CHECK(b2 < bound);
  CHECK(stat(narrow, "top.workload.io_rate") <= b2);
  CHECK(stat(narrow, "top.workload.io_rate") > 0.8 * b2);
}

// More polling processes than CPUs: each keeps its CPU until the tick, the
// others wait in the run queue; nothing is lost in any mode.
TEST_CASE("nvme: every mode conserves requests, also with more spinners than CPUs", "[nvme][cli]") {
  for (const char* m : {"interrupt", "poll", "hybrid"}) {
    const auto j = run_nvme(m, 16, {"platform.host.cpus=2"});
    INFO("mode " << m);
    conserved(j);
    CHECK(stat(j, "top.host.nvme.submitted") == Approx(stat(j, "top.nvme.commands")).margin(16));
  }
}

TEST_CASE("nvme: bad keys and values exit 2 with the key named", "[nvme][cli][errors]") {
  const auto typo = run_scenario_raw(nvme_scenario(), {"platform.nvme.chanels=4"});
  INFO(typo.err);
  CHECK(typo.status == 2);
  CHECK(typo.err.find("did you mean 'channels'") != std::string::npos);
  const auto mode = run_scenario_raw(nvme_scenario(), {"platform.nvme.completion=polling"});
  CHECK(mode.status == 2);
  CHECK(mode.err.find("platform.nvme.completion") != std::string::npos);
  const auto stripe = run_scenario_raw(nvme_scenario(), {"platform.nvme.stripe_channels=9"});
  CHECK(stripe.status == 2);
  CHECK(stripe.err.find("stripe_channels") != std::string::npos);
  const auto procs = run_scenario_raw(nvme_scenario(), {"platform.nvme.queue_entries=16", "workload.processes=16"});
  CHECK(procs.status == 2);
  CHECK(procs.err.find("workload.processes") != std::string::npos);
  const auto open = run_scenario_raw(nvme_scenario(), {"workload.kind=open"});
  CHECK(open.status == 2);
  CHECK(open.err.find("workload.kind") != std::string::npos);
  // A misplaced nvme section on the SCSI platform is an error too.
  const auto scsi = run_scenario_raw(std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml",
                                     {"platform.nvme.channels=4", "run.duration=0.1s"});
  CHECK(scsi.status == 2);
  CHECK(scsi.err.find("platform.device: nvme") != std::string::npos);
}
