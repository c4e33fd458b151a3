#pragma once
// Picking the next command from the disk's tagged queue. A pure function so the
// policies can be tested on constructed queues.
//   FCFS: oldest first.
//   SSTF: shortest seek (fewest cylinders from the head) first, oldest on ties.
//   SPTF: shortest positioning time (seek + rotational latency from the head's
//         current position and the current time) first, oldest on ties.
#include "model/disk/disk_params.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace iosim {

struct SchedCandidate {
  uint64_t arrival = 0;      // arrival order (smaller = older)
  uint32_t cylinder = 0;     // target cylinder of the first block
  double positioning_s = 0;  // seek + rotational latency; needed by SPTF only
};

// Index of the candidate to serve next; q must not be empty.
size_t pick_next(SchedPolicy policy, const std::vector<SchedCandidate>& q, uint32_t head_cylinder);

} // namespace iosim
