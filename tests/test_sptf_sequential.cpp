// SPTF on sequential reads with read-ahead (issue 11): the buffer's reads cost
// no positioning and only the head of a sequential read stream is a
// candidate, so SPTF keeps a read-ahead stream going as FCFS does. Before
// the fix SPTF ran ~250 I/O/s where FCFS ran ~8500 (x342 disk, 4 KiB
// sequential reads, 512 KiB read-ahead, depth 8).
#include "tests/test_cli_util.hpp"

#include "model/disk/disk_scheduler.hpp"

using namespace iosim;
using namespace iosim::itest;

namespace {

SchedCandidate read_at(uint64_t arrival, uint64_t lba, double positioning_s, uint32_t blocks = 8) {
  SchedCandidate c;
  c.arrival = arrival;
  c.lba = lba;
  c.blocks = blocks;
  c.read = true;
  c.positioning_s = positioning_s;
  return c;
}

}  // namespace

TEST_CASE("SPTF serves the head of a sequential read stream before its continuations", "[disk][sptf]") {
  // The head has just passed block 1000: the stream's first read costs almost
  // a revolution, the next ones little. Plain SPTF would take 1008.
  std::vector<SchedCandidate> q{read_at(0, 1000, 3.9e-3), read_at(1, 1008, 0.1e-3), read_at(2, 1016, 0.2e-3)};
  CHECK(pick_next(SchedPolicy::Sptf, q, 0) == 0);
  // A read elsewhere that is cheaper than the stream's head is still taken first.
  q.push_back(read_at(3, 500000, 1.0e-3));
  CHECK(pick_next(SchedPolicy::Sptf, q, 0) == 3);
  // A read overlapping the end of another continues it too.
  std::vector<SchedCandidate> ov{read_at(0, 2000, 3e-3, 16), read_at(1, 2008, 1e-3)};
  CHECK(pick_next(SchedPolicy::Sptf, ov, 0) == 0);
  // A gap between two reads makes two streams.
  std::vector<SchedCandidate> gap{read_at(0, 3000, 3e-3), read_at(1, 3009, 1e-3)};
  CHECK(pick_next(SchedPolicy::Sptf, gap, 0) == 1);
  // Writes are not streams: a write right after a read is its own candidate.
  std::vector<SchedCandidate> w{read_at(0, 4000, 3e-3), read_at(1, 4008, 1e-3)};
  w[1].read = false;
  CHECK(pick_next(SchedPolicy::Sptf, w, 0) == 1);
  // Same block twice: the older is the head.
  std::vector<SchedCandidate> same{read_at(5, 6000, 2e-3), read_at(4, 6000, 2e-3)};
  CHECK(pick_next(SchedPolicy::Sptf, same, 0) == 1);
  // FCFS and SSTF do not look at streams.
  CHECK(pick_next(SchedPolicy::Fcfs, std::vector<SchedCandidate>{read_at(1, 1000, 0), read_at(0, 1008, 0)}, 0) == 1);
}

TEST_CASE("SPTF charges buffered reads less than any media access", "[disk][sptf]") {
  // A read the read-ahead is bringing in beats the cheapest media access; a
  // read fully in the buffer beats it.
  std::vector<SchedCandidate> q{read_at(0, 1000, 20e-6), read_at(1, 9000, kSptfCachedPendingS),
                                read_at(2, 90000, kSptfCachedWholeS)};
  CHECK(kSptfCachedWholeS < kSptfCachedPendingS);
  CHECK(kSptfCachedPendingS < 1e-6);  // below any seek or rotation (microseconds at least)
  CHECK(pick_next(SchedPolicy::Sptf, q, 0) == 2);
  q.pop_back();
  CHECK(pick_next(SchedPolicy::Sptf, q, 0) == 1);
}

TEST_CASE("SPTF keeps up with FCFS on sequential reads with read-ahead", "[disk][sptf][integration]") {
  const std::string file = scenario("storage_disk.yaml");
  for (const char* depth : {"8", "32"}) {
    std::vector<std::string> sets{"workload.pattern=sequential", std::string("workload.queue_depth=") + depth,
                                  "platform.disk.buffer.read_ahead=512KiB", "run.duration=0.5s"};
    auto with = [&](const char* policy) {
      auto s = sets;
      s.push_back(std::string("platform.disk.scheduler=") + policy);
      return run_scenario_json(file, s);
    };
    const nlohmann::json fcfs = with("fcfs"), sptf = with("sptf");
    const double f = stat(fcfs, "top.workload.io_rate"), s = stat(sptf, "top.workload.io_rate");
    INFO("depth " << depth << ": FCFS " << f << " I/O/s, SPTF " << s << " I/O/s");
    // The stream is served from the read-ahead (else this test measures nothing).
    CHECK(stat(fcfs, "top.scsi0.disk0.read_hit_ratio") > 90);
    CHECK(stat(sptf, "top.scsi0.disk0.read_hit_ratio") > 90);
    // "Within a few %" (issue 11): SPTF at least 97% of FCFS.
    CHECK(s >= 0.97 * f);
  }
}
