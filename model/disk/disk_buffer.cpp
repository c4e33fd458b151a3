#include "model/disk/disk_buffer.hpp"

#include <algorithm>

namespace iosim {

DiskBuffer::DiskBuffer(uint32_t segments, uint32_t segment_blocks, uint32_t max_write_segments)
    : segs_(std::max<uint32_t>(segments, 1)), seg_blocks_(segment_blocks),
      max_write_(std::max<uint32_t>(1, std::min(max_write_segments, std::max<uint32_t>(segments, 1)))) {}

uint64_t DiskBuffer::valid_end(int i, double t) const {
  const BufferSegment& s = segs_[size_t(i)];
  if (!s.filling) return s.end;
  return std::max(s.end, s.plan.lbn + s.plan.blocks_done(t));
}

uint64_t DiskBuffer::valid_start(int i, double t) const {
  const uint64_t ve = valid_end(i, t), s = segs_[size_t(i)].start;
  return ve - s > seg_blocks_ ? ve - seg_blocks_ : s;
}

DiskBuffer::Result DiskBuffer::lookup(uint64_t lba, uint64_t n, double t) const {
  Result r;
  for (int i = 0; i < size(); ++i) {
    const BufferSegment& s = segs_[size_t(i)];
    if (s.written && !hits_on_write_) continue;  // the drive re-reads its own writes from the media
    if (lba < valid_start(i, t)) continue;
    const uint64_t ve = valid_end(i, t);
    if (lba + n <= ve) return Result{Lookup::Hit, i};
    // The read-ahead has reached (or is at) the first block and will bring the rest.
    if (s.filling && lba <= ve && lba + n <= s.plan.lbn + s.plan.count) r = Result{Lookup::Pending, i};
  }
  return r;
}

int DiskBuffer::alloc_read() {
  int best = -1;
  for (int i = separate_ ? 1 : 0; i < size(); ++i) {
    const BufferSegment& s = segs_[size_t(i)];
    if (s.dirty) continue;
    if (best < 0 || s.lru < segs_[size_t(best)].lru) best = i;
  }
  return best;
}

int DiskBuffer::alloc_write(uint64_t lba, uint64_t n) {
  if (separate_) {
    const BufferSegment& w = segs_[0];
    if (!w.dirty) return 0;
    return w.end == lba && w.end - w.start + n <= seg_blocks_ ? 0 : -1;
  }
  uint32_t dirty = 0;
  for (int i = 0; i < size(); ++i) {
    const BufferSegment& s = segs_[size_t(i)];
    if (!s.dirty) continue;
    ++dirty;
    if (s.end == lba && s.end - s.start + n <= seg_blocks_) return i;
  }
  if (dirty >= max_write_) return -1;
  return alloc_read();
}

int DiskBuffer::oldest_dirty() const {
  int best = -1;
  for (int i = 0; i < size(); ++i)
    if (segs_[size_t(i)].dirty && (best < 0 || segs_[size_t(i)].lru < segs_[size_t(best)].lru)) best = i;
  return best;
}

void DiskBuffer::invalidate(uint64_t lba, uint64_t n, int keep) {
  for (int i = 0; i < size(); ++i) {
    BufferSegment& s = segs_[size_t(i)];
    if (i == keep || s.dirty) continue;
    const uint64_t e = s.filling ? s.plan.lbn + s.plan.count : s.end;
    if (lba < e && s.start < lba + n) {
      s.start = s.end = 0;
      s.filling = false;
    }
  }
}

} // namespace iosim
