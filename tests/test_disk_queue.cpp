// Closed-loop random reads against Disks on DirectLinks: depth-1 throughput
// against the textbook closed form, and SPTF reordering at depth 32.
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <systemc>

#include "model/common/rng.hpp"
#include "model/disk/direct_link.hpp"
#include "model/disk/disk.hpp"
#include "model/disk/disksim_reader.hpp"
#include "tests/test_disk_util.hpp"

using namespace iosim;
using iosim::itest::cheetah15k_like;

namespace {

// Keeps `depth` random reads of `blocks` outstanding; each completion issues
// the next one (req.on_done-driven). Counts completions after `warmup`.
SC_MODULE(ClosedLoopDriver) {
  Disk* disk = nullptr;
  uint32_t depth = 1, blocks = 8;
  double warmup_s = 1.0;
  uint64_t done = 0;
  std::unique_ptr<Rng> rng;
  std::vector<IoRequest> reqs;

  SC_CTOR(ClosedLoopDriver) { SC_THREAD(start); }

  void issue(IoRequest& r) {
    const uint64_t slots = disk->capacity_blocks() / blocks;
    r.op = IoOp::Read;
    r.lba = rng->below(slots) * blocks;
    r.blocks = blocks;
    disk->command(r);
  }
  void start() {
    rng = std::make_unique<Rng>(7, name());
    reqs.resize(depth);
    for (auto& r : reqs) {
      r.on_done = [this](IoRequest& q) {
        if (sc_core::sc_time_stamp().to_seconds() >= warmup_s) ++done;
        issue(q);
      };
      issue(r);
    }
  }
};


}  // namespace

TEST_CASE("15000 rpm disk: random 4 KiB reads at depth 1 match the closed form", "[disk][queue]") {
  const DiskParams p = cheetah15k_like();
  Disk disk("disk", p);
  DirectLink link(p.interface_sector_time);
  disk.link.bind(link);
  ClosedLoopDriver drv("drv");
  drv.disk = &disk;
  drv.depth = 1;
  drv.blocks = 8;
  const double run_s = 30;
  sc_core::sc_start(sc_core::sc_time(run_s, sc_core::SC_SEC));
  const double iops = double(drv.done) / (run_s - drv.warmup_s);

  // Closed form over the same distribution of start blocks.
  Rng rng(99, "closed-form");
  const DiskLayout& l = disk.layout();
  const DiskMechanics& m = disk.mechanics();
  const uint64_t slots = l.capacity() / 8;
  double seek = 0, xfer = 0;
  const int n = 200000;
  uint32_t prev = l.to_phys(rng.below(slots) * 8).cyl;
  for (int i = 0; i < n; ++i) {
    const uint32_t c = l.to_phys(rng.below(slots) * 8).cyl;
    seek += m.seek(c > prev ? c - prev : prev - c);
    xfer += 8 * m.sector_time(c);
    prev = c;
  }
  seek /= n;
  xfer /= n;
  const double service = seek + 0.5 * m.revolution() + p.overheads.read_miss_after_read + xfer +
                         p.interface_sector_time;
  const double expect = 1.0 / service;
  std::cout << "15k depth 1: " << iops << " IO/s, closed form " << expect << " IO/s (mean seek "
            << seek * 1e3 << " ms)\n";
  CHECK(seek * 1e3 == Approx(3.6).epsilon(0.15));  // PARAMETERS.md: ~3.6 ms average
  CHECK(iops == Approx(expect).epsilon(0.05));
  Stats st;
  disk.report(st, run_s);
  CHECK(st.get("disk.queue_depth") == Approx(1.0).epsilon(0.01));
  CHECK(st.get("disk.read_hit_ratio") < 1.0);
  CHECK(st.get("disk.rotation_time") == Approx(2.0).epsilon(0.1));
}

TEST_CASE("SPTF at depth 32 beats FCFS at depth 1 on an Atlas 10K with 8 KB random reads", "[disk][queue]") {
  DiskParams p = load_disksim_drive(IOSIM_SHARED_DIR "/disk-validation/atlas10k");
  p.queue_depth = 64;
  DiskParams fcfs = p, sptf = p;
  fcfs.scheduler = SchedPolicy::Fcfs;
  sptf.scheduler = SchedPolicy::Sptf;
  Disk d1("fcfs", fcfs), d32("sptf", sptf);
  DirectLink l1(p.interface_sector_time), l32(p.interface_sector_time);
  d1.link.bind(l1);
  d32.link.bind(l32);
  ClosedLoopDriver drv1("drv1"), drv32("drv32");
  drv1.disk = &d1;
  drv1.depth = 1;
  drv32.disk = &d32;
  drv32.depth = 32;
  drv1.blocks = drv32.blocks = 16;
  const double run_s = 30;
  sc_core::sc_start(sc_core::sc_time(run_s, sc_core::SC_SEC));
  const double i1 = double(drv1.done) / (run_s - 1), i32 = double(drv32.done) / (run_s - 1);
  std::cout << "Atlas 10K 8 KB random reads: FCFS depth 1 " << i1 << " IO/s, SPTF depth 32 " << i32
            << " IO/s, ratio " << i32 / i1 << " (MSR-TR-2000-55: ~105 and ~180, 1.7x)\n";
  CHECK(i1 > 80);
  CHECK(i1 < 140);
  CHECK(i32 / i1 > 1.4);
  CHECK(d32.queue_overflows() == 0);
}

namespace {
// Records every data phase the disk opens.
struct CountingLink : DirectLink {
  using DirectLink::DirectLink;
  int transfers = 0, completions = 0;
  double last_transfer_start = 0;
  void transfer(int t, IoRequest& r, uint64_t bytes) override {
    ++transfers;
    last_transfer_start = sc_core::sc_time_stamp().to_seconds();
    DirectLink::transfer(t, r, bytes);
  }
  void complete(int t, IoRequest& r) override {
    ++completions;
    DirectLink::complete(t, r);
  }
};
}  // namespace

TEST_CASE("reads reconnect per max_burst_bytes and never outrun the media", "[disk][queue]") {
  DiskParams p = cheetah15k_like();
  p.max_burst_bytes = 8192;
  Disk disk("disk", p);
  CountingLink link(p.interface_sector_time);
  disk.link.bind(link);
  IoRequest r;
  r.op = IoOp::Read;
  r.lba = 1000;
  r.blocks = 128;  // 64 KiB -> 8 bursts of 8 KiB
  double t_done = -1;
  r.on_done = [&](IoRequest&) { t_done = sc_core::sc_time_stamp().to_seconds(); };
  disk.command(r);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));
  CHECK(link.transfers == 8);
  CHECK(link.completions == 1);
  CHECK(link.bytes_moved() == 65536);
  // Media from the outer zone: 128 sectors of 700 per 4 ms revolution. The
  // last burst starts once its first sector is in, ends after the media.
  const DiskMechanics& m = disk.mechanics();
  const MediaPlan plan = m.plan(HeadPos{}, p.overheads.read_miss_after_read, 1000, 128, false);
  CHECK(t_done >= plan.t_end);
  CHECK(t_done == Approx(plan.t_end + p.interface_sector_time).margin(1e-9));
  CHECK(link.last_transfer_start >= plan.ready_time(120) - 1e-12);
}
