#pragma once
// Closed-form figures of continuous-media disk scheduling (issue 9): the
// longest a round can take on one disk, the buffer a stream needs and the
// startup latency, for the round-based policies of io_sched.hpp.
//
// Round time. n requests of `bytes` each served in one ascending sweep
// (C-SCAN) take at most
//   T(n) = seek(C)                              head to the first request
//        + (n-1) seek(ceil(C / (n-1)))          the sweep's n-1 hops
//        + n [ overhead + revolution + media(bytes) + bus_tail(bytes) + path ]
// The n-1 hops of one sweep cover at most the C cylinders of the disk; the
// seek curve t(d) = a + b (d/C)^c with c < 1 is concave, so by Jensen their
// sum is largest when the hops are equal (the usual argument, e.g. Gemmell,
// Vin, Kandlur, Rangan & Rowe, "Multimedia storage servers: a tutorial",
// IEEE Computer 28(5), 1995). Each request waits at most one revolution for
// its first sector (no rotational ordering assumed), transfers at the
// innermost (slowest) zone's rate with a switch at each track boundary it may
// cross, and after its last sector sends at most one burst (max_burst, or the
// whole request) over the bus. `overhead` is the disk's command overhead;
// `path` is the caller's per-command cost outside the disk (bus phases),
// charged serially: an upper bound, overlap only makes rounds shorter.
//
// GSS with g groups: each group is one sweep of ceil(n/g) requests, so a
// round takes at most g T(ceil(n/g)) (Yu, Chen & Kandlur, Multimedia Systems
// 1(3), 1993).
//
// Buffer. A stream's block for the next round is read while the previous one
// is being consumed. With SCAN (round) the service order inside a round is
// free, so a stream needs 2 blocks (2 periods' data); with g groups served in
// fixed order its block is held only from its group's sweep, and it needs
// (1 + 1/g) blocks: B_GSS = (1 + 1/g) k Q for k streams of Q bytes vs 2 k Q
// for SCAN (Yu/Chen/Kandlur 1993; restated as eq. 3.8 in J. Y. B. Lee,
// "Scalable Continuous Media Streaming Systems", Wiley 2005).
//
// Startup latency. A stream whose first request arrives just after a round
// started waits for that round, and then for its own group in the next one,
// which may be the last: at most 2 rounds.
#include "model/disk/disk_params.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace iosim {

struct RoundLog;
struct IoSchedParams;
class Stats;

struct CmDiskBound {
  SeekModel seek;              // the disk's seek curve
  uint32_t cylinders = 0;      // 0: no disk described (no bound reported)
  double revolution_s = 0;
  uint32_t min_blocks_per_track = 0;  // innermost zone
  double switch_s = 0;         // one track boundary inside a transfer: head switch or 1-cylinder seek, plus skew
  double overhead_s = 0;       // disk command overhead (read miss)
  double bus_sector_s = 0;     // bus time per sector (DiskSim bulk sector transfer time)
  uint64_t burst_bytes = 0;    // data per reconnection (0: whole request)
  double path_s = 0;           // per command outside the disk, charged serially (caller's figure)

  // From a disk's parameters (zones filled) and the per-command path cost.
  static CmDiskBound of(const DiskParams& d, double path_s);
  bool valid() const { return cylinders > 0 && min_blocks_per_track > 0; }
  // One request's service excluding the positioning seek.
  double per_request_s(uint64_t bytes) const;
  // T(n): n requests of `bytes` each in one sweep.
  double sweep_s(uint32_t n, uint64_t bytes) const;
  // g groups: g T(ceil(n/g)); g = 1 is T(n).
  double round_s(uint32_t n, uint64_t bytes, uint32_t groups) const;
};

// Blocks of buffer a stream needs with g groups: 1 + 1/g (2 for SCAN rounds).
inline double gss_buffer_blocks(uint32_t groups) { return 1.0 + 1.0 / double(groups ? groups : 1); }

// A queue holder's (a driver's or the card firmware's) scheduling statistics,
// summed over its disks' logs (nullptr entries skipped): rounds (round, gss)
// or sweeps (elevator, scan_edf) and their time mean/max, and for round/gss
// the closed-form round-time bound, buffer requirement and startup latency at
// the largest round seen.
void report_io_sched(Stats& out, const std::string& path, const IoSchedParams& p,
                     const std::vector<const RoundLog*>& logs, const CmDiskBound& b, double window_s);

}  // namespace iosim
