#pragma once
// The drive's on-board buffer: a few segments, each caching one run of
// consecutive blocks (DiskSim: "Number of buffer segments", "Segment size").
// A read miss fills a segment with the request and keeps reading ahead into
// it; a later read inside the segment is a hit, served without mechanics. With
// fast write, written data waits in a dirty segment until it is destaged.
// Read-ahead is lazy: a segment being filled holds the media plan, and its
// valid end at time t is computed from that plan.
#include "model/disk/disk_mechanics.hpp"

#include <cstdint>
#include <vector>

namespace iosim {

struct BufferSegment {
  uint64_t start = 0, end = 0;  // valid blocks [start, end) (read-ahead not yet counted)
  bool dirty = false;           // holds written data not yet on the media
  bool written = false;         // holds data that came from a write (dirty or destaged)
  uint64_t lru = 0;             // last use stamp
  bool filling = false;         // a media read into this segment is (or was) under way
  MediaPlan plan;               // that read: blocks [plan.lbn, plan.lbn + plan.count)
  HeadPos plan_from;            // head position when the plan started
};

class DiskBuffer {
public:
  enum class Lookup { Miss, Hit, Pending };  // Pending: read-ahead will bring it
  struct Result {
    Lookup kind = Lookup::Miss;
    int segment = -1;
  };

  DiskBuffer(uint32_t segments, uint32_t segment_blocks, uint32_t max_write_segments);

  uint32_t segment_blocks() const { return seg_blocks_; }
  BufferSegment& operator[](int i) { return segs_[size_t(i)]; }
  const BufferSegment& operator[](int i) const { return segs_[size_t(i)]; }
  int size() const { return int(segs_.size()); }

  // Valid end of segment i at time t, counting read-ahead progress.
  uint64_t valid_end(int i, double t) const;
  // Valid start at time t: a segment holds at most segment_blocks() blocks, so
  // read-ahead past that evicts the earliest ones (blocks kept from before the
  // request by "Read any free blocks" go first; issue 10).
  uint64_t valid_start(int i, double t) const;
  Result lookup(uint64_t lba, uint64_t n, double t) const;
  // Segment for a read miss: least recently used clean segment (-1 if all dirty).
  int alloc_read();
  // Segment for cached write data: appends to a dirty segment ending at lba
  // (DiskSim "Combine seq writes") or takes a clean one if fewer than the
  // write-segment limit are dirty; -1 when a destage must come first.
  int alloc_write(uint64_t lba, uint64_t n);
  // Oldest dirty segment, -1 if none.
  int oldest_dirty() const;
  // A segment's blocks no longer count as a hit source for reads: DiskSim
  // "Allow read hits on write data = 0" (set by the caller on write data).
  void set_read_hits_on_write_data(bool allow) { hits_on_write_ = allow; }
  // DiskSim "Use separate write segment": segment 0 takes write data only and
  // reads never use it (with a single segment the flag cannot apply).
  void set_separate_write_segment(bool on) { separate_ = on && segs_.size() > 1; }
  // Drop cached copies of [lba, lba+n) from every segment but `keep`.
  void invalidate(uint64_t lba, uint64_t n, int keep);
  void touch(int i) { segs_[size_t(i)].lru = ++stamp_; }

private:
  std::vector<BufferSegment> segs_;
  uint32_t seg_blocks_, max_write_;
  uint64_t stamp_ = 0;
  bool hits_on_write_ = true, separate_ = false;
};

} // namespace iosim
