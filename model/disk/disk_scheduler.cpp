#include "model/disk/disk_scheduler.hpp"

#include <stdexcept>

namespace iosim {

size_t pick_next(SchedPolicy policy, const std::vector<SchedCandidate>& q, uint32_t head_cyl) {
  if (q.empty()) throw std::logic_error("pick_next on an empty queue");
  size_t best = 0;
  for (size_t i = 1; i < q.size(); ++i) {
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
