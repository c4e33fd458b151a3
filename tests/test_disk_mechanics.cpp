// Disk mechanics and layout against closed forms; LBN <-> physical round trip
// over every zone of both validation drives; the scheduler's picks.
#include <catch2/catch.hpp>
#include <cmath>

#include "model/common/rng.hpp"
#include "model/disk/disk_layout.hpp"
#include "model/disk/disk_mechanics.hpp"
#include "model/disk/disk_scheduler.hpp"
#include "model/disk/disksim_reader.hpp"

using namespace iosim;

namespace {
// One zone, no skew: sector s of every track starts at angle s / bpt.
DiskParams flat_disk(uint32_t bpt = 100, double rpm = 6000) {
  DiskParams p;
  p.rpm = rpm;  // 10 ms per revolution at 6000 rpm
  p.surfaces = 2;
  p.cylinders = 1000;
  p.head_switch = 0.5e-3;
  p.seek.single_cyl = 1e-3;
  p.seek.a = 1e-3;
  p.seek.b = 9e-3;
  p.seek.c = 0.5;
  DiskZone z;
  z.first_cyl = 0;
  z.last_cyl = 999;
  z.blocks_per_track = bpt;
  p.zones = {z};
  return p;
}
}  // namespace

TEST_CASE("seek model: table interpolation and curve", "[disk]") {
  SeekModel m;
  m.single_cyl = 1e-3;
  m.table = {{1, 1e-3}, {10, 2e-3}, {100, 5e-3}};
  CHECK(seek_time(m, 0, 1000) == 0);
  CHECK(seek_time(m, 10, 1000) == Approx(2e-3));
  CHECK(seek_time(m, 55, 1000) == Approx(3.5e-3));
  CHECK(seek_time(m, 5000, 1000) == Approx(5e-3));
  SeekModel c;
  c.single_cyl = 0.2e-3;
  c.a = 0.2e-3, c.b = 7.2e-3, c.c = 0.62;
  CHECK(seek_time(c, 1, 1000) == Approx(0.2e-3));
  CHECK(seek_time(c, 250, 1000) == Approx(0.2e-3 + 7.2e-3 * std::pow(0.25, 0.62)));
  CHECK(seek_time(c, 1000, 1000) == Approx(7.4e-3));
}

TEST_CASE("rotation seek and media transfer match closed forms", "[disk]") {
  const DiskParams p = flat_disk();
  const DiskLayout l(p);
  const DiskMechanics m(p, l);
  const double rev = 0.010, st = rev / 100;
  REQUIRE(m.revolution() == Approx(rev));
  // Same track, head at angle 0 at t=0: sector 50 is half a revolution away.
  CHECK(m.access(HeadPos{0, 0}, 0, PhysAddr{0, 0, 50}, false) == Approx(0.5 * rev));
  // Just missed sector 10 (we are at 10.5 sectors): almost a full revolution.
  CHECK(m.access(HeadPos{0, 0}, 10.5 * st, PhysAddr{0, 0, 10}, false) == Approx(10.5 * st + 99.5 * st));
  // Seek of 250 cylinders then rotation to the next sector 0 (angle 0).
  const double sk = 1e-3 + 9e-3 * std::sqrt(0.25);
  const double arrive = sk;
  const double want = std::ceil(arrive / rev) * rev;
  CHECK(m.access(HeadPos{0, 0}, 0, PhysAddr{250, 0, 0}, false) == Approx(want));
  // Writes add the settle time.
  DiskParams pw = p;
  pw.write_settle = 0.3e-3;
  const DiskMechanics mw(pw, l);
  double mv = 0;
  mw.access(HeadPos{0, 0}, 0, PhysAddr{250, 0, 0}, true, &mv);
  CHECK(mv == Approx(sk + 0.3e-3));
  // 30 sectors from sector 0 of a track: 30 sector times.
  const MediaPlan a = m.plan(HeadPos{0, 0}, 0, 0, 30, false);
  CHECK(a.t_end == Approx(30 * st));
  CHECK(a.ready_time(9) == Approx(10 * st));
  CHECK(a.blocks_done(10.5 * st) == 10);
  // A full track plus 10 more: the head switch (0.5 ms = 5 sectors, no skew)
  // misses sector 0 of the next track by 5 sectors: a full extra revolution.
  const MediaPlan b = m.plan(HeadPos{0, 0}, 0, 0, 110, false);
  CHECK(b.runs.size() == 2);
  CHECK(b.t_end == Approx(rev + rev + 10 * st));
}

TEST_CASE("track skew hides the head switch", "[disk]") {
  DiskParams p = flat_disk();
  p.zones[0].track_skew = 5;  // 5 sectors = 0.5 ms = head switch
  p.zones[0].cyl_skew = 10;   // 1 ms = single-cylinder seek
  const DiskLayout l(p);
  const DiskMechanics m(p, l);
  const double st = 0.010 / 100;
  // Track, head switch, track, cylinder switch, 10 more: no lost revolution.
  const MediaPlan b = m.plan(HeadPos{0, 0}, 0, 0, 210, false);
  CHECK(b.t_end == Approx((100 + 5 + 100 + 10 + 10) * st));
}

TEST_CASE("LBN <-> physical round trip over every zone of both validation drives", "[disk]") {
  for (const char* drive : {"cheetah9LP", "atlas10k"}) {
    const DiskParams p = load_disksim_drive(std::string(IOSIM_SHARED_DIR "/disk-validation/") + drive);
    const DiskLayout l(p);
    INFO(drive);
    CHECK(l.capacity() <= p.block_count);
    CHECK(l.capacity() > p.block_count * 99 / 100);
    REQUIRE(l.zones().size() == p.zones.size());
    Rng rng(1, drive);
    for (const auto& z : l.zones()) {
      const uint64_t end = std::min(z.first_lbn + z.lbns, l.capacity());
      if (end <= z.first_lbn) continue;
      std::vector<uint64_t> lbns = {z.first_lbn, end - 1};
      for (int i = 0; i < 2000; ++i) lbns.push_back(z.first_lbn + rng.below(end - z.first_lbn));
      PhysAddr prev{};
      uint64_t prev_lbn = ~0ull;
      std::sort(lbns.begin(), lbns.end());
      for (uint64_t lbn : lbns) {
        const PhysAddr a = l.to_phys(lbn);
        CHECK(a.cyl >= z.geom.first_cyl);
        CHECK(a.cyl <= z.geom.last_cyl);
        CHECK(a.sector < z.geom.blocks_per_track);
        uint64_t back = 0;
        REQUIRE(l.to_lbn(a, back));
        CHECK(back == lbn);
        // Physical order follows LBN order (track-major within a cylinder).
        if (prev_lbn != ~0ull && lbn > prev_lbn)
          CHECK(std::make_tuple(a.cyl, a.head, a.sector) > std::make_tuple(prev.cyl, prev.head, prev.sector));
        prev = a;
        prev_lbn = lbn;
      }
      // Slipped sectors hold no LBN.
      for (uint64_t s : z.geom.slips) {
        const uint64_t track = s / z.geom.blocks_per_track;
        const PhysAddr a{z.geom.first_cyl + uint32_t(track / p.surfaces), uint32_t(track % p.surfaces),
                         uint32_t(s % z.geom.blocks_per_track)};
        uint64_t x = 0;
        CHECK_FALSE(l.to_lbn(a, x));
      }
    }
    CHECK_THROWS(l.to_phys(l.capacity()));
  }
}

TEST_CASE("scheduler picks per policy", "[disk]") {
  // arrival, cylinder, positioning time
  const std::vector<SchedCandidate> q = {
      {0, 900, 9e-3},  // oldest, far
      {1, 480, 6e-3},  // nearest cylinder, but a long rotational wait
      {2, 300, 2e-3},  // farther, yet quickest to reach
      {3, 520, 6e-3},  // as near as #1 (20 cylinders), younger
  };
  CHECK(pick_next(SchedPolicy::Fcfs, q, 500) == 0);
  CHECK(pick_next(SchedPolicy::Sstf, q, 500) == 1);  // tie 480/520 -> older
  CHECK(pick_next(SchedPolicy::Sptf, q, 500) == 2);
  CHECK(pick_next(SchedPolicy::Sstf, q, 890) == 0);
  const std::vector<SchedCandidate> one = {{7, 1, 1}};
  CHECK(pick_next(SchedPolicy::Sptf, one, 0) == 0);
  CHECK_THROWS(pick_next(SchedPolicy::Fcfs, {}, 0));
}

TEST_CASE("synthetic zoned disk", "[disk]") {
  SyntheticDiskSpec s;
  s.cylinders = 1000;
  s.surfaces = 4;
  s.outer_blocks_per_track = 500;
  s.inner_blocks_per_track = 300;
  s.zones = 5;
  DiskParams base;
  base.rpm = 15000;
  base.head_switch = 0.3e-3;
  const DiskParams p = make_synthetic_disk(s, base);
  REQUIRE(p.zones.size() == 5);
  CHECK(p.zones.front().blocks_per_track == 500);
  CHECK(p.zones.back().blocks_per_track == 300);
  CHECK(p.zones.back().last_cyl == 999);
  // Skew covers the head switch: 0.3 ms at 4 ms/rev and 500 sectors = 37.5 -> 38.
  CHECK(p.zones.front().track_skew == 38);
  const DiskLayout l(p);
  uint64_t total = 0;
  for (const auto& z : p.zones) total += uint64_t(z.last_cyl - z.first_cyl + 1) * 4 * z.blocks_per_track;
  CHECK(l.capacity() == total);
}
