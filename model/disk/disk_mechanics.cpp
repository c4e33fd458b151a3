#include "model/disk/disk_mechanics.hpp"

#include <algorithm>
#include <cmath>

namespace iosim {

double MediaPlan::ready_time(uint64_t k) const {
  for (const MediaRun& r : runs) {
    if (k < r.count) return r.t_start + (r.t_end - r.t_start) * double(k + 1) / double(r.count);
    k -= r.count;
  }
  return t_end;
}

double MediaPlan::done_time(uint64_t n) const {
  double t = t_begin;
  for (const MediaRun& r : runs) {
    if (n == 0) break;
    const uint64_t k = std::min<uint64_t>(n, r.count);
    t = std::max(t, r.t_start + (r.t_end - r.t_start) * double(k) / double(r.count));
    n -= k;
  }
  return t;
}

uint64_t MediaPlan::blocks_done(double t) const {
  uint64_t done = 0;
  for (const MediaRun& r : runs) {
    if (t >= r.t_end) { done += r.count; continue; }
    if (t > r.t_start) {
      const double per = (r.t_end - r.t_start) / double(r.count);
      done += std::min<uint64_t>(r.count, uint64_t((t - r.t_start) / per));
    }
    break;
  }
  return done;
}

HeadPos MediaPlan::head_at(double t, const HeadPos& start) const {
  HeadPos h = start;
  for (const MediaRun& r : runs) {
    if (t < r.t_start && t >= t_begin) {
      // Between runs (seeking / switching): the head is heading for r's track.
      return HeadPos{r.cyl, r.head};
    }
    h = HeadPos{r.cyl, r.head};
    if (t < r.t_end) return h;
  }
  return runs.empty() ? start : end;
}

double DiskMechanics::angle(double t) const {
  const double x = t / revolution();
  return x - std::floor(x);
}

double DiskMechanics::move_time(const HeadPos& from, const PhysAddr& to, bool write) const {
  const uint32_t d = from.cyl > to.cyl ? from.cyl - to.cyl : to.cyl - from.cyl;
  double m = 0;
  if (d > 0) m = std::max(seek(d), to.head != from.head ? p_->head_switch : 0.0);
  else if (to.head != from.head) m = p_->head_switch;
  // Writes need the head settled more precisely over the track (DiskSim:
  // "Add. write settling delay"), even after a head switch.
  if (write && m > 0) m += p_->write_settle;
  return m;
}

double DiskMechanics::access(const HeadPos& from, double t, const PhysAddr& to, bool write,
                             double* move_s, double* rotate_s) const {
  const double m = move_time(from, to, write);
  const double arrive = t + m;
  double w = l_->sector_angle(to) - angle(arrive);
  w -= std::floor(w);
  // Landing exactly on the sector (continuing a transfer): no extra revolution.
  if (w > 1.0 - 1e-7) w = 0;
  const double rot = w * revolution();
  if (move_s) *move_s = m;
  if (rotate_s) *rotate_s = rot;
  return arrive + rot;
}

MediaPlan DiskMechanics::plan(const HeadPos& from, double t, uint64_t lbn, uint64_t n, bool write) const {
  MediaPlan mp;
  mp.lbn = lbn;
  mp.count = n;
  mp.t_begin = t;
  HeadPos h = from;
  double now = t;
  uint64_t left = n, cur = lbn;
  bool first = true;
  while (left > 0) {
    const PhysAddr a = l_->to_phys(cur);
    const uint32_t bpt = l_->blocks_per_track(a.cyl);
    // Longest stretch of consecutive sectors on this track (slips break it).
    uint64_t len = std::min<uint64_t>(left, bpt - a.sector);
    while (len > 1) {
      const PhysAddr b = l_->to_phys(cur + len - 1);
      if (b.cyl == a.cyl && b.head == a.head && b.sector == a.sector + len - 1) break;
      len = std::max<uint64_t>(1, len / 2);
    }
    double mv = 0, rot = 0;
    const double start = access(h, now, a, write, &mv, &rot);
    const double st = sector_time(a.cyl);
    if (first && (write ? p_->zero_latency_write : p_->zero_latency_read)) {
      // The head lands d sectors past the stretch's first sector (0 < d <= bpt).
      // If whole sectors of the stretch lie ahead of it, start with them
      // (blocks k0.. of the stretch), then take blocks ..k0 on the next pass.
      const double d = double(bpt) - rot / st;
      const uint64_t k0 = uint64_t(std::ceil(d - 1e-9));
      if (d > 1e-9 && k0 < len) {
        const double arrive = start - rot;
        MediaRun front, back;
        front.lbn = cur;
        front.count = uint32_t(k0);
        back.lbn = cur + k0;
        back.count = uint32_t(len - k0);
        front.cyl = back.cyl = a.cyl;
        front.head = back.head = a.head;
        back.t_start = arrive + (double(k0) - d) * st;
        back.t_end = back.t_start + double(len - k0) * st;
        front.t_start = start;  // the stretch's first sector, next pass
        front.t_end = start + double(k0) * st;
        mp.seek_s = mv;
        mp.rotate_s = back.t_start - arrive;
        first = false;
        // Runs stay in LBN order (ready_time, blocks_done count a prefix).
        if (k0 > 0) mp.runs.push_back(front);
        mp.runs.push_back(back);
        h = HeadPos{a.cyl, a.head};
        now = k0 > 0 ? front.t_end : back.t_end;
        cur += len;
        left -= len;
        continue;
      }
    }
    if (first) { mp.seek_s = mv; mp.rotate_s = rot; first = false; }
    MediaRun r;
    r.lbn = cur;
    r.count = uint32_t(len);
    r.cyl = a.cyl;
    r.head = a.head;
    r.t_start = start;
    r.t_end = start + double(len) * st;
    mp.runs.push_back(r);
    h = HeadPos{a.cyl, a.head};
    now = r.t_end;
    cur += len;
    left -= len;
  }
  mp.end = h;
  mp.t_end = now;
  mp.transfer_s = now - t - mp.seek_s - mp.rotate_s;
  return mp;
}

} // namespace iosim
