#include "model/disk/disk_scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace iosim {

namespace {

// For SPTF: false for a read that continues another queued read (it starts
// inside or right at the end of one with a smaller block, or the same block
// and an earlier arrival). The read first in (lba, arrival) order always stays
// eligible, so the set is never empty. Sorting keeps this O(n log n).
std::vector<bool> stream_heads(const std::vector<SchedCandidate>& q) {
  std::vector<bool> head(q.size(), true);
  std::vector<size_t> reads;
  for (size_t i = 0; i < q.size(); ++i)
    if (q[i].read) reads.push_back(i);
  std::sort(reads.begin(), reads.end(), [&](size_t a, size_t b) {
    return q[a].lba < q[b].lba || (q[a].lba == q[b].lba && q[a].arrival < q[b].arrival);
  });
  uint64_t reach = 0;  // furthest end of the reads before, in lba order
  for (size_t k = 0; k < reads.size(); ++k) {
    const SchedCandidate& c = q[reads[k]];
    if (k > 0 && c.lba <= reach) head[reads[k]] = false;
    reach = k == 0 ? c.lba + c.blocks : std::max(reach, c.lba + c.blocks);
  }
  return head;
}

} // namespace

size_t pick_next(SchedPolicy policy, const std::vector<SchedCandidate>& q, uint32_t head_cyl) {
  if (q.empty()) throw std::logic_error("pick_next on an empty queue");
  std::vector<bool> eligible;
  if (policy == SchedPolicy::Sptf) eligible = stream_heads(q);
  size_t best = q.size();
  for (size_t i = 0; i < q.size(); ++i) {
    if (!eligible.empty() && !eligible[i]) continue;
    if (best == q.size()) { best = i; continue; }
    const SchedCandidate& a = q[i];
    const SchedCandidate& b = q[best];
    bool better = false;
    switch (policy) {
      case SchedPolicy::Fcfs:
        better = a.arrival < b.arrival;
        break;
      case SchedPolicy::Sstf: {
        const uint32_t da = a.cylinder > head_cyl ? a.cylinder - head_cyl : head_cyl - a.cylinder;
        const uint32_t db = b.cylinder > head_cyl ? b.cylinder - head_cyl : head_cyl - b.cylinder;
        better = da < db || (da == db && a.arrival < b.arrival);
        break;
      }
      case SchedPolicy::Sptf:
        better = a.positioning_s < b.positioning_s ||
                 (a.positioning_s == b.positioning_s && a.arrival < b.arrival);
        break;
    }
    if (better) best = i;
  }
  return best;
}

} // namespace iosim
