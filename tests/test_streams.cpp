// The streams workload end to end (iosim run as a child process): deadline
// accounting on cases checkable by hand, conservation of reads and requests,
// Little's law, determinism, and located errors for bad stream keys.
#include "tests/test_cli_util.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace iosim::itest;

namespace {

const std::string kMpeg1 = std::string(IOSIM_TEST_DATA) + "/../../scenarios/streaming/mpeg1_1s.yaml";

nlohmann::json run_streams(const std::string& path, std::vector<std::string> sets) {
  sets.insert(sets.begin(), "platform.io_path=" + path);
  return run_scenario_json(kMpeg1, sets);
}

double ss(const nlohmann::json& j, const std::string& k) { return stat(j, "top.workload.streams." + k); }

// A scenario file written by the test: the streams keys under test, on the
// paper's platform. Returns its path.
std::string write_scenario(const std::string& name, const std::string& workload) {
  const auto dir = std::filesystem::temp_directory_path() / ("iosim_streams_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << "name: " << name << "\n"
                      << "include: " << std::string(IOSIM_TEST_DATA) << "/../../scenarios/platforms/x342.yaml\n"
                      << "platform:\n  io_path: sync\n"
                      << workload << "run:\n  warmup: 1s\n  duration: 2s\n";
  return path.string();
}

}  // namespace

// One stream starting at 0, period T = 1 s, buffer 1: read k is released at k
// and due at k + 1, so its slack is T - (its latency) when it is issued at its
// release. The window [0, 4.001 s) holds the deadlines of reads 0..3 and the
// completions of the same four reads (read 4 is released at 4 s and takes
// milliseconds): min slack = T - max latency, exactly up to the issue point.
TEST_CASE("streams: one stream, known latency -> known slack", "[streams][cli]") {
  for (const std::string path : {"sync", "async"}) {
    const auto j = run_streams(path, {"workload.streams.count=1", "run.warmup=0s", "run.duration=4.001s"});
    INFO(path);
    CHECK(ss(j, "reads_due") == 4);
    CHECK(stat(j, "top.workload.completed") == 4);
    CHECK(ss(j, "misses") == 0);
    CHECK(ss(j, "miss_ratio") == 0);
    CHECK(ss(j, "first_miss_at") == -1);
    CHECK(ss(j, "buffer.mean") == 1);
    CHECK(ss(j, "buffer.min") == 1);
    const double lat_max = stat(j, "top.workload.latency.max");
    CHECK(lat_max > 1);  // a 184 KiB read is milliseconds, the premise of the window above
    // The latency starts where the workload registers the read: at the release
    // on the sync path, after the submit's PIO to the card (~20 us) on the
    // async path; 0.1 ms covers both and no accounting slip (a period, a poll).
    CHECK(ss(j, "slack.min") == Approx(1000 - lat_max).margin(0.1));
    // The first read of the run is the stream's first block: startup = its latency.
    CHECK(ss(j, "startup.max") <= lat_max + 0.1);
    CHECK(ss(j, "startup.max") > 1);
  }
  // A buffer of 2 periods adds one period to every deadline.
  const auto j2 = run_streams("sync", {"workload.streams.count=1", "workload.streams.buffer=2", "run.warmup=0s",
                                       "run.duration=4.001s"});
  CHECK(ss(j2, "reads_due") == 3);  // deadlines 2 s, 3 s and 4 s (reads 0..2)
  CHECK(ss(j2, "slack.min") >= 2000 - stat(j2, "top.workload.latency.max") - 0.1);
  CHECK(ss(j2, "slack.min") < 2000);
  CHECK(ss(j2, "buffer.mean") == 2);  // blocks k and k + 1 both held when k is due
}

// A 1 ms period against random reads that take several milliseconds (seek +
// rotation) on the sync path, and against the card's 100 ms polling on the
// async path: every read due is missed, and the client's buffer is empty.
TEST_CASE("streams: an impossible deadline misses every read", "[streams][cli]") {
  for (const std::string path : {"sync", "async"}) {
    const auto j = run_streams(path, {"workload.streams.count=1", "workload.streams.period=1ms",
                                      "workload.streams.placement=scattered"});
    INFO(path);
    const double due = ss(j, "reads_due");
    CHECK(due == Approx(5000).margin(1));  // one per ms over the 5 s window
    CHECK(ss(j, "misses") == due);
    CHECK(ss(j, "miss_ratio") == 100);
    CHECK(ss(j, "streams_missing") == 1);
    CHECK(ss(j, "worst_stream_misses") == due);
    CHECK(ss(j, "buffer.min") == 0);
    CHECK(ss(j, "slack.min") < 0);
    CHECK(ss(j, "first_miss_at") >= 2.0);  // the first deadline in the window (warm-up 2 s)
    CHECK(ss(j, "first_miss_at") < 2.002);
  }
}

// Nothing lost: every request issued completes (the run's ledger), and the
// reads due are exactly the schedule's: N streams x window / T when every
// stream plays through the window.
TEST_CASE("streams: requests conserved, reads due match the schedule", "[streams][cli]") {
  for (const std::string path : {"sync", "async"}) {
    for (const std::string phase : {"staggered", "random"}) {
      const auto j = run_streams(path, {"workload.streams.count=50", "workload.streams.phase=" + phase});
      INFO(path << " " << phase);
      CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
      CHECK(stat(j, "run.requests_failed") == 0);
      CHECK(ss(j, "reads_due") == 50 * 5);  // 5 s window, 1 s period
      CHECK(ss(j, "misses") == 0);
      CHECK(ss(j, "active") == Approx(50).epsilon(1e-9));
      // Completions in the window: one per stream per period.
      CHECK(stat(j, "top.workload.completed") == Approx(250).margin(50 * 0.05));
    }
  }
  // With arrivals and departures the count of streams varies; still nothing lost.
  const auto j = run_streams("async", {"workload.streams.count=100", "workload.streams.arrival_rate=10/s",
                                       "workload.streams.mean_duration=5s"});
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
  CHECK(ss(j, "active") > 20);
  CHECK(ss(j, "active") < 100);
}

// A pool of P blocking processes (sync): never more than P reads in flight.
// One process reads one block at a time (~100 reads/s at ~10 ms): 1000
// streams at 1 read/s each are far beyond it and miss; 16 processes keep up.
TEST_CASE("streams: a sync pool of P processes holds at most P reads in flight", "[streams][cli]") {
  const auto one = run_streams("sync", {"workload.streams.count=1000", "workload.streams.pool=1"});
  CHECK(stat(one, "top.workload.outstanding") <= 1.0 + 1e-9);
  CHECK(stat(one, "top.workload.io_rate") < 1000.0 / 5);
  CHECK(ss(one, "misses") > 0);
  CHECK(stat(one, "run.requests_issued") == stat(one, "run.requests_completed"));
  const auto many = run_streams("sync", {"workload.streams.count=1000", "workload.streams.pool=16"});
  CHECK(stat(many, "top.workload.outstanding") <= 16);
  CHECK(ss(many, "misses") == 0);
  CHECK(ss(many, "reads_due") == 5000);
  CHECK(stat(many, "top.workload.completed") == Approx(5000).margin(50));
}

// Little's law on the stream requests: mean in flight = completion rate x mean
// latency (both over the window), within a few percent (requests straddling
// the window edges).
TEST_CASE("streams: Little's law on stream requests", "[streams][cli]") {
  for (const std::string path : {"sync", "async"}) {
    const auto j = run_streams(path, {"workload.streams.count=800"});
    INFO(path);
    const double l = stat(j, "top.workload.outstanding");
    const double lambda = stat(j, "top.workload.io_rate");
    const double w = stat(j, "top.workload.latency.mean") / 1e3;
    CHECK(l > 1);
    CHECK(l == Approx(lambda * w).epsilon(0.03));
  }
}

TEST_CASE("streams: same seed gives the same bytes, another seed other draws", "[streams][cli]") {
  const std::vector<std::string> sets = {"platform.io_path=async", "workload.streams.count=100",
                                         "workload.streams.phase=random", "workload.streams.size_dist=uniform",
                                         "workload.streams.size_spread=50%", "run.duration=2s"};
  const CmdResult a = run_scenario_raw(kMpeg1, sets), b = run_scenario_raw(kMpeg1, sets);
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
  auto s2 = sets;
  s2.push_back("run.seed=2");
  const CmdResult c = run_scenario_raw(kMpeg1, s2);
  REQUIRE(c.status == 0);
  CHECK(nlohmann::json::parse(a.out)["stats"]["top.workload.data_rate"] !=
        nlohmann::json::parse(c.out)["stats"]["top.workload.data_rate"]);
}

namespace {
// Exit 2, the error located at FILE:line:col, and every `want` in the message.
void expect_error(const std::string& file, int line, const std::vector<std::string>& want,
                  const std::vector<std::string>& sets = {}) {
  const CmdResult r = run_scenario_raw(file, sets);
  INFO(file << "\nstatus " << r.status << "\nstderr:\n" << r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ":" + std::to_string(line) + ":") != std::string::npos);
  for (const auto& w : want) CHECK(r.err.find(w) != std::string::npos);
}
}  // namespace

TEST_CASE("streams: bad stream keys exit 2, located, with did-you-mean", "[streams][cli][errors]") {
  // Line numbers: 1 name, 2 include, 3-4 platform, then the workload below from line 5.
  expect_error(write_scenario("typo.yaml", "workload:\n  kind: streams\n  streams:\n    bitrat: 1.5Mbit/s\n"), 8,
               {"workload.streams.bitrat", "did you mean 'bitrate'"});
  expect_error(write_scenario("both.yaml",
                              "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit/s\n    block: 64KiB\n"),
               9, {"workload.streams.block", "either bitrate"});
  // A section's errors point at its first entry (line 8).
  expect_error(write_scenario("none.yaml", "workload:\n  kind: streams\n  streams:\n    count: 4\n"), 8,
               {"workload.streams", "bitrate"});
  expect_error(write_scenario("misplaced.yaml", "workload:\n  kind: closed\n  streams:\n    count: 4\n"), 8,
               {"workload.streams", "only with workload.kind: streams"});
  expect_error(write_scenario("placement.yaml",
                              "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit/s\n    placement: contigous\n"),
               9, {"workload.streams.placement", "did you mean 'contiguous'"});
  expect_error(write_scenario("arrivals.yaml",
                              "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit/s\n    arrival_rate: 2/s\n"),
               9, {"workload.streams.arrival_rate", "mean_duration"});
  expect_error(write_scenario("unit.yaml", "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit\n"), 8,
               {"workload.streams.bitrate"});
  expect_error(write_scenario("pool.yaml",
                              "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit/s\n    pool: 4\n"),
               9, {"workload.streams.pool", "sync-path option"}, {"platform.io_path=async"});
  expect_error(write_scenario("short.yaml",
                              "workload:\n  kind: streams\n  streams:\n    bitrate: 1.5Mbit/s\n    period: 5s\n"),
               12, {"run.duration", "period"});
}
