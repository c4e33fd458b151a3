// Fault injection through whole stacks (iosim as a child process): the
// `faults:` section's errors located; a failed disk and media errors reach the
// issuer on the storage path, the sync stack (MPT address reply -> mid-layer
// retry -> -EIO) and the paper's card (completion status -> -EIO), each
// request ending exactly once; no `faults:` section changes nothing.
#include "tests/test_stack_util.hpp"

#include <filesystem>
#include <fstream>

using namespace iosim::itest;
using Catch::Matchers::Contains;

namespace {

std::string write_scenario(const std::string& tag, const std::string& body) {
  return write_x342_scenario("faults", tag, body);
}

// Two disks on one bus, striped (`platform` adds keys to the platform section).
std::string two_disks(const std::string& platform = "") {
  return "platform:\n  scsi:\n    buses: 1\n    disks_per_bus: 2\n" + platform +
         "run:\n  warmup: 0.1s\n  duration: 0.6s\n";
}

CmdResult load_error(const std::string& tag, const std::string& faults) {
  const CmdResult r = run_scenario_raw(write_scenario(tag, two_disks() + "workload:\n  kind: storage\n  queue_depth: 4\n" + faults));
  INFO(r.err);
  CHECK(r.status == 2);
  return r;
}

}  // namespace

TEST_CASE("faults: loader errors are located, with 'did you mean' on kind, target and keys", "[faults][cli][errors]") {
  // Line numbers: the header (2 lines), two_disks() (7), workload (3), then faults.
  CHECK_THAT(load_error("kind", "faults:\n  - kind: media_eror\n    target: scsi0.disk1\n    probability: 0.1\n").err,
             Contains("s.yaml:14:") && Contains("did you mean 'media_error'"));
  CHECK_THAT(load_error("target", "faults:\n  - kind: disk_failure\n    target: scsi0.dsk1\n    at: 0.2s\n").err,
             Contains("s.yaml:15:") && Contains("did you mean 'scsi0.disk1'"));
  CHECK_THAT(load_error("key", "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    probabilty: 0.1\n").err,
             Contains("s.yaml:16:") && Contains("did you mean 'probability'"));
  CHECK_THAT(load_error("unit", "faults:\n  - kind: disk_failure\n    target: scsi0.disk1\n    at: 2\n").err,
             Contains("s.yaml:16:"));
  CHECK_THAT(load_error("block", "faults:\n  - kind: media_error\n    target: scsi0.disk0\n    blocks: [10, 99999999999]\n").err,
             Contains("s.yaml:16:") && Contains("beyond the disk"));
  CHECK_THAT(load_error("none", "faults:\n  - kind: media_error\n    target: scsi0.disk0\n").err,
             Contains("probability") && Contains("blocks"));
  CHECK_THAT(load_error("twice", "faults:\n  - kind: disk_failure\n    target: scsi0.disk0\n    at: 0.2s\n"
                                 "  - kind: disk_failure\n    target: scsi0.disk0\n    at: 0.3s\n").err,
             Contains("s.yaml:18:") && Contains("a second disk_failure"));
  CHECK_THAT(load_error("late", "faults:\n  - kind: disk_failure\n    target: scsi0.disk0\n    at: 5s\n").err,
             Contains("never be seen"));
}

TEST_CASE("faults: storage RAID0 with a failed member: requests touching it fail, the others go on", "[faults][storage][cli]") {
  const auto j = run_scenario_json(write_scenario(
      "storage", two_disks() + "workload:\n  kind: storage\n  target: raid0\n  queue_depth: 8\n"
                             "faults:\n  - kind: disk_failure\n    target: top.scsi0.disk1\n    at: 0.3s\n"));
  const double failed = stat(j, "top.workload.failed");
  CHECK(failed > 10);
  CHECK(stat(j, "top.workload.completed") > 100);  // disk0 goes on, and disk1 before 0.3 s
  CHECK_FALSE(j["stats"].contains("top.scsi0.disk0.not_ready"));  // no fault there, no fault statistics
  CHECK(stat(j, "top.scsi0.disk1.ios") > stat(j, "top.scsi0.disk1.not_ready"));  // it served before failing
  // 4 KiB requests never cross the 8 MiB stripe: one failed command per failed request.
  CHECK(stat(j, "top.raid0.errors") == failed);
  CHECK(stat(j, "top.scsi0.disk1.not_ready") == failed);
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));  // the ledger: none lost
  CHECK(stat(j, "run.requests_failed") >= failed);
}

TEST_CASE("faults: sync stack: MEDIUM ERROR retried by the mid-layer (5 attempts), then -EIO to the process",
          "[faults][sync][cli]") {
  const auto j = run_scenario_json(write_scenario(
      "sync", two_disks("  io_path: sync\n") +
                  "workload:\n  kind: closed\n  processes: 8\n"
                  "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    probability: 1\n    retries: 1\n"));
  const double eio = stat(j, "top.host.sd.eio");
  CHECK(eio > 10);
  CHECK(stat(j, "top.workload.failed") == eio);  // the process sees every -EIO, in the same call
  CHECK(stat(j, "top.workload.completed") > 10);  // disk0's requests (the processes spend most time on disk1's)
  // Every piece on disk1 fails on every attempt: 4 retries per -EIO (sd.c
  // MAX_RETRIES 5), up to the commands straddling the window's edges.
  const double retries = stat(j, "top.host.sd.scsi_retries");
  CHECK(retries >= 4 * eio - 4 * 8);
  CHECK(retries <= 4 * eio + 4 * 8);
  CHECK(stat(j, "top.hba0.error_replies") == stat(j, "top.host.sd.error_replies"));
  CHECK(stat(j, "top.scsi0.disk1.retry_revolutions") == stat(j, "top.scsi0.disk1.unrecovered"));
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
}

TEST_CASE("faults: sync stack: NOT READY is not retried, -EIO at once", "[faults][sync][cli]") {
  const auto j = run_scenario_json(write_scenario(
      "syncnr", two_disks("  io_path: sync\n") +
                    "workload:\n  kind: closed\n  processes: 8\n"
                    "faults:\n  - kind: disk_failure\n    target: scsi0.disk1\n    at: 0.3s\n"));
  CHECK(stat(j, "top.host.sd.eio") > 10);
  CHECK(stat(j, "top.host.sd.scsi_retries") == 0);
  CHECK(stat(j, "top.workload.failed") == stat(j, "top.host.sd.eio"));
}

TEST_CASE("faults: async card: the completion status carries the error, the driver returns -EIO",
          "[faults][async][cli]") {
  const auto j = run_scenario_json(write_scenario(
      "async", two_disks("  io_path: async\n  async:\n    poll_period: 10ms\n") +
                   "workload:\n  kind: open\n  rate: 150/s\n  processes: 4\n"
                   "faults:\n  - kind: disk_failure\n    target: scsi0.disk1\n    at: 0.3s\n"
                   "  - kind: media_error\n    target: scsi0.disk0\n    probability: 0.01\n    retries: 2\n"));
  const double eio = stat(j, "top.host.aio.eio");
  CHECK(eio > 10);
  CHECK(stat(j, "top.workload.failed") == eio);
  CHECK(stat(j, "top.workload.completed") > 20);
  // The card does not retry: each failed request is one failing command.
  CHECK(stat(j, "top.card.fw.failed") ==
        Approx(stat(j, "top.scsi0.disk1.not_ready") + stat(j, "top.scsi0.disk0.unrecovered")).margin(4));
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
}

TEST_CASE("faults: no faults section, no fault statistics and the same results", "[faults][cli]") {
  const auto j = run_scenario_json(std::string(IOSIM_SOURCE_DIR) + "/scenarios/examples/storage_raid0.yaml",
                                   {"run.duration=0.2s", "run.warmup=0.1s"});
  CHECK_FALSE(j["stats"].contains("top.scsi0.disk0.media_errors"));
  CHECK(stat(j, "run.requests_failed") == 0);
  // An empty list is no fault either: byte-identical results.
  const std::string with = write_scenario("empty", "workload:\n  kind: storage\n  queue_depth: 8\nrun:\n  duration: 0.2s\n"
                                                   "  warmup: 0.1s\nfaults: []\n");
  const std::string without = write_scenario("none", "workload:\n  kind: storage\n  queue_depth: 8\nrun:\n  duration: 0.2s\n"
                                                     "  warmup: 0.1s\n");
  const CmdResult a = run_scenario_raw(with), b = run_scenario_raw(without);
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  CHECK(ja["stats"] == jb["stats"]);
}

// Writes over grown defects through the sync stack: two small drives (20
// cylinders, 76864 blocks) striped, every 80th block of disk 1 bad from
// block 3 on, so that about one 4 KiB write in ten on it meets one.
TEST_CASE("faults: sync stack: writes over grown defects, reassigned by AWRE, or MEDIUM ERROR 0Ch retried then -EIO",
          "[faults][sync][awre][cli]") {
  std::string blocks;
  for (int b = 3; b < 76000; b += 80) blocks += (blocks.empty() ? "" : ", ") + std::to_string(b);
  auto body = [&](const std::string& awre) {
    return two_disks("  io_path: sync\n  disk:\n    cylinders: 20\n") +
           "workload:\n  kind: closed\n  processes: 8\n  write_fraction: 1\n"
           "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    retries: 1\n    awre: " + awre +
           "\n    blocks: [" + blocks + "]\n";
  };
  const auto on = run_scenario_json(write_scenario("awre_on", body("true")));
  CHECK(stat(on, "top.scsi0.disk1.write_defects") > 5);
  CHECK(stat(on, "top.scsi0.disk1.reassigned") == stat(on, "top.scsi0.disk1.write_defects"));  // one defect per write at most
  CHECK(stat(on, "top.scsi0.disk1.write_errors") == 0);
  CHECK(stat(on, "top.workload.failed") == 0);
  CHECK(stat(on, "run.requests_issued") == stat(on, "run.requests_completed"));
  const auto off = run_scenario_json(write_scenario("awre_off", body("false")));
  const double eio = stat(off, "top.host.sd.eio");
  CHECK(stat(off, "top.scsi0.disk1.reassigned") == 0);
  CHECK(stat(off, "top.scsi0.disk1.write_errors") > 10);
  CHECK(eio > 2);
  CHECK(stat(off, "top.workload.failed") == eio);
  // Each failing write fails on all 5 attempts (the block stays bad): 4
  // retries per -EIO, up to the commands straddling the window's edges.
  const double retries = stat(off, "top.host.sd.scsi_retries");
  CHECK(retries >= 4 * eio - 4 * 8);
  CHECK(retries <= 4 * eio + 4 * 8);
  CHECK(stat(off, "run.requests_issued") == stat(off, "run.requests_completed"));
  // A write-back drive with AWRE off: refused, located at the key.
  const CmdResult r = run_scenario_raw(write_scenario(
      "awre_wb", two_disks("  disk:\n    buffer:\n      fast_write_level: 1\n") +
                     "workload:\n  kind: storage\n  queue_depth: 4\n"
                     "faults:\n  - kind: media_error\n    target: scsi0.disk1\n    awre: false\n    blocks: [10]\n"));
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("s.yaml:") && Contains("awre") && Contains("write-through"));
}
