// Issue 10's buffer, layout and access mechanisms against hand-worked cases,
// and the drive-file key inventory.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/disk/disk_buffer.hpp"
#include "model/disk/disk_layout.hpp"
#include "model/disk/disk_mechanics.hpp"
#include "model/disk/disksim_reader.hpp"

using namespace iosim;

namespace {
// One zone, no skew, 100 sectors per track, 6000 rpm: 10 ms a revolution,
// 0.1 ms a sector; sector s of every track starts at angle s / 100.
DiskParams flat_disk() {
  DiskParams p;
  p.rpm = 6000;
  p.surfaces = 2;
  p.cylinders = 100;
  p.head_switch = 0.5e-3;
  DiskZone z;
  z.first_cyl = 0;
  z.last_cyl = 99;
  z.blocks_per_track = 100;
  p.zones = {z};
  return p;
}
}  // namespace

TEST_CASE("buffer: a segment holds at most its size, read-ahead evicts the earliest blocks", "[disk][buffer]") {
  DiskBuffer b(2, 10, 1);
  BufferSegment& s = b[0];
  // Kept from before the request ("Read any free blocks"): 0..5; the media
  // read starts at block 5 and brings 10 blocks, one per ms from t = 0.
  s.start = 0;
  s.end = 5;
  s.filling = true;
  s.plan.lbn = 5;
  s.plan.count = 10;
  MediaRun r;
  r.lbn = 5;
  r.count = 10;
  r.t_start = 0;
  r.t_end = 10e-3;
  s.plan.runs = {r};
  s.plan.t_end = 10e-3;
  b.touch(0);
  // t = 3 ms: blocks 5..7 read, valid [0, 8): 8 blocks, nothing evicted.
  CHECK(b.valid_end(0, 3e-3) == 8);
  CHECK(b.valid_start(0, 3e-3) == 0);
  CHECK(b.lookup(0, 1, 3e-3).kind == DiskBuffer::Lookup::Hit);
  // t = 7 ms: valid end 12, so the segment holds [2, 12): blocks 0 and 1 went first.
  CHECK(b.valid_start(0, 7e-3) == 2);
  CHECK(b.lookup(1, 1, 7e-3).kind == DiskBuffer::Lookup::Miss);
  CHECK(b.lookup(2, 4, 7e-3).kind == DiskBuffer::Lookup::Hit);
  // t = 10 ms: [5, 15), the request's own blocks and the read-ahead.
  CHECK(b.valid_start(0, 10e-3) == 5);
  CHECK(b.lookup(4, 1, 10e-3).kind == DiskBuffer::Lookup::Miss);
  CHECK(b.lookup(5, 10, 10e-3).kind == DiskBuffer::Lookup::Hit);
}

TEST_CASE("buffer: read hits on write data only when the drive allows them", "[disk][buffer]") {
  for (bool allow : {true, false}) {
    DiskBuffer b(2, 64, 1);
    b.set_read_hits_on_write_data(allow);
    const int s = b.alloc_write(100, 8);
    REQUIRE(s >= 0);
    b[s].start = 100;
    b[s].end = 108;
    b[s].dirty = b[s].written = true;
    CHECK((b.lookup(100, 8, 0).kind == DiskBuffer::Lookup::Hit) == allow);
    b[s].dirty = false;  // destaged: still data that came from a write
    CHECK((b.lookup(104, 2, 0).kind == DiskBuffer::Lookup::Hit) == allow);
  }
}

TEST_CASE("buffer: a separate write segment takes writes only", "[disk][buffer]") {
  DiskBuffer b(3, 64, 3);
  b.set_separate_write_segment(true);
  for (int i = 0; i < 5; ++i) {
    const int r = b.alloc_read();
    CHECK(r != 0);
    b.touch(r);
  }
  CHECK(b.alloc_write(10, 4) == 0);
  b[0].start = 10;
  b[0].end = 14;
  b[0].dirty = true;
  CHECK(b.alloc_write(14, 4) == 0);   // continues the dirty run
  CHECK(b.alloc_write(50, 4) == -1);  // another run: destage first
  // Without the flag, the same buffer writes into any clean segment.
  DiskBuffer c(3, 64, 3);
  c[0].dirty = true;
  c[0].end = 14;
  CHECK(c.alloc_write(50, 4) > 0);
}

TEST_CASE("zero-latency read: the head starts with the sector under it", "[disk][mechanics]") {
  DiskParams p = flat_disk();
  const double st = 0.1e-3;
  const double t = 10.5 * st;  // head at 10.5 sectors past the index
  DiskParams z = p;
  z.zero_latency_read = true;
  const DiskLayout lp(p), lz(z);
  const DiskMechanics mp(p, lp), mz(z, lz);
  // Blocks 0..19 of track 0. Without it: wait for sector 0 (89.5 sectors),
  // then 20 sectors: done at t + 109.5 st.
  const MediaPlan a = mp.plan(HeadPos{0, 0}, t, 0, 20, false);
  CHECK(a.done_time(20) == Approx(t + 109.5 * st));
  // With it: sectors 11..19 first (from t + 0.5 st), then 0..10 on the next
  // pass (sector 0 at t + 89.5 st): done at t + 100.5 st, 9 sectors sooner.
  const MediaPlan b = mz.plan(HeadPos{0, 0}, t, 0, 20, false);
  CHECK(b.done_time(20) == Approx(t + 100.5 * st));
  CHECK(b.ready_time(19) == Approx(t + 9.5 * st));
  CHECK(b.ready_time(11) == Approx(t + 1.5 * st));
  CHECK(b.ready_time(0) == Approx(t + 90.5 * st));
  CHECK(b.rotate_s == Approx(0.5 * st));
  // Nothing is ready until the front part is: the prefix counts 0 before it.
  CHECK(b.blocks_done(t + 20 * st) == 0);
  CHECK(b.blocks_done(t + 101 * st) == 20);
  // Arriving outside the request's sectors (at 50.5): no difference.
  CHECK(mz.plan(HeadPos{0, 0}, 50.5 * st, 0, 20, false).done_time(20) ==
        Approx(mp.plan(HeadPos{0, 0}, 50.5 * st, 0, 20, false).done_time(20)));
  // Writes follow "Immediate buffer write", not the read flag.
  CHECK(mz.plan(HeadPos{0, 0}, t, 0, 20, true).t_end == Approx(t + 109.5 * st));
}

TEST_CASE("layout: empty space at zone front shifts every block of the zone", "[disk][layout]") {
  DiskParams p = flat_disk();
  DiskZone z2 = p.zones[0];
  p.zones[0].last_cyl = 49;
  z2.first_cyl = 50;
  p.zones[0].empty_front = 7;
  z2.empty_front = 130;  // more than a track
  z2.slips = {200};
  p.zones.push_back(z2);
  const DiskLayout l(p);
  // Zone 0: 50 cyl x 2 surfaces x 100 = 10000 sectors, 7 empty.
  REQUIRE(l.zones()[0].lbns == 10000 - 7);
  CHECK(l.to_phys(0) == PhysAddr{0, 0, 7});
  CHECK(l.to_phys(92) == PhysAddr{0, 0, 99});
  CHECK(l.to_phys(93) == PhysAddr{0, 1, 0});
  // Zone 1: first LBN on sector 130 = cylinder 50, head 1, sector 30; the slip
  // at zone sector 200 (cylinder 51, head 0, sector 0) is skipped.
  const uint64_t f = l.zones()[1].first_lbn;
  CHECK(l.to_phys(f) == PhysAddr{50, 1, 30});
  CHECK(l.to_phys(f + 69) == PhysAddr{50, 1, 99});
  CHECK(l.to_phys(f + 70) == PhysAddr{51, 0, 1});
  uint64_t out = 0;
  CHECK_FALSE(l.to_lbn(PhysAddr{0, 0, 6}, out));
  CHECK_FALSE(l.to_lbn(PhysAddr{50, 0, 99}, out));
  // Round trip over every block.
  for (uint64_t lbn = 0; lbn < l.capacity(); ++lbn) {
    REQUIRE(l.to_lbn(l.to_phys(lbn), out));
    REQUIRE(out == lbn);
  }
}

namespace {
// A copy of a shipped drive's files with one text replacement in one of them.
std::string edited_drive(const std::string& drive, const std::string& file_ext, const std::string& from,
                         const std::string& to) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("iosim_drive_" + drive);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(IOSIM_SHARED_DIR "/disk-validation"))
    if (e.path().filename().string().rfind(drive, 0) == 0) fs::copy(e.path(), dir / e.path().filename());
  const fs::path f = dir / (drive + file_ext);
  std::stringstream ss;
  ss << std::ifstream(f).rdbuf();
  std::string text = ss.str();
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(f) << text;
  return (dir / drive).string();
}
}  // namespace

TEST_CASE("drive files: every key of the shipped drives is used or deliberately ignored", "[disk][reader]") {
  for (const char* d : {"cheetah9LP", "atlas10k"}) {
    std::vector<std::string> w;
    load_disksim_drive(std::string(IOSIM_SHARED_DIR "/disk-validation/") + d, &w);
    for (const std::string& x : w) {
      INFO(x);
      CHECK(x.find("unknown key") == std::string::npos);
      CHECK(x.find("not modelled; ignored") == std::string::npos);
    }
  }
}

TEST_CASE("drive files: unknown keys and unmodelled values are warned about, unsupported ones refused", "[disk][reader]") {
  std::vector<std::string> w;
  load_disksim_drive(edited_drive("cheetah9LP", ".diskspecs", "Preseeking level = 0", "Preseeking level = 2"), &w);
  bool seen = false;
  for (const std::string& x : w) seen |= x.find("'Preseeking level' = 2") != std::string::npos;
  CHECK(seen);
  w.clear();
  load_disksim_drive(edited_drive("cheetah9LP", ".diskspecs", "Print stats = 1,", "Print stats = 1,\n Frobnicate = 3,"),
                     &w);
  seen = false;
  for (const std::string& x : w) seen |= x.find("'Frobnicate': unknown key") != std::string::npos;
  CHECK(seen);
  CHECK_THROWS_WITH(load_disksim_drive(edited_drive("cheetah9LP", ".model", "Sparing scheme used = 9",
                                                    "Sparing scheme used = 7")),
                    Catch::Contains("'Sparing scheme used = 7'") && Catch::Contains("cheetah9LP.model:"));
  // The flags reach the parameters.
  const DiskParams p = load_disksim_drive(
      edited_drive("cheetah9LP", ".diskspecs", "Allow read hits on write data = 1", "Allow read hits on write data = 0"));
  CHECK_FALSE(p.read_hits_on_write_data);
  const DiskParams a = load_disksim_drive(IOSIM_SHARED_DIR "/disk-validation/atlas10k");
  CHECK(a.zero_latency_read);
  CHECK(a.zero_latency_write);
  CHECK(a.read_any_free_blocks);
  std::filesystem::remove_all(std::filesystem::temp_directory_path() / "iosim_drive_cheetah9LP");
}
