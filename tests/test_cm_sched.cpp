// Continuous-media scheduling end to end and its closed forms
// (model/common/cm_bounds.hpp): the round-time bound's arithmetic, the GSS
// buffer law, and whole runs (iosim as a child process) of the sync driver and
// the card's firmware over one disk with each policy: the measured round time
// stays under the closed-form bound and not absurdly below it, every request
// completes exactly once (the run's ledger check), the round-based reports
// are there, and the defaults add nothing to the results.
#include "tests/test_cli_util.hpp"

#include "model/common/cm_bounds.hpp"
#include "model/common/io_sched.hpp"
#include "model/disk/disk_params.hpp"

using namespace iosim;
using namespace iosim::itest;

namespace {

// A 15k-rpm zoned disk (the x342 scenario's Cheetah figures).
DiskParams disk() {
  DiskParams base;
  base.rpm = 15000;
  base.head_switch = 0.25e-3;
  base.seek.single_cyl = 0.2e-3;
  base.seek.a = 0.2e-3;
  base.seek.b = 7.2e-3;
  base.seek.c = 0.62;
  base.overheads.read_miss_after_read = base.overheads.read_miss_after_write = 0.15e-3;
  base.interface_sector_time = 1.6e-6;
  base.max_burst_bytes = 8192;
  SyntheticDiskSpec g;
  g.cylinders = 18479;
  g.surfaces = 8;
  g.outer_blocks_per_track = 586;
  g.inner_blocks_per_track = 383;
  return make_synthetic_disk(g, base);
}

bool has_group_type(const nlohmann::json& j, const std::string& type) {
  for (const auto& [path, t] : j["groups"].items())
    if (t == type) return true;
  return false;
}

// One disk on one bus: a round is one sweep of that disk.
std::vector<std::string> one_disk(std::vector<std::string> more) {
  std::vector<std::string> s{"platform.scsi.buses=1", "platform.scsi.disks_per_bus=1", "workload.block=64KiB",
                             "run.duration=3s"};
  s.insert(s.end(), more.begin(), more.end());
  return s;
}

const std::string kSync = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml";
const std::string kAsync = std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml";

}  // namespace

TEST_CASE("cm bounds: the round bound adds seek, a revolution and the slowest zone's transfer per request",
          "[cm_sched]") {
  const DiskParams d = disk();
  const CmDiskBound b = CmDiskBound::of(d, 0);
  REQUIRE(b.valid());
  CHECK(b.min_blocks_per_track == 383);
  CHECK(b.revolution_s == Approx(4e-3));
  // One 64 KiB request: 128 sectors on one 383-sector track at most crosses
  // one boundary; transfer = 128/383 rev; plus overhead, a revolution and one 8 KiB burst.
  const double one = 0.15e-3 + 4e-3 + 128 * 4e-3 / 383 + b.switch_s + 16 * 1.6e-6;
  CHECK(b.per_request_s(65536) == Approx(one));
  CHECK(b.sweep_s(1, 65536) == Approx(seek_time(d.seek, d.cylinders, d.cylinders) + one));
  // n requests: one full-stroke seek, n-1 hops of C/(n-1), n services.
  const uint32_t n = 10;
  const double hop = seek_time(d.seek, (d.cylinders + n - 2) / (n - 1), d.cylinders);
  CHECK(b.sweep_s(n, 65536) == Approx(seek_time(d.seek, d.cylinders, d.cylinders) + (n - 1) * hop + n * one));
  // Longer sweeps cost more, but from 3 requests on less than a full-stroke
  // seek each (2 requests: both hops may be full strokes).
  const double full = seek_time(d.seek, d.cylinders, d.cylinders) + one;
  CHECK(b.sweep_s(2, 65536) == Approx(2 * full));
  for (uint32_t k = 2; k < 40; ++k) {
    CHECK(b.sweep_s(k, 65536) > b.sweep_s(k - 1, 65536));
    if (k > 2) CHECK(b.sweep_s(k, 65536) < k * full);
  }
  // GSS: g sweeps of ceil(n/g); g = 1 is one sweep, more groups more seeking.
  CHECK(b.round_s(n, 65536, 1) == Approx(b.sweep_s(n, 65536)));
  CHECK(b.round_s(n, 65536, 2) == Approx(2 * b.sweep_s(5, 65536)));
  CHECK(b.round_s(n, 65536, 3) == Approx(3 * b.sweep_s(4, 65536)));
  CHECK(b.round_s(n, 65536, 2) > b.round_s(n, 65536, 1));
  CHECK(b.round_s(n, 65536, 100) == Approx(n * b.sweep_s(1, 65536)));  // no more groups than streams
}

TEST_CASE("cm bounds: the GSS buffer law, 2 blocks per stream for SCAN rounds down to 1 + 1/g", "[cm_sched]") {
  CHECK(gss_buffer_blocks(1) == 2.0);
  CHECK(gss_buffer_blocks(2) == 1.5);
  CHECK(gss_buffer_blocks(10) == Approx(1.1));
  for (uint32_t g = 2; g < 50; ++g) CHECK(gss_buffer_blocks(g) < gss_buffer_blocks(g - 1));
}

TEST_CASE("cm sched: sync driver, round on one disk, measured round time within the closed-form bound",
          "[cm_sched][integration]") {
  const auto j = run_scenario_json(kSync, one_disk({"workload.processes=8", "platform.sync.scheduler=round"}));
  const std::string g = "top.host.sd.sched.";
  const double rounds = stat(j, g + "round_rate"), bound = stat(j, g + "round_time_bound");
  const double mean = stat(j, g + "round_time.mean"), max = stat(j, g + "round_time.max");
  INFO("rounds/s " << rounds << " mean " << mean << " ms max " << max << " ms bound " << bound << " ms");
  CHECK(rounds > 10);
  CHECK(stat(j, g + "round_streams.max") <= 8);
  CHECK(stat(j, g + "round_streams.mean") > 4);  // most streams are back in time for the next round
  CHECK(max <= bound);
  CHECK(mean >= 0.3 * bound);  // the bound is a worst case, but of the same mechanisms
  CHECK(stat(j, g + "startup_latency_bound") == Approx(2 * bound));
  CHECK(stat(j, g + "buffer_per_stream") == Approx(2.0 * 65536).epsilon(0.01));
  // Each round serves its streams once: requests per second = rounds x streams per round.
  CHECK(stat(j, "top.workload.io_rate") == Approx(rounds * stat(j, g + "round_streams.mean")).epsilon(0.05));
}

TEST_CASE("cm sched: sync driver, gss with one stream per group buffers 1 + 1/g blocks and rounds stay bounded",
          "[cm_sched][integration]") {
  const auto j = run_scenario_json(
      kSync, one_disk({"workload.processes=8", "platform.sync.scheduler=gss", "platform.sync.gss_groups=8"}));
  const std::string g = "top.host.sd.sched.";
  CHECK(stat(j, g + "round_rate") > 10);
  CHECK(stat(j, g + "round_time.max") <= stat(j, g + "round_time_bound"));
  CHECK(stat(j, g + "buffer_per_stream") == Approx((1 + 1.0 / 8) * 65536).epsilon(0.01));
}

TEST_CASE("cm sched: card firmware, round and gss over one disk, bounded rounds, every request back once",
          "[cm_sched][integration]") {
  for (const char* policy : {"round", "gss", "scan_edf", "elevator"}) {
    INFO(policy);
    const auto j = run_scenario_json(kAsync, one_disk({"workload.processes=8", "workload.rate=120/s",
                                                       std::string("platform.async.firmware.scheduler=") + policy,
                                                       "platform.async.firmware.gss_groups=4",
                                                       "platform.async.tags_per_disk=2"}));
    const std::string g = "top.card.fw.sched.";
    CHECK(stat(j, g + "policy") == double(std::string(policy) == "round" ? 2 : std::string(policy) == "gss" ? 4
                                          : std::string(policy) == "scan_edf"                  ? 3 : 0));
    CHECK(stat(j, "top.workload.io_rate") > 100);  // 120/s offered, one disk serves it
    if (std::string(policy) == "round" || std::string(policy) == "gss") {
      CHECK(stat(j, g + "round_rate") > 10);
      CHECK(stat(j, g + "round_time.max") <= stat(j, g + "round_time_bound"));
    }
  }
}

TEST_CASE("cm sched: the sync driver's policies on the whole array, every request completed exactly once",
          "[cm_sched][integration]") {
  // The run fails (exit 1) if its ledger finds a request lost or completed twice.
  for (const char* policy : {"fifo", "round", "scan_edf", "gss"}) {
    INFO(policy);
    const auto j = run_scenario_json(kSync, {"workload.processes=64", std::string("platform.sync.scheduler=") + policy,
                                             "run.duration=1s"});
    CHECK(stat(j, "top.workload.io_rate") > 1000);
  }
}

TEST_CASE("cm sched: the default policies (sync elevator, card fifo) add nothing and change nothing",
          "[cm_sched][integration]") {
  const auto s0 = run_scenario_raw(kSync, {"run.duration=0.5s"});
  const auto s1 = run_scenario_raw(kSync, {"run.duration=0.5s", "platform.sync.scheduler=elevator"});
  REQUIRE(s0.status == 0);
  // Same results; only the provenance (command line, key origins) differs.
  const auto bare = [](const std::string& out) {
    auto j = nlohmann::ordered_json::parse(out);
    j.erase("provenance");
    return j.dump();
  };
  CHECK(bare(s0.out) == bare(s1.out));
  CHECK_FALSE(has_group_type(nlohmann::json::parse(s0.out), "io_sched"));
  const auto a0 = run_scenario_raw(kAsync, {"run.duration=0.5s"});
  const auto a1 = run_scenario_raw(kAsync, {"run.duration=0.5s", "platform.async.firmware.scheduler=fifo"});
  REQUIRE(a0.status == 0);
  CHECK(bare(a0.out) == bare(a1.out));
  CHECK_FALSE(has_group_type(nlohmann::json::parse(a0.out), "io_sched"));
}

TEST_CASE("cm sched: a misspelt scheduler exits 2 located, with a did-you-mean", "[cm_sched][cli]") {
  const auto r = run_scenario_raw(kSync, {"platform.sync.scheduler=scan-edf"});
  CHECK(r.status == 2);
  CHECK(r.err.find("scheduler") != std::string::npos);
  CHECK(r.err.find("scan_edf") != std::string::npos);
  const auto q = run_scenario_raw(kAsync, {"platform.async.firmware.gss_groups=0"});
  CHECK(q.status == 2);
  CHECK(q.err.find("gss_groups") != std::string::npos);
}
