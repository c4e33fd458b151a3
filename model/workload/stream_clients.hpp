#pragma once
// Streaming clients (the paper's purpose, BRIEF.md "Problem"): N clients, each
// reading one block per period from its own place on the RAID0 volume, and
// every read due by a deadline. Read k of a stream that starts at s is
// released at s + k T and due at s + (k + b) T: the client holds b periods of
// data, so the block for period k must be in its buffer before it is played.
//
// Two ways to issue, one per host I/O stack:
//  - blocking (sync path): a host process per stream; it sleeps until its
//    next release, issues one blocking read, and is woken by the bottom half.
//    A late read delays the stream's next issue (it is issued at once).
//    Or (pool > 0) a fixed pool of processes serving every stream's released
//    reads earliest deadline first, each blocking on its read; a stream's
//    next read is released only after its previous one is back.
//  - issuers (the paper's card): `issuers` processes, stream i served by
//    process i mod issuers; each sleeps until the earliest release of its
//    streams, submits every read that is due, and never waits for a read
//    (except on a full request ring, as AsyncProcesses).
// Each read carries IoRequest::deadline (for deadline-ordered schedulers) and
// IoRequest::origin = the stream's slot.
//
// Stream arrivals (optional, arrival_rate > 0) are a Poisson process with
// exponential durations. Who plays when does not depend on the I/O, so every
// slot's sessions (start, end) are drawn at construction for the whole run
// (admission: at most `count` at once, an arrival finding every slot busy is
// rejected; the server's own accept costs are not modelled).
//
// Links: `stack` (HostIoIf); completions arrive as the stack's IoDoneIf.
#include "model/common/enum_names.hpp"
#include "model/common/io_pool.hpp"
#include "model/common/rng.hpp"
#include "model/host/host_io_if.hpp"
#include "model/workload/io_tally.hpp"

#include <limits>
#include <queue>
#include <set>
#include <unordered_map>
#include <vector>

namespace iosim {

// Start phase of the streams present at time 0: stream i of N at i T / N, or
// uniform in [0, T).
enum class StreamPhase { Staggered, Random };
template <> struct EnumNames<StreamPhase> {
  static constexpr std::array<std::pair<StreamPhase, const char*>, 2> table{
      {{StreamPhase::Staggered, "staggered"}, {StreamPhase::Random, "random"}}};
};
// Where a stream's blocks are: one contiguous extent per stream (a file laid
// out in order), or every block at a random aligned place.
enum class StreamPlacement { Contiguous, Scattered };
template <> struct EnumNames<StreamPlacement> {
  static constexpr std::array<std::pair<StreamPlacement, const char*>, 2> table{
      {{StreamPlacement::Contiguous, "contiguous"}, {StreamPlacement::Scattered, "scattered"}}};
};
// Block size per period: constant (CBR), or drawn per read (VBR) uniform on
// mean (1 +- spread), or normal with sd = spread x mean, clamped to
// [512 B, 2 x mean]; always rounded up to whole 512 B sectors.
enum class StreamSizeDist { Constant, Uniform, Normal };
template <> struct EnumNames<StreamSizeDist> {
  static constexpr std::array<std::pair<StreamSizeDist, const char*>, 3> table{
      {{StreamSizeDist::Constant, "constant"}, {StreamSizeDist::Uniform, "uniform"}, {StreamSizeDist::Normal, "normal"}}};
};

struct StreamParams {
  int count = 16;                    // concurrent streams (with arrivals: the most admitted at once)
  uint64_t block_bytes = 0;          // mean block per period, whole sectors (bitrate x period, rounded up)
  double period_s = 1.0;             // T
  int buffer_periods = 1;            // b: read k due at the end of period k + b - 1
  StreamPhase phase = StreamPhase::Staggered;
  StreamPlacement placement = StreamPlacement::Contiguous;
  StreamSizeDist size_dist = StreamSizeDist::Constant;
  double size_spread = 0;            // uniform: half-width / mean; normal: sd / mean
  double arrival_rate = 0;           // streams/s; 0: `count` streams play for the whole run
  double mean_duration_s = 0;        // mean stream duration with arrivals (exponential)
  uint64_t align_bytes = 4096;       // start offsets (workload.align)
  int pool = 0;                      // sync path: 0 = a process per stream; P = P processes, earliest deadline first
};

class StreamClients : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<HostIoIf> stack;

  // blocking: a process per stream, blocking reads (sync); else `issuers`
  // processes that never wait for a read (the paper's card). horizon_s: the
  // end of warm-up + window (no stream arrives after it).
  StreamClients(sc_core::sc_module_name name, HostOs& os, const StreamParams& p, uint64_t capacity_blocks,
                bool blocking, int issuers, uint64_t seed, double horizon_s, RequestLedger& ledger,
                uint64_t buffer_base = 0x40000000);
  void start();
  void stop() { stopping_ = true; }

  void io_done(CpuCtx& c, IoRequest& req) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

  uint64_t max_block_bytes() const { return max_block_; }

private:
  struct Session { double start, end; };  // end: +inf for a stream that plays for the whole run
  struct Slot {
    std::vector<Session> sessions;
    size_t s = 0;         // session of the next read
    uint64_t k = 0;       // index of the next read in it
    uint64_t lba = 0;     // contiguous placement: where the next read starts
    Rng rng;
    Task* task = nullptr; // blocking: this stream's process
    IoRequest req;        // blocking: its one request
    uint64_t in_flight_key = 0;
  };
  struct Release {
    double t;
    size_t slot;
    bool operator>(const Release& o) const { return t != o.t ? t > o.t : slot > o.slot; }
  };
  using Heap = std::priority_queue<Release, std::vector<Release>, std::greater<Release>>;

  static uint64_t key(size_t slot, size_t session, uint64_t k) { return (uint64_t(slot) << 44) | (uint64_t(session) << 24) | k; }
  double release_s(const Slot& s) const { return s.sessions[s.s].start + double(s.k) * p_.period_s; }
  double deadline_s(const Session& ss, uint64_t k) const { return ss.start + double(k + uint64_t(p_.buffer_periods)) * p_.period_s; }
  bool has_next(Slot& s) const;  // moves to the next session when this one has no more reads
  void fill(Slot& s, size_t slot, IoRequest& r);
  void next_read(CpuCtx& c, size_t i);  // blocking
  void issue_blocking(CpuCtx& c, size_t i);
  void resume(CpuCtx& c, size_t i);
  void run_issuer(CpuCtx& c, size_t p);  // issuers
  void pool_next(CpuCtx& c, size_t p);   // blocking pool
  void pool_resume(CpuCtx& c, size_t p);
  void pool_release_due();
  void completed(uint64_t k, IoRequest& r);

  HostOs& os_;
  StreamParams p_;
  bool blocking_;
  uint64_t cap_, align_, slots_on_volume_, mean_blocks_, max_block_;
  uint64_t buffer_base_, next_buf_ = 0;
  std::vector<Slot> slots_;
  std::vector<Task*> issuers_;
  std::vector<Heap> heaps_;
  // blocking pool: releases to come, released reads by deadline, the
  // processes, their requests and reads in flight, who sleeps until when.
  struct PoolProc { Task* task; IoRequest req; uint64_t key; size_t slot; };
  Heap future_, ready_;                       // ready_: t = deadline
  std::vector<PoolProc> pool_procs_;
  std::vector<size_t> idle_;
  std::unordered_map<const IoRequest*, size_t> pool_index_;  // request -> its process
  std::multiset<sc_core::sc_time> sleepers_;
  IoPool pool_;
  std::unordered_map<const IoRequest*, uint64_t> in_flight_;  // issuers: request -> key(slot, session, k)
  std::unordered_map<uint64_t, sc_core::sc_time> done_at_;    // key -> completion time, deadlines >= window start
  std::vector<double> rejected_at_;                           // arrivals turned away (s)
  std::vector<double> startup_;                               // first block of a session: start -> completion (s)
  double w0_ = 0;                                             // window start (s)
  bool stopping_ = false;
};

} // namespace iosim
