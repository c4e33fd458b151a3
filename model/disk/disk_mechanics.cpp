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
    if (first) { mp.seek_s = mv; mp.rotate_s = rot; first = false; }
    MediaRun r;
    r.lbn = cur;
    r.count = uint32_t(len);
    r.cyl = a.cyl;
    r.head = a.head;
    r.t_start = start;
    r.t_end = start + double(len) * sector_time(a.cyl);
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
