#pragma once
// The order in which one disk's pending requests are dispatched: a scheduling
// policy behind one interface, used by the host's block layer (SyncDriver, one
// per member disk) and by the card's firmware (one backlog per member disk).
// DRAMSys keeps one interface header per policy kind (`*IF.h`) and a small file
// per policy; so does this: the policies are in io_sched_*.hpp.
//
// The holder of the queue calls add() when a request joins, next() while the
// device has room (nullptr: nothing may go now, either the queue is empty or a
// round barrier holds what is there), and completed() when a request it
// dispatched is back (round-based policies end a group/round on it).
//
// Policies:
//   elevator  Linux 2.4's one-way sweep by sector (C-LOOK): the next sector at
//             or above the last one dispatched, wrapping to the lowest
//             (the sync driver's default; byte-identical to its former multimap)
//   fifo      arrival order (the card firmware's default)
//   round     round-based service: each stream (IoRequest::origin) once per
//             round, the round's requests in ascending-sector order (one
//             C-SCAN sweep); a barrier: a request that arrives during a round,
//             or a stream's second request, waits for the next round, which
//             starts when the last request of this one has completed
//             (= gss with one group)
//   scan_edf  earliest deadline first; requests whose deadlines fall in the
//             same quantum are served in sweep order (Reddy & Wyllie, "Disk
//             scheduling in a multimedia I/O system", ACM Multimedia 1993);
//             no deadline (zero) sorts after every deadline
//   gss       grouped sweeping scheduling (Yu, Chen & Kandlur, "Grouped
//             sweeping scheduling for DASD-based multimedia storage
//             management", Multimedia Systems 1(3), 1993; NOSSDAV 1992):
//             streams are partitioned into g groups by origin mod g, the
//             groups are served in fixed order 0..g-1 each round, one
//             ascending-sector sweep per group, and a group starts when the
//             previous group's requests have all completed. g = 1 is `round`
//             (SCAN of the whole round); g >= the number of streams serves
//             one stream at a time in origin order (round-robin).
#include "model/common/enum_names.hpp"
#include "model/common/io_request.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>

namespace iosim {

enum class IoSchedKind : uint8_t { Elevator, Fifo, Round, ScanEdf, Gss };
template <> struct EnumNames<IoSchedKind> {
  static constexpr std::array<std::pair<IoSchedKind, const char*>, 5> table{
      {{IoSchedKind::Elevator, "elevator"},
       {IoSchedKind::Fifo, "fifo"},
       {IoSchedKind::Round, "round"},
       {IoSchedKind::ScanEdf, "scan_edf"},
       {IoSchedKind::Gss, "gss"}}};
};

struct IoSchedParams {
  IoSchedKind kind = IoSchedKind::Elevator;
  uint32_t gss_groups = 2;   // gss: groups g (Yu/Chen/Kandlur's g; a choice, no default in the paper)
  double edf_quantum_s = 0;  // scan_edf: deadlines in the same quantum are one class (0: equal deadlines only)
};

// Rounds a round-based policy (round, gss) has served on its disk: a round
// starts when its requests are picked from the queue and ends when the last
// of them has completed. Measured in the time the holder passes in (its
// local time when it dispatches / sees the completion).
struct RoundLog {
  uint64_t rounds = 0;        // rounds completed
  uint64_t requests = 0;      // requests in those rounds
  uint64_t bytes = 0;         // their bytes
  uint32_t max_streams = 0;   // most requests (= streams) in one round
  double sum_s = 0, max_s = 0;  // round time: sum and largest
  void reset() { *this = RoundLog{}; }
  double mean_s() const { return rounds ? sum_s / double(rounds) : 0; }
  // One round (or sweep) of n requests and `b` bytes that took t seconds.
  void add(uint32_t n, uint64_t b, double t) {
    ++rounds;
    requests += n;
    bytes += b;
    max_streams = std::max(max_streams, n);
    sum_s += t;
    max_s = std::max(max_s, t);
  }
  // Another log's rounds (several disks' logs into one report).
  void merge(const RoundLog& o) {
    rounds += o.rounds;
    requests += o.requests;
    bytes += o.bytes;
    max_streams = std::max(max_streams, o.max_streams);
    sum_s += o.sum_s;
    max_s = std::max(max_s, o.max_s);
  }
};

// The sweep-ordered policies (elevator, scan_edf) have no rounds; their
// sweeps are logged instead: a sweep ends when the head wraps (the next request
// lies below the end of the previous one), and its time runs from its first
// dispatch to the next sweep's first dispatch.
class SweepLog {
public:
  void dispatched(const IoRequest& r, uint64_t head_before, sc_core::sc_time now) {
    if (open_ && r.lba < head_before) {
      log.add(n_, bytes_, (now - start_).to_seconds());
      open_ = false;
    }
    if (!open_) { open_ = true; start_ = now; n_ = 0; bytes_ = 0; }
    ++n_;
    bytes_ += r.bytes();
  }
  RoundLog log;

private:
  bool open_ = false;
  sc_core::sc_time start_;
  uint32_t n_ = 0;
  uint64_t bytes_ = 0;
};

class IoSchedIf {
public:
  virtual ~IoSchedIf() = default;
  virtual void add(IoRequest& r) = 0;
  // The next request to dispatch at time `now`, removed from the queue; nullptr
  // when the queue is empty or a barrier holds every waiting request.
  virtual IoRequest* next(sc_core::sc_time now) = 0;
  // A request this queue dispatched has completed (before it is released).
  virtual void completed(IoRequest&, sc_core::sc_time) {}
  virtual size_t waiting() const = 0;
  // Rounds (round, gss) or sweeps (elevator, scan_edf); nullptr for fifo.
  virtual const RoundLog* rounds() const { return nullptr; }
  virtual void reset_stats() {}
};

std::unique_ptr<IoSchedIf> make_io_sched(const IoSchedParams& p);

}  // namespace iosim
