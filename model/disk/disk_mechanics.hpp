#pragma once
// Disk mechanics, computed analytically (no per-sector events): seek, head
// switch, write settle, rotational latency from the platter's angle (a pure
// function of simulated time: the spindle never stops), media transfer at the
// zone's sector rate, track/cylinder switches inside a transfer.
#include "model/disk/disk_layout.hpp"
#include "model/disk/disk_params.hpp"

#include <cstdint>
#include <vector>

namespace iosim {

struct HeadPos {
  uint32_t cyl = 0, head = 0;
};

// One stretch of consecutive LBNs read or written in one pass over one track.
struct MediaRun {
  uint64_t lbn = 0;
  uint32_t count = 0;
  uint32_t cyl = 0, head = 0;
  double t_start = 0, t_end = 0;  // first sector begins / last sector ends under the head
};

// A transfer of consecutive LBNs between the media and the buffer.
struct MediaPlan {
  uint64_t lbn = 0, count = 0;
  std::vector<MediaRun> runs;
  HeadPos end;            // where the head is when the transfer ends
  double t_begin = 0;     // when positioning started
  double t_end = 0;       // when the last sector has passed under the head
  double seek_s = 0;      // time spent seeking / switching heads (first positioning)
  double rotate_s = 0;    // rotational latency before the first sector
  double transfer_s = 0;  // the rest: media transfer incl. switches inside it

  // Time block k (0-based within the plan) is complete in the buffer / on media.
  double ready_time(uint64_t k) const;
  // When the first n blocks are all complete (zero-latency access can finish
  // later blocks of a track before earlier ones).
  double done_time(uint64_t n) const;
  // Blocks complete at time t.
  uint64_t blocks_done(double t) const;
  // Where the head is at time t (t >= t_begin).
  HeadPos head_at(double t, const HeadPos& start) const;
};

class DiskMechanics {
public:
  DiskMechanics(const DiskParams& p, const DiskLayout& l) : p_(&p), l_(&l) {}

  double revolution() const { return p_->revolution_s(); }
  double seek(uint32_t distance) const { return seek_time(p_->seek, distance, p_->cylinders); }
  double sector_time(uint32_t cyl) const { return revolution() / l_->blocks_per_track(cyl); }
  // Platter angle at time t, in revolutions [0, 1).
  double angle(double t) const;
  // Seek (or head switch) from `from` to the target track, plus write settle.
  double move_time(const HeadPos& from, const PhysAddr& to, bool write) const;
  // Time at which the start of sector `to` passes under the head when the
  // move starts at time t; optionally splits into move and rotation parts.
  double access(const HeadPos& from, double t, const PhysAddr& to, bool write,
                double* move_s = nullptr, double* rotate_s = nullptr) const;
  // Transfer n consecutive blocks starting at lbn, head at `from` at time t.
  MediaPlan plan(const HeadPos& from, double t, uint64_t lbn, uint64_t n, bool write) const;

private:
  const DiskParams* p_;
  const DiskLayout* l_;
};

} // namespace iosim
