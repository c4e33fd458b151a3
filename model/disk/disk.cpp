#include "model/disk/disk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/disk/disk_scheduler.hpp"

namespace iosim {

Disk::Disk(sc_core::sc_module_name name, const DiskParams& params)
    : sc_core::sc_module(name), link("link"), p_(params), layout_(p_), mech_(p_, layout_),
      buf_(p_.buffer_segments, p_.segment_blocks, p_.max_write_segments) {
  buf_.set_read_hits_on_write_data(p_.read_hits_on_write_data);
  buf_.set_separate_write_segment(p_.separate_write_segment);
  SC_HAS_PROCESS(Disk);
  SC_THREAD(run);
  busy_.trace(this->name(), "busy", 1);          // waveform (--vcd) only
  depth_.trace(this->name(), "queue_depth", 8);  // commands in the drive, queued + in service
}

double Disk::now() { return sc_core::sc_time_stamp().to_seconds(); }

void Disk::wait_until(double t) {
  const double d = t - now();
  if (d > 0) wait(sc_core::sc_time(d, sc_core::SC_SEC));
}

void Disk::command(IoRequest& req) {
  if (req.lba + req.blocks > layout_.capacity() || req.blocks == 0)
    throw std::out_of_range(std::string(name()) + ": request beyond capacity or empty");
  if (depth_.level() >= double(p_.queue_depth)) ++overflows_;  // initiator broke the tag limit
  queue_.push_back(Cmd{&req, arrivals_++});
  depth_.add(1);
  cmd_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Disk::run() {
  for (;;) {
    if (queue_.empty()) {
      const int d = buf_.oldest_dirty();
      if (d >= 0) {
        busy_.set(1);
        destage(d);
        busy_.set(0);
        continue;
      }
      wait(cmd_ev_);
      continue;
    }
    if (hung()) {
      // Stuck firmware: commands stay queued, nothing is served, nothing
      // destaged, until a reset or the end of the hang.
      hung_.set(1);
      if (faults_.hang_until_s == std::numeric_limits<double>::infinity()) wait(reset_ev_);
      else wait(sc_core::sc_time(faults_.hang_until_s - now(), sc_core::SC_SEC), reset_ev_);
      hung_.set(0);
      continue;
    }
    const size_t i = choose();
    IoRequest* r = queue_[i].req;
    queue_.erase(queue_.begin() + long(i));
    busy_.set(1);
    serve(*r);
    busy_.set(0);
  }
}

HeadPos Disk::head_at(double t) const {
  if (filling_seg_ >= 0) {
    const BufferSegment& s = buf_[filling_seg_];
    if (s.filling && t < s.plan.t_end) return s.plan.head_at(t, s.plan_from);
  }
  return head_;
}

size_t Disk::choose() {
  // The deque is in arrival order.
  if (queue_.size() == 1 || p_.scheduler == SchedPolicy::Fcfs) return 0;
  const double t = now();
  const double ts = std::max(t, mech_free_);
  const HeadPos h = head_at(ts);
  std::vector<SchedCandidate> cands;
  cands.reserve(queue_.size());
  for (const Cmd& c : queue_) {
    const PhysAddr a = layout_.to_phys(c.req->lba);
    SchedCandidate sc{c.arrival, a.cyl, 0, c.req->lba, c.req->blocks, c.req->is_read()};
    if (p_.scheduler == SchedPolicy::Sptf) {
      const DiskBuffer::Lookup k = sc.read ? buf_.lookup(sc.lba, sc.blocks, t).kind : DiskBuffer::Lookup::Miss;
      sc.positioning_s = k == DiskBuffer::Lookup::Hit       ? kSptfCachedWholeS
                         : k == DiskBuffer::Lookup::Pending ? kSptfCachedPendingS
                                                            : mech_.access(h, ts, a, !sc.read) - t;
    }
    cands.push_back(sc);
  }
  return pick_next(p_.scheduler, cands, h.cyl);
}

void Disk::set_faults(const DiskFaults& f, uint64_t seed) {
  // A write-back drive meeting a defect with AWRE off would owe a deferred
  // error (sense 71h), which is not modelled; the loader refuses the pair.
  if (!f.awre && !f.bad_blocks.empty() && p_.fast_write_level > 0)
    throw std::invalid_argument(std::string(name()) + ": grown defects with AWRE off need a write-through drive");
  faults_ = f;
  has_faults_ = f.any();  // faults_.any() may turn false as AWRE reassigns the defects
  fault_rng_ = Rng(seed, std::string(name()) + ".faults");
  if (faults_.any()) fault_events_.trace(name(), "fault_events", 16);  // --vcd: only drives with faults
  if (faults_.hang_at_s != std::numeric_limits<double>::infinity()) hung_.trace(name(), "hung", 1);
}

bool Disk::hung() const {
  if (hang_cleared_ || faults_.hang_at_s == std::numeric_limits<double>::infinity()) return false;  // the usual case
  const double t = now();
  return t >= faults_.hang_at_s && t < faults_.hang_until_s && !hang_cleared_;
}

void Disk::drop_all() {
  dropped_ += queue_.size();
  depth_.add(-double(queue_.size()));
  queue_.clear();
  if (current_ && !current_dropped_) {
    current_dropped_ = true;
    depth_.add(-1);
    ++dropped_;
  }
  reset_ev_.notify(sc_core::SC_ZERO_TIME);
}

// ABORT TASK / TARGET RESET are executed by the drive's firmware: a hung
// drive takes the message (its bus interface works) but never answers.
bool Disk::abort_task(const IoRequest& cmd) {
  if (hung()) { ++tm_ignored_; return false; }
  ++tm_answered_;
  if (&cmd == current_ && !current_dropped_) {
    current_dropped_ = true;
    depth_.add(-1);
    ++dropped_;
    return true;
  }
  for (auto it = queue_.begin(); it != queue_.end(); ++it)
    if (it->req == &cmd) {
      queue_.erase(it);
      depth_.add(-1);
      ++dropped_;
      break;
    }
  return true;  // not here (any more): FUNCTION COMPLETE all the same (SAM-2)
}

bool Disk::reset_target() {
  if (hung()) { ++tm_ignored_; return false; }
  ++tm_answered_;
  drop_all();
  return true;
}

// The RST signal resets the drive's SCSI interface in hardware, whatever its
// firmware does; with recover_on_reset the firmware restarts too.
void Disk::bus_reset() {
  ++bus_resets_;
  if (faults_.recover_on_reset && now() >= faults_.hang_at_s) hang_cleared_ = true;
  drop_all();
}

void Disk::serve(IoRequest& r) {
  // r may be reissued by its owner from inside its completion: read it first.
  const bool after_write = last_write_, is_read = r.is_read();
  current_ = &r;
  current_dropped_ = false;
  if (now() >= faults_.fail_at_s) serve_failed(r);
  else if (is_read) serve_read(r, after_write);
  else serve_write(r, after_write);
  last_write_ = !is_read;
  // A dropped command was taken off the depth by drop_all (or abort_task).
  if (!current_dropped_) {
    ++ios_;
    depth_.add(-1);
  }
  current_ = nullptr;
  current_dropped_ = false;
}

// A failed drive (DiskFaults::fail_at_s) still decodes the command and
// answers with CHECK CONDITION, NOT READY; no media access, no data.
void Disk::serve_failed(IoRequest& r) {
  wait_until(now() + p_.overheads.read_miss_after_read);
  if (current_dropped_) return;  // reset meanwhile: r is no longer this drive's
  r.status = scsi::check_condition(scsi::kSenseNotReady, scsi::kAscNotReady);
  ++not_ready_;
  fault_events_.add(1);
  bus_complete(r);
}

int64_t Disk::first_bad(uint64_t lba, uint64_t n, double t) {
  if (t < faults_.media_from_s) return -1;
  int64_t bad = -1;
  const auto& b = faults_.bad_blocks;
  auto it = std::lower_bound(b.begin(), b.end(), lba);
  if (it != b.end() && *it < lba + n) bad = int64_t(*it - lba);
  const double p = faults_.sector_probability;
  if (p > 0) {
    // Sectors read before the first unreadable one: geometric, one draw.
    const double u = fault_rng_.uniform01();
    const double g = p >= 1 ? 0 : std::floor(std::log1p(-u) / std::log1p(-p));
    if (g < double(n) && (bad < 0 || int64_t(g) < bad)) bad = int64_t(g);
  }
  return bad;
}

void Disk::stop_read_ahead(double t) {
  if (filling_seg_ < 0) return;
  BufferSegment& s = buf_[filling_seg_];
  if (s.filling) {
    if (t >= s.plan.t_end) {
      s.end = s.plan.lbn + s.plan.count;
      head_ = s.plan.end;
      mech_free_ = std::max(mech_free_, s.plan.t_end);
    } else {
      s.end = std::max(s.end, s.plan.lbn + s.plan.blocks_done(t));
      head_ = s.plan.head_at(t, s.plan_from);
      mech_free_ = std::max(mech_free_, t);
    }
    s.filling = false;
    s.start = std::max(s.start, s.end > buf_.segment_blocks() ? s.end - buf_.segment_blocks() : 0);
  }
  filling_seg_ = -1;
}

void Disk::send_read_data(IoRequest& r, const std::function<double(uint64_t)>& ready) {
  const uint64_t n = r.blocks;
  const uint64_t chunk = p_.max_burst_bytes ? std::max<uint64_t>(1, p_.max_burst_bytes / kSectorBytes) : n;
  const double ist = p_.interface_sector_time;
  for (uint64_t k0 = 0; k0 < n;) {
    const uint64_t k1 = std::min(n, k0 + chunk);
    // Reconnect late enough that, moving one sector per interface sector
    // time, the data phase never waits for the media (DiskSim: "Calc sector
    // by sector"). Checked block by block: a few hundred at most.
    double start = now();
    for (uint64_t k = k0; k < k1; ++k) start = std::max(start, ready(k) - double(k - k0) * ist);
    wait_until(start);
    bus_transfer(r, (k1 - k0) * kSectorBytes);
    k0 = k1;
  }
}

// A command dropped by a reset or an abort makes no more connections (and r
// may already be its owner's again: it is not touched).
void Disk::bus_transfer(IoRequest& r, uint64_t bytes) {
  if (current_dropped_) return;
  const double t0 = now();
  link->transfer(r.target, r, bytes);  // r.target: this drive's SCSI id (the initiator's)
  link_s_ += now() - t0;
}

void Disk::bus_complete(IoRequest& r) {
  if (current_dropped_) return;
  const double t0 = now();
  link->complete(r.target, r);
  link_s_ += now() - t0;
}

void Disk::serve_read(IoRequest& r, bool after_write) {
  const CommandOverheads& ov = p_.overheads;
  const double t0 = now();
  const uint64_t lba = r.lba, n = r.blocks;
  ++reads_;
  const DiskBuffer::Result lk = buf_.lookup(lba, n, t0);
  int used = lk.segment;
  if (lk.kind != DiskBuffer::Lookup::Miss) {
    ++read_hits_;
    buf_.touch(lk.segment);
    wait_until(t0 + (after_write ? ov.read_hit_after_write : ov.read_hit_after_read));
    if (lk.kind == DiskBuffer::Lookup::Pending) {
      const MediaPlan plan = buf_[lk.segment].plan;
      send_read_data(r, [&](uint64_t k) { return plan.ready_time(lba + k - plan.lbn); });
    } else {
      send_read_data(r, [](uint64_t) { return 0.0; });
    }
  } else {
    const double tm = t0 + (after_write ? ov.read_miss_after_write : ov.read_miss_after_read);
    stop_read_ahead(tm);
    int s = buf_.alloc_read();
    if (s < 0) {  // every segment holds dirty data: write one back first
      destage(buf_.oldest_dirty());
      s = buf_.alloc_read();
    }
    // Read-ahead fills the segment past the request (DiskSim "Maximum
    // read-ahead", "Read-ahead over requested"), never past the segment.
    uint64_t total = n;
    const uint64_t seg = buf_.segment_blocks();
    if (n < seg) {
      const uint64_t ra = p_.read_ahead_over_requested ? n + p_.read_ahead_blocks
                                                       : std::max<uint64_t>(n, p_.read_ahead_blocks);
      total = std::max<uint64_t>(n, std::min<uint64_t>(ra, seg));
    }
    if (p_.read_ahead_limit == ReadAheadLimit::None) {
      total = n;
    } else if (p_.read_ahead_limit != ReadAheadLimit::Segment) {
      // To the end of the track (or cylinder) holding the request's last block.
      const PhysAddr e = layout_.to_phys(lba + n - 1);
      const uint64_t bpt = layout_.blocks_per_track(e.cyl);
      uint64_t rest = bpt - e.sector - 1;
      if (p_.read_ahead_limit == ReadAheadLimit::Cylinder) rest += uint64_t(layout_.surfaces() - e.head - 1) * bpt;
      total = std::max<uint64_t>(n, std::min<uint64_t>(total, n + rest));
    }
    total = std::min<uint64_t>(total, layout_.capacity() - lba);
    // An unreadable block among the requested ones: the drive stops to
    // retry it, so no read-ahead past the request.
    const int64_t bad = faults_.any() ? first_bad(lba, n, tm) : -1;
    if (bad >= 0) total = n;
    // Read-ahead stops short of a grown defect (no retries for data nobody
    // asked for), so the defect is met by the read that asks for it.
    if (bad < 0 && total > n && !faults_.bad_blocks.empty()) {
      auto it = std::lower_bound(faults_.bad_blocks.begin(), faults_.bad_blocks.end(), lba + n);
      if (it != faults_.bad_blocks.end() && *it < lba + total) total = *it - lba;
    }
    const double ts = std::max(tm, mech_free_);
    const MediaPlan plan = mech_.plan(head_, ts, lba, total, false);
    buf_.invalidate(lba, total, s);
    BufferSegment& sg = buf_[s];
    sg.start = sg.end = lba;
    sg.written = false;
    if (p_.read_any_free_blocks) {
      // Sectors of the target track passing under the head while it waits
      // for the first requested one are read too (DiskSim "Read any free blocks").
      const PhysAddr a = layout_.to_phys(lba);
      const uint64_t passed = uint64_t(plan.rotate_s / mech_.sector_time(a.cyl));
      sg.start = lba - std::min<uint64_t>(passed, a.sector);
      // ... but none before it that is a grown defect.
      auto it = std::lower_bound(faults_.bad_blocks.begin(), faults_.bad_blocks.end(), lba);
      if (it != faults_.bad_blocks.begin() && *std::prev(it) >= sg.start) sg.start = *std::prev(it) + 1;
    }
    sg.filling = true;
    sg.plan = plan;
    sg.plan_from = head_;
    buf_.touch(s);
    filling_seg_ = s;
    head_ = plan.end;
    mech_free_ = plan.done_time(n);
    ++media_ops_;
    seek_s_ += plan.seek_s;
    rotate_s_ += plan.rotate_s;
    transfer_s_ += mech_free_ - (ts + plan.seek_s + plan.rotate_s);
    if (bad >= 0) {
      // Mode page 01h: re-read the sector once per revolution, up to
      // `retries` times; recovered on a retry drawn from 1..retries, or not.
      ++media_errors_;
      fault_events_.add(1);
      const int tries = std::max(0, faults_.retries);
      const bool rec = tries > 0 && faults_.recover > 0 && fault_rng_.uniform01() < faults_.recover;
      const uint64_t k = rec ? 1 + fault_rng_.below(uint64_t(tries)) : uint64_t(tries);
      const double extra = double(k) * mech_.revolution();
      retry_revs_ += k;
      sg.filling = false;  // the buffer holds what was read, nothing runs on
      filling_seg_ = -1;
      if (rec) {
        ++recovered_;
        sg.end = lba + n;
        mech_free_ += extra;
        send_read_data(r, [&](uint64_t j) { return plan.ready_time(j) + (int64_t(j) >= bad ? extra : 0.0); });
      } else {
        ++unrecovered_;
        sg.end = lba + uint64_t(bad);
        mech_free_ = plan.ready_time(uint64_t(bad)) + extra;
        wait_until(mech_free_);
        if (current_dropped_) return;
        r.status = scsi::check_condition(scsi::kSenseMediumError, scsi::kAscUnrecoveredRead);
        bus_complete(r);
        return;
      }
    } else {
      send_read_data(r, [&](uint64_t k) { return plan.ready_time(k); });
    }
    used = s;
  }
  // A FIFO segment drops what the host has taken; what lies ahead stays.
  if (p_.fifo_read_segments && !buf_[used].dirty) buf_[used].start = std::max(buf_[used].start, lba + n);
  bus_complete(r);
}

void Disk::serve_write(IoRequest& r, bool after_write) {
  const CommandOverheads& ov = p_.overheads;
  const double t0 = now();
  const uint64_t lba = r.lba, n = r.blocks;
  // Writes stop read-ahead (DiskSim "Write hit stop prefetch").
  stop_read_ahead(t0);
  if (p_.fast_write_level > 0 && n <= buf_.segment_blocks()) {
    int s = buf_.alloc_write(lba, n);
    const bool hit = s >= 0;
    const double o = hit ? (after_write ? ov.write_hit_after_write : ov.write_hit_after_read)
                         : (after_write ? ov.write_miss_after_write : ov.write_miss_after_read);
    if (!hit) {
      destage(buf_.oldest_dirty());
      s = buf_.alloc_write(lba, n);
    }
    const uint64_t bytes = r.bytes();
    wait_until(t0 + o);
    bus_transfer(r, bytes);
    BufferSegment& sg = buf_[s];
    if (sg.dirty) {
      sg.end = lba + n;  // appended to a sequential run of writes
    } else {
      sg.start = lba;
      sg.end = lba + n;
      sg.dirty = true;
      sg.filling = false;
      sg.written = true;
    }
    buf_.touch(s);
    buf_.invalidate(lba, n, s);
  } else {
    // Write-through: data in, then onto the media, then status.
    const uint64_t bytes = r.bytes();
    wait_until(t0 + (after_write ? ov.write_miss_after_write : ov.write_miss_after_read));
    bus_transfer(r, bytes);
    buf_.invalidate(lba, n, -1);
    if (write_media(lba, n) >= 0) {  // stopped at a grown defect, AWRE off
      if (current_dropped_) return;
      r.status = scsi::check_condition(scsi::kSenseMediumError, scsi::kAscWriteError);
    }
  }
  bus_complete(r);
}

void Disk::destage(int s) {
  if (s < 0) return;
  stop_read_ahead(now());
  BufferSegment& sg = buf_[s];
  // Never stops early: grown defects with AWRE off need a write-through
  // drive (set_faults), so a destage always ends written.
  if (write_media(sg.start, uint32_t(sg.end - sg.start)) >= 0)
    throw std::logic_error(std::string(name()) + ": a destage met a defect with AWRE off");
  buf_[s].dirty = false;  // the data stays cached for reads
}

int64_t Disk::first_defect(uint64_t lba, uint64_t n, double t) const {
  if (t < faults_.media_from_s) return -1;
  const auto& b = faults_.bad_blocks;
  auto it = std::lower_bound(b.begin(), b.end(), lba);
  return it != b.end() && *it < lba + n ? int64_t(*it - lba) : -1;
}

// Seek, rotate and write n blocks at lba once the mechanism is free. A grown
// defect in the range (DiskFaults::awre): reassigned, or the write stops there.
int64_t Disk::write_media(uint64_t lba, uint32_t n) {
  const double ts = std::max(now(), mech_free_);
  const HeadPos from = head_;
  const MediaPlan plan = mech_.plan(head_, ts, lba, n, true);
  ++media_ops_;
  seek_s_ += plan.seek_s;
  rotate_s_ += plan.rotate_s;
  const int64_t bad = first_defect(lba, n, ts);
  if (bad >= 0 && !faults_.awre) {
    // The write stops at the defect once every block before it is written
    // (a zero-latency write may reach the defect's sector first), retries it
    // whole revolutions, then gives up; the head stays where it stopped.
    const int tries = std::max(0, faults_.retries);
    const double t_stop = std::max(plan.ready_time(uint64_t(bad)), plan.done_time(uint64_t(bad)));
    transfer_s_ += t_stop - (ts + plan.seek_s + plan.rotate_s);
    head_ = plan.head_at(t_stop, from);
    retry_revs_ += uint64_t(tries);
    ++write_defects_;
    ++write_errors_;
    fault_events_.add(1);
    mech_free_ = t_stop + double(tries) * mech_.revolution();
    wait_until(mech_free_);
    return bad;
  }
  transfer_s_ += plan.transfer_s;
  head_ = plan.end;
  mech_free_ = plan.t_end;
  if (bad >= 0) {  // AWRE: every defect in the range goes to a spare, then is good
    ++write_defects_;
    fault_events_.add(1);
    auto& b = faults_.bad_blocks;
    const auto first = std::lower_bound(b.begin(), b.end(), lba);
    const auto last = std::lower_bound(first, b.end(), lba + n);
    const auto k = uint64_t(last - first);
    b.erase(first, last);
    reassigned_ += k;
    mech_free_ += double(k) * double(std::max(0, faults_.reassign_revs)) * mech_.revolution();
  }
  wait_until(mech_free_);
  return -1;
}

void Disk::reset_stats() {
  ios_ = reads_ = read_hits_ = media_ops_ = overflows_ = 0;
  media_errors_ = recovered_ = unrecovered_ = retry_revs_ = not_ready_ = 0;
  write_defects_ = reassigned_ = write_errors_ = 0;
  dropped_ = tm_answered_ = tm_ignored_ = bus_resets_ = 0;
  seek_s_ = rotate_s_ = transfer_s_ = link_s_ = 0;
  busy_.reset();
  depth_.reset();
}

void Disk::report(Stats& out, double window_s) const {
  const std::string n = name();
  const double ops = media_ops_ ? double(media_ops_) : 1.0;
  StatGroup g = out.group(n, "disk");
  g.add("ios", double(ios_), "count", StatKind::Counter, "commands completed");
  g.add("io_rate", window_s > 0 ? double(ios_) / window_s : 0, "1/s", StatKind::Rate, "commands completed per second");
  g.add("busy", busy_.mean() * 100, "%", StatKind::Fraction, "time serving a command or writing back");
  const double cmds = ios_ ? double(ios_) : 1.0;
  g.add("service_time", busy_.mean() * window_s / cmds * 1e3, "ms", StatKind::Distribution, "busy time per command (bus connections included)");
  g.add("bus_time", link_s_ / cmds * 1e3, "ms", StatKind::Distribution, "time per command in the bus connections it starts (data, status)");
  g.add("queue_depth", depth_.mean(), "count", StatKind::Level, "mean commands in the drive (queued + in service)");
  g.add("seek_time", seek_s_ / ops * 1e3, "ms", StatKind::Distribution, "mean seek per media access");
  g.add("rotation_time", rotate_s_ / ops * 1e3, "ms", StatKind::Distribution, "mean rotational latency per media access");
  g.add("transfer_time", transfer_s_ / ops * 1e3, "ms", StatKind::Distribution, "mean media transfer per media access");
  g.add("read_hit_ratio", reads_ ? 100.0 * double(read_hits_) / double(reads_) : 0, "%", StatKind::Fraction, "reads served from the buffer");
  g.add("queue_overflows", double(overflows_), "count", StatKind::Counter, "commands beyond the tagged queue limit");
  if (!has_faults_) return;  // only drives with faults injected report them
  g.add("media_errors", double(media_errors_), "count", StatKind::Counter, "media reads that met an unreadable sector");
  g.add("recovered", double(recovered_), "count", StatKind::Counter, "of those, recovered by the drive's retries");
  g.add("unrecovered", double(unrecovered_), "count", StatKind::Counter, "of those, ended in CHECK CONDITION, MEDIUM ERROR 11h");
  g.add("retry_revolutions", double(retry_revs_), "count", StatKind::Counter, "revolutions spent re-reading unreadable sectors (or, AWRE off, re-trying defective ones on writes)");
  g.add("write_defects", double(write_defects_), "count", StatKind::Counter, "media writes that met a grown defect");
  g.add("reassigned", double(reassigned_), "count", StatKind::Counter, "blocks reassigned to spare sectors by writes (AWRE)");
  g.add("write_errors", double(write_errors_), "count", StatKind::Counter, "writes ended in CHECK CONDITION, MEDIUM ERROR 0Ch (AWRE off)");
  g.add("not_ready", double(not_ready_), "count", StatKind::Counter, "commands answered CHECK CONDITION, NOT READY (failed drive)");
  g.add("dropped", double(dropped_), "count", StatKind::Counter, "commands dropped by ABORT TASK, TARGET RESET or a bus reset");
  g.add("tm_answered", double(tm_answered_), "count", StatKind::Counter, "task management functions answered (abort, target reset)");
  g.add("tm_ignored", double(tm_ignored_), "count", StatKind::Counter, "task management functions left unanswered (hung firmware)");
  g.add("bus_resets", double(bus_resets_), "count", StatKind::Counter, "RST signals seen");
}

} // namespace iosim
