// The async path end to end (iosim run as a child process): polling latency,
// throughput at low load, a full ring blocking the processes, and many ring
// wraps without a lost or doubled request.
#include "tests/test_cli_util.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

using namespace iosim::itest;

TEST_CASE("async: the polling period shows in the latency", "[async][latency][cli]") {
  // Low load: disks idle, so latency = service + the wait for the next poll.
  auto lat = [](const std::string& period) {
    const auto j = run_scenario_json(scenario("async_small.yaml"),
                                     {"platform.async.poll_period=" + period, "run.duration=2s"});
    return std::make_pair(stat(j, "top.workload.latency.mean"), stat(j, "top.workload.completed"));
  };
  const auto [l100, n100] = lat("100ms");
  const auto [l10, n10] = lat("10ms");
  std::cout << "async mean latency: poll 100 ms -> " << l100 << " ms, 10 ms -> " << l10 << " ms\n";
  REQUIRE(n100 > 100);
  REQUIRE(n10 > 100);
  CHECK(l100 >= 50);
  CHECK(l10 >= 5);
  CHECK(l10 < l100);
  // Completions land uniformly within a period, so the mean wait is half a
  // period: the 90 ms shorter period saves ~45 ms (service is the same).
  // Sampling error of a mean of n uniform(0, 100 ms) waits: 29 ms / sqrt(n).
  const double sigma = 100 / std::sqrt(12.0) / std::sqrt(n100) + 10 / std::sqrt(12.0) / std::sqrt(n10);
  CHECK(std::abs((l100 - l10) - 45) <= 4 * sigma + 1);
}

TEST_CASE("async: at low offered load the I/O rate equals the offered rate", "[async][throughput][cli]") {
  const double rate = 500, w = 6;
  const auto j = run_scenario_json(scenario("async_small.yaml"),
                                   {"workload.rate=500/s", "run.duration=6s", "platform.async.poll_period=20ms"});
  const double iops = stat(j, "top.workload.io_rate");
  const double n = stat(j, "top.workload.completed");
  // Completions in the window ~ Poisson(rate x window): 4 sigma from the
  // count, plus what a 20 ms poll can shift across each window edge.
  const double bound = (4 * std::sqrt(rate * w) + 2 * rate * 0.02) / w;
  std::cout << "async offered " << rate << " IO/s: measured " << iops << " IO/s (" << n << " completions, bound +-"
            << bound << ")\n";
  CHECK(std::abs(iops - rate) <= bound);
  CHECK(stat(j, "top.host.aio.ring_full_rate") == 0);
}

TEST_CASE("async: a full ring blocks the processes and every request still completes once", "[async][ring][cli]") {
  // 4-record rings drained every 100 ms carry at most 40 IO/s; 2000 IO/s are offered.
  const auto r = run_scenario_raw(scenario("async_small.yaml"),
                                  {"platform.async.ring_depth=4", "workload.rate=2000/s", "run.duration=1s"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(stat(j, "top.host.aio.ring_full_rate") > 0);
  const double iops = stat(j, "top.workload.io_rate");
  std::cout << "async ring 4, poll 100 ms, 2000 IO/s offered: " << iops << " IO/s, "
            << stat(j, "top.host.aio.ring_full_rate") << " full/s\n";
  CHECK(iops <= 4 / 0.1 + 1e-9);
  CHECK(iops > 0);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  CHECK(stat(j, "run.requests_failed") == 0);
}

TEST_CASE("async: many ring wraps, no request lost or completed twice", "[async][ring][cli]") {
  // The run's ledger fails the run (exit 1) on a lost or doubled request.
  // A 1 ms poll drains often, so the 7-record rings wrap thousands of times.
  const auto r = run_scenario_raw(scenario("async_small.yaml"),
                                  {"platform.async.ring_depth=7", "platform.async.poll_period=1ms",
                                   "workload.rate=3000/s", "workload.processes=8", "run.duration=5s"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  const double issued = stat(j, "run.requests_issued");
  CHECK(issued == stat(j, "run.requests_completed"));
  CHECK(stat(j, "run.requests_failed") == 0);
  std::cout << "async ring 7: " << issued << " requests, " << issued / 7 << " wraps, "
            << stat(j, "top.workload.io_rate") << " IO/s\n";
  CHECK(issued / 7 > 500);  // wraps of the 7-record rings
  // 7 jobs in the card at ~6 ms each carry ~1000 IO/s: the rings also ran full.
  CHECK(stat(j, "top.host.aio.ring_full_rate") > 0);
}

TEST_CASE("async: past saturation the card's descriptor cap leaves some drives short of their tags",
          "[async][card][cli]") {
  // The card takes ring records in FIFO order only while it has a free
  // descriptor (max_jobs 512). At 8000/s offered the pool stays full, and at
  // times holds few requests for one disk: that drive's queue runs under the
  // 6 tags the card may keep there, and its seeks lengthen. Without the cap
  // (explain's card_jobs factor) the card holds thousands and every drive
  // keeps 6. Same seed: the same arrivals on both sides.
  struct Out {
    double iops, min_depth, mean_depth;
  };
  auto run = [](const std::string& max_jobs) {
    const auto j = run_scenario_json(std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml",
                                     {"workload.rate=8000/s", "run.warmup=0.5s", "run.duration=1s",
                                      "platform.async.firmware.max_jobs=" + max_jobs});
    Out o{stat(j, "top.workload.io_rate"), 1e9, 0};
    for (int bus = 0; bus < 2; ++bus)
      for (int d = 0; d < 10; ++d) {
        const double q = stat(j, "top.scsi" + std::to_string(bus) + ".disk" + std::to_string(d) + ".queue_depth");
        o.min_depth = std::min(o.min_depth, q);
        o.mean_depth += q / 20;
      }
    CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
    return o;
  };
  const Out capped = run("512"), free = run("1048576");
  std::cout << "async 8000/s offered: max_jobs 512 " << capped.iops << " IO/s, drive depth mean " << capped.mean_depth
            << " min " << capped.min_depth << "; no cap " << free.iops << " IO/s, mean " << free.mean_depth << " min "
            << free.min_depth << "\n";
  CHECK(capped.min_depth < 5.5);
  CHECK(capped.mean_depth < 5.9);
  CHECK(free.min_depth > 5.95);
  CHECK(free.iops > capped.iops * 1.005);
}
