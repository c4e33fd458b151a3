// The sync path end to end (iosim run as a child process): CPU accounting adds
// up, a lone request's latency is the sum of its parts, and adding processes
// never costs throughput.
#include "tests/test_cli_util.hpp"

#include <cmath>
#include <iostream>

using namespace iosim::itest;

TEST_CASE("sync run: per CPU, user + system + irq + idle = 100% of the window", "[sync][host][cli]") {
  const auto j = run_scenario_json(scenario("sync_small.yaml"), {"workload.processes=16"});
  int cpus = 0;
  for (; j["stats"].contains("top.host.cpu" + std::to_string(cpus) + ".user"); ++cpus) {
    const std::string c = "top.host.cpu" + std::to_string(cpus);
    const double u = stat(j, c + ".user"), s = stat(j, c + ".system"), q = stat(j, c + ".irq"),
                 idle = stat(j, c + ".idle");
    INFO(c << ": user " << u << " system " << s << " irq " << q << " idle " << idle);
    CHECK(u + s + q + idle == Approx(100).epsilon(1e-6));
    CHECK(u > 0);
    CHECK(s > 0);
    CHECK(q > 0);  // interrupts are spread over both CPUs (round robin)
  }
  CHECK(cpus == 2);
}

// One process, one disk: a request is always alone, so its life is a chain:
// host CPU (syscall, block layer, driver, PIO) -> HBA (frame fetch, IOP) ->
// SCSI command connection -> disk (mechanics; its data and status connections
// are bus time) -> HBA (data DMA, reply) -> host CPU (interrupt, bottom half,
// wakeup, schedule) -> the process returns from read() and issues the next.
// Each component reports the time it spent; together they must cover the
// request's latency, no more and no less.
TEST_CASE("sync: a lone request's latency is the sum of host, HBA, bus and disk times", "[sync][latency][cli]") {
  const auto j = run_scenario_json(scenario("sync_small.yaml"),
                                   {"platform.scsi.buses=1", "platform.scsi.disks_per_bus=1",
                                    "workload.processes=1", "run.duration=20s",
                                    // Timer ticks are CPU time off the request's path; make them rare.
                                    "platform.host.timer_hz=1Hz"});
  const double w = j["run"]["duration_s"].get<double>();
  const double n = stat(j, "top.workload.completed");
  REQUIRE(n > 2000);
  double host = 0;  // CPU seconds in the window
  for (int c = 0; c < 2; ++c) {
    const std::string k = "top.host.cpu" + std::to_string(c);
    host += (stat(j, k + ".user") + stat(j, k + ".system") + stat(j, k + ".irq")) / 100 * w;
  }
  const double hba = (stat(j, "top.hba0.iop_busy") + stat(j, "top.hba0.reply_busy")) / 100 * w;
  const double bus = (stat(j, "top.scsi0.bus.busy") + stat(j, "top.scsi0.bus.phase.bus_free")) / 100 * w;
  const double disk_cmds = stat(j, "top.scsi0.disk0.ios");
  // Drive time without its bus connections (those are in `bus` already).
  const double disk_only = (stat(j, "top.scsi0.disk0.service_time") - stat(j, "top.scsi0.disk0.bus_time")) * 1e-3;
  const double disk = disk_only * disk_cmds;

  const double lat = stat(j, "top.workload.latency.mean") * 1e-3;
  const double lat_max = stat(j, "top.workload.latency.max") * 1e-3;
  const double parts = host / n + hba / n + bus / n + disk_only;
  std::cout << "sync lone request: latency " << lat * 1e3 << " ms = host " << host / n * 1e6 << " us + HBA "
            << hba / n * 1e6 << " us + bus " << bus / n * 1e6 << " us + disk " << disk_only * 1e3
            << " ms (sum " << parts * 1e3 << " ms)\n";
  // Every part is really there.
  CHECK(host / n > 5e-6);
  CHECK(hba / n > 5e-6);
  CHECK(bus / n > 5e-6);
  CHECK(disk_only > 1e-3);

  // Not on any component's account: the posted PIO write's trip from the CPU
  // to the HBA (half the host bridge latency + one PCI write), < 1 us.
  const double untracked = 1e-6;
  // (1) Boundary-free: the components' time fills the window, as the request
  // is always somewhere (issue and completion are back to back).
  const double covered = host + hba + bus + disk;
  INFO("covered " << covered << " s of a " << w << " s window");
  CHECK(std::abs(covered - w) <= n * untracked);
  // (2) Per request: the mean latency against the sum of the per-component
  // means. Latencies are of the requests completed in the window, component
  // times are what elapsed in it: they differ by at most the request in
  // flight at each edge, so the bound is one maximal latency over the count
  // (~3 us here, less than any one part) plus the untracked bit.
  CHECK(std::abs(lat - parts) <= lat_max / n + untracked);
}

TEST_CASE("sync: more processes never lower I/O/s below the 1-process figure", "[sync][saturation][cli]") {
  std::vector<std::pair<int, double>> r;
  for (int p : {1, 4, 16, 64}) {
    const auto j = run_scenario_json(scenario("sync_small.yaml"), {"workload.processes=" + std::to_string(p),
                                                                   "run.duration=0.5s"});
    r.emplace_back(p, stat(j, "top.workload.io_rate"));
    std::cout << "sync " << p << " processes: " << r.back().second << " IO/s\n";
  }
  for (size_t i = 1; i < r.size(); ++i) {
    INFO(r[i].first << " processes: " << r[i].second << " IO/s vs 1 process " << r[0].second);
    CHECK(r[i].second >= r[0].second);
  }
  // With 20 disks, 4 blocking processes keep ~4 disks busy instead of one.
  CHECK(r[1].second > 3 * r[0].second);
}
