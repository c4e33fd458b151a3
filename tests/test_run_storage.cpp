// Storage only (no host): the RAID0 example runs, and one disk at depth 1
// through the SCSI initiator and bus is the bare disk plus bus overhead.
#include "tests/test_cli_util.hpp"

#include "model/disk/disk_layout.hpp"
#include "model/disk/disk_mechanics.hpp"
#include "model/common/rng.hpp"
#include "sim/scenario.hpp"

#include <iostream>

using namespace iosim::itest;

TEST_CASE("storage: scenarios/examples/storage_raid0.yaml runs", "[storage][cli]") {
  const auto j = run_scenario_json(std::string(IOSIM_SOURCE_DIR) + "/scenarios/examples/storage_raid0.yaml",
                                   {"run.duration=0.3s", "run.warmup=0.1s"});
  CHECK(j["io_path"] == "storage");
  CHECK(stat(j, "top.workload.io_rate") > 1000);  // 64 outstanding over 20 disks
  CHECK(stat(j, "top.workload.failed") == 0);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
}

TEST_CASE("storage: one disk, random 4 KiB reads at depth 1 is the disk's closed form plus bus overhead",
          "[storage][disk][cli]") {
  const std::string file = scenario("storage_disk.yaml");
  const auto j = run_scenario_json(file);
  const double iops = stat(j, "top.workload.io_rate");

  // Closed form for the same drive: mean seek between uniform random
  // positions + half a revolution + command overhead + media transfer.
  const iosim::Scenario sc = iosim::load_scenario(file, {});
  const iosim::DiskParams& p = sc.platform.disk;
  const iosim::DiskLayout l(p);
  const iosim::DiskMechanics m(p, l);
  const uint32_t blocks = uint32_t(sc.workload.access.block_bytes / 512);
  const uint64_t slots = l.capacity() / blocks;
  iosim::Rng rng(5, "closed-form");
  double seek = 0, xfer = 0;
  const int n = 100000;
  uint32_t prev = l.to_phys(rng.below(slots) * blocks).cyl;
  for (int i = 0; i < n; ++i) {
    const uint32_t c = l.to_phys(rng.below(slots) * blocks).cyl;
    seek += m.seek(c > prev ? c - prev : prev - c);
    xfer += blocks * m.sector_time(c);
    prev = c;
  }
  const double service = seek / n + 0.5 * m.revolution() + p.overheads.read_miss_after_read + xfer / n;
  const double expect = 1 / service;
  std::cout << "storage 1 disk depth 1: " << iops << " IO/s, disk closed form " << expect << " IO/s\n";
  // The stack adds bus connections (command, data, status: tens of us) to a
  // ~5.5 ms service: a little slower, never faster beyond sampling noise.
  CHECK(iops == Approx(expect).epsilon(0.05));
  CHECK(iops <= expect * 1.02);
  // The bus time per command is what the stack adds: small, but there.
  const double bus_per_cmd = stat(j, "top.scsi0.bus.busy") / 100 * j["run"]["duration_s"].get<double>() /
                             stat(j, "top.scsi0.bus.commands");
  CHECK(bus_per_cmd > 5e-6);
  CHECK(bus_per_cmd < 100e-6);
}
