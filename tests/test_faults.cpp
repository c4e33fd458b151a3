// Fault injection (issue 11, deliverable 2, first slice): a drive's media
// errors and failure against hand-worked timing, the ledger's exactly-once
// rule with failures, and (in test_faults_stacks.cpp) each stack delivering
// the error to its issuer.
#include <catch2/catch.hpp>

#include <deque>

#include <memory>
#include <systemc>

#include "model/common/ledger.hpp"
#include "model/disk/direct_link.hpp"
#include "model/disk/disk.hpp"
#include "model/disk/disksim_reader.hpp"
#include "model/fault/fault.hpp"
#include "tests/test_disk_util.hpp"

using namespace iosim;

namespace {

// A 15000 rpm drive (4 ms a revolution); read-ahead off so that a good read
// and a faulty one plan the same media access.
DiskParams drive() {
  DiskParams d = itest::cheetah15k_like();
  d.read_ahead_limit = ReadAheadLimit::None;
  return d;
}

// One drive on its own link, one read of 8 blocks at `lba` issued at `at`.
struct Bench {
  std::unique_ptr<Disk> disk;
  std::unique_ptr<DirectLink> link;
  IoRequest req;
  bool done = false;
  double t_done = 0;
  Bench(const char* name, const DiskParams& p, uint64_t lba) {
    disk = std::make_unique<Disk>(name, p);
    link = std::make_unique<DirectLink>(p.interface_sector_time);
    disk->link.bind(*link);
    req.op = IoOp::Read;
    req.lba = lba;
    req.blocks = 8;
    req.on_done = [this](IoRequest&) {
      done = true;
      t_done = sc_core::sc_time_stamp().to_seconds();
    };
  }
};

SC_MODULE(Issuer) {
  std::vector<Bench*> benches;
  double at = 0;
  SC_CTOR(Issuer) { SC_THREAD(go); }
  void go() {
    if (at > 0) wait(sc_core::sc_time(at, sc_core::SC_SEC));
    for (Bench* b : benches) b->disk->command(b->req);
  }
};

double stat_of(const Disk& d, const std::string& key) {
  Stats s;
  d.report(s, 1.0);
  return s.get(std::string(d.name()) + "." + key);
}

}  // namespace

TEST_CASE("faults: a bad block ends in CHECK CONDITION, MEDIUM ERROR 11h after the drive's retries", "[faults][disk]") {
  const DiskParams p = drive();
  const uint64_t lba = 123456;
  Bench good("good", p, lba), bad("bad", p, lba);
  DiskFaults f;
  f.bad_blocks = {lba + 3};
  f.retries = 5;
  f.recover = 0;
  bad.disk->set_faults(f, 1);
  Issuer is("is");
  is.benches = {&good, &bad};
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(good.done);
  REQUIRE(bad.done);
  CHECK(good.req.status == 0);
  CHECK(scsi::status_byte(bad.req.status) == scsi::kCheckCondition);
  CHECK(scsi::sense_key(bad.req.status) == scsi::kSenseMediumError);
  CHECK(scsi::asc(bad.req.status) == scsi::kAscUnrecoveredRead);
  // Same seek and rotation; the bad one stops at block 3 and spends 5
  // revolutions (20 ms) re-reading it, then sends no data, only status. The
  // good one's last 5 sectors and its data phase are well under 1 ms.
  const double rev = p.revolution_s();
  CHECK(bad.t_done - good.t_done > 5 * rev - 1e-3);
  CHECK(bad.t_done - good.t_done < 5 * rev + 1e-3);
  CHECK(stat_of(*bad.disk, "media_errors") == 1);
  CHECK(stat_of(*bad.disk, "unrecovered") == 1);
  CHECK(stat_of(*bad.disk, "recovered") == 0);
  CHECK(stat_of(*bad.disk, "retry_revolutions") == 5);
}

TEST_CASE("faults: recover = 1 succeeds, slower by whole revolutions, counted", "[faults][disk]") {
  const DiskParams p = drive();
  const uint64_t lba = 777000;
  Bench good("good", p, lba), slow("slow", p, lba);
  DiskFaults f;
  f.bad_blocks = {lba};
  f.retries = 8;
  f.recover = 1;
  slow.disk->set_faults(f, 3);
  Issuer is("is");
  is.benches = {&good, &slow};
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(good.done);
  REQUIRE(slow.done);
  CHECK(slow.req.status == 0);
  const double revs = stat_of(*slow.disk, "retry_revolutions");
  CHECK(revs >= 1);
  CHECK(revs <= 8);
  // Every block from the bad one on is late by exactly the retries.
  CHECK((slow.t_done - good.t_done) == Approx(revs * p.revolution_s()).margin(1e-6));
  CHECK(stat_of(*slow.disk, "recovered") == 1);
  CHECK(stat_of(*slow.disk, "unrecovered") == 0);
}

TEST_CASE("faults: a failed drive answers CHECK CONDITION, NOT READY from its failure time on", "[faults][disk]") {
  const DiskParams p = drive();
  Bench before("before", p, 1000), after("after", p, 1000);
  DiskFaults f;
  f.fail_at_s = 0.05;
  before.disk->set_faults(f, 1);
  after.disk->set_faults(f, 1);
  Issuer i0("i0"), i1("i1");
  i0.benches = {&before};
  i1.benches = {&after};
  i1.at = 0.06;
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(before.done);
  REQUIRE(after.done);
  CHECK(before.req.status == 0);
  CHECK(scsi::sense_key(after.req.status) == scsi::kSenseNotReady);
  CHECK(scsi::asc(after.req.status) == scsi::kAscNotReady);
  // No media access: the command overhead and the status phase only.
  CHECK(after.t_done - 0.06 == Approx(p.overheads.read_miss_after_read).margin(50e-6));
  CHECK(stat_of(*after.disk, "not_ready") == 1);
  CHECK(stat_of(*before.disk, "not_ready") == 0);
}

TEST_CASE("faults: soft errors by probability are drawn from the drive's own stream, same seed same draws", "[faults][disk]") {
  const DiskParams p = drive();
  DiskFaults f;
  f.sector_probability = 1;  // every media read meets an unreadable first sector
  f.retries = 2;
  Bench a("a", p, 5000), b("b", p, 5000);
  a.disk->set_faults(f, 9);
  b.disk->set_faults(f, 9);
  Issuer is("is");
  is.benches = {&a, &b};
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(a.done);
  CHECK(scsi::sense_key(a.req.status) == scsi::kSenseMediumError);
  CHECK(stat_of(*a.disk, "retry_revolutions") == 2);
  CHECK(a.t_done == b.t_done);
}

TEST_CASE("ledger: each request completes or fails exactly once, issued = succeeded + failed + outstanding",
          "[faults][ledger]") {
  RequestLedger l;
  const uint64_t a = l.issue(), b = l.issue(), c = l.issue();
  l.complete(a);
  l.fail(b);
  CHECK(l.issued() == 3);
  CHECK(l.succeeded() == 1);
  CHECK(l.failed() == 1);
  CHECK(l.outstanding() == 1);
  CHECK(l.issued() == l.succeeded() + l.failed() + l.outstanding());
  CHECK_THROWS_AS(l.check(), std::runtime_error);  // c still out
  CHECK_THROWS_AS(l.fail(b), std::logic_error);      // failed twice
  CHECK_THROWS_AS(l.complete(b), std::logic_error);  // completed after failing
  CHECK_THROWS_AS(l.fail(a), std::logic_error);      // failed after completing
  l.fail(c);
  CHECK_NOTHROW(l.check());
  CHECK(l.failed() == 2);
  CHECK(l.issued() == 3);
}

TEST_CASE("ledger: memory stays flat over a long run, and a late second completion is still caught",
          "[faults][ledger]") {
  RequestLedger l;
  const uint64_t stuck = l.issue();  // outstanding all along: everything after it is held
  std::deque<uint64_t> inflight;
  for (int i = 0; i < 100000; ++i) {
    inflight.push_back(l.issue());
    if (inflight.size() > 64) { l.complete(inflight.front()); inflight.pop_front(); }
  }
  CHECK(l.states_held() > 100000);
  CHECK_THROWS_AS(l.check(), std::runtime_error);
  l.complete(stuck);                     // the oldest ends: what lies before the next outstanding goes
  CHECK(l.states_held() <= 65);
  CHECK(l.issued() == 100001);
  CHECK_THROWS_AS(l.complete(stuck), std::logic_error);  // ended long ago: still an error
  CHECK_THROWS_AS(l.complete(123456789), std::logic_error);  // never issued
  while (!inflight.empty()) { l.fail(inflight.front()); inflight.pop_front(); }
  CHECK(l.states_held() == 0);
  CHECK_NOTHROW(l.check());
  CHECK(l.issued() == l.succeeded() + l.failed() + l.outstanding());
}

TEST_CASE("faults: read-ahead stops short of a grown defect, so the read that asks for it meets it", "[faults][disk]") {
  DiskParams p = drive();
  p.read_ahead_limit = ReadAheadLimit::Segment;  // read ahead up to 64 blocks, within the segment
  p.read_ahead_blocks = 64;
  const uint64_t lba = 40000;
  Bench first("first", p, lba), second("second", p, lba + 8);
  DiskFaults f;
  f.bad_blocks = {lba + 10};
  f.retries = 3;
  first.disk->set_faults(f, 1);
  Issuer is("is");
  is.benches = {&first};
  sc_core::sc_start(0.2, sc_core::SC_SEC);
  REQUIRE(first.done);
  CHECK(first.req.status == 0);  // [lba, lba + 8) is good; read-ahead stopped at lba + 10
  // The next sequential read on the same drive: blocks lba + 8, + 9 are in the
  // buffer, lba + 10 is not, so it goes to the media and meets the defect.
  first.disk->command(second.req);
  sc_core::sc_start(0.2, sc_core::SC_SEC);
  REQUIRE(second.done);
  CHECK(scsi::sense_key(second.req.status) == scsi::kSenseMediumError);
  CHECK(stat_of(*first.disk, "unrecovered") == 1);
}

namespace {
// A write of 8 blocks at `lba`, then a read of the same blocks once it is done.
SC_MODULE(WriteThenRead) {
  Disk* disk = nullptr;
  IoRequest w, r;
  double t_write = -1, t_read = -1;
  sc_core::sc_event done_ev;
  SC_CTOR(WriteThenRead) { SC_THREAD(go); }
  void setup(Disk& d, uint64_t lba) {
    disk = &d;
    for (IoRequest* q : {&w, &r}) {
      q->lba = lba;
      q->blocks = 8;
      q->on_done = [this](IoRequest&) { done_ev.notify(); };
    }
    w.op = IoOp::Write;
    r.op = IoOp::Read;
  }
  void go() {
    disk->command(w);
    wait(done_ev);
    t_write = sc_core::sc_time_stamp().to_seconds();
    disk->command(r);
    wait(done_ev);
    t_read = sc_core::sc_time_stamp().to_seconds();
  }
};

// Two write-through drives on their own links, the second with `f`.
DiskParams write_through() {
  DiskParams d = drive();
  d.fast_write_level = 0;
  return d;
}

struct WritePair {
  DiskParams p = write_through();
  std::unique_ptr<Disk> good, bad;
  DirectLink lg{p.interface_sector_time}, lb{p.interface_sector_time};
  WriteThenRead sg{"sg"}, sb{"sb"};
  explicit WritePair(const DiskFaults& f, uint64_t lba) {
    good = std::make_unique<Disk>("good", p);
    bad = std::make_unique<Disk>("bad", p);
    good->link.bind(lg);
    bad->link.bind(lb);
    bad->set_faults(f, 1);
    sg.setup(*good, lba);
    sb.setup(*bad, lba);
  }
};
}  // namespace

TEST_CASE("faults: a write over a grown defect with AWRE reassigns it: 2 revolutions more, GOOD, then it reads fine",
          "[faults][disk][awre]") {
  const uint64_t lba = 345600;
  DiskFaults f;
  f.bad_blocks = {lba + 2, lba + 5, lba + 100};  // two in the write's range, one beyond it
  f.recover = 0;
  WritePair wp(f, lba);
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(wp.sg.t_read > 0);
  REQUIRE(wp.sb.t_read > 0);
  CHECK(wp.sb.w.status == 0);
  CHECK(wp.sb.r.status == 0);  // reassigned: the read meets no defect
  // Same seek, rotation and transfer; then 2 revolutions per reassigned block.
  const double rev = wp.p.revolution_s();
  CHECK((wp.sb.t_write - wp.sg.t_write) == Approx(4 * rev).margin(1e-6));
  CHECK(stat_of(*wp.bad, "write_defects") == 1);
  CHECK(stat_of(*wp.bad, "reassigned") == 2);
  CHECK(stat_of(*wp.bad, "write_errors") == 0);
  CHECK(stat_of(*wp.bad, "media_errors") == 0);
  CHECK(wp.bad->faults().bad_blocks == std::vector<uint64_t>{lba + 100});  // the one outside stays bad
}

TEST_CASE("faults: AWRE off: the write retries, then CHECK CONDITION, MEDIUM ERROR 0Ch, and the block stays bad",
          "[faults][disk][awre]") {
  const uint64_t lba = 345600;
  DiskFaults f;
  f.bad_blocks = {lba + 3};
  f.awre = false;
  f.retries = 5;
  f.recover = 0;
  WritePair wp(f, lba);
  sc_core::sc_start(1, sc_core::SC_SEC);
  REQUIRE(wp.sb.t_read > 0);
  CHECK(wp.sg.w.status == 0);
  CHECK(scsi::status_byte(wp.sb.w.status) == scsi::kCheckCondition);
  CHECK(scsi::sense_key(wp.sb.w.status) == scsi::kSenseMediumError);
  CHECK(scsi::asc(wp.sb.w.status) == scsi::kAscWriteError);
  // It stops at block 3 and spends 5 revolutions on it (the good write's last
  // 5 sectors are well under 1 ms).
  const double rev = wp.p.revolution_s();
  CHECK(wp.sb.t_write - wp.sg.t_write > 5 * rev - 1e-3);
  CHECK(wp.sb.t_write - wp.sg.t_write < 5 * rev + 1e-3);
  CHECK(stat_of(*wp.bad, "write_errors") == 1);
  CHECK(stat_of(*wp.bad, "reassigned") == 0);
  CHECK(stat_of(*wp.bad, "retry_revolutions") == 5 + 5);  // the write's, then the read's
  // Still a defect: the read that follows meets it.
  CHECK(scsi::asc(wp.sb.r.status) == scsi::kAscUnrecoveredRead);
}

TEST_CASE("faults: grown defects with AWRE off on a write-back drive are refused (a deferred error is not modelled)",
          "[faults][disk][awre]") {
  DiskParams p = drive();
  p.fast_write_level = 1;
  Disk d("d", p);
  DiskFaults f;
  f.bad_blocks = {10};
  f.awre = false;
  CHECK_THROWS_WITH(d.set_faults(f, 1), Catch::Contains("write-through"));
  f.awre = true;
  CHECK_NOTHROW(d.set_faults(f, 1));
}
