#pragma once
// One PCI / PCI-X bus segment as a TLM-2.0 interconnect (loosely timed,
// blocking transport). Masters (host bridge for CPU PIO, the I/O card's DMA
// engine, LSI 53C1030 HBAs) bind their initiator sockets to `tsock`; targets
// (host memory behind the host bridge, the card's memory window) are bound to
// `isock` and given address ranges with map().
//
// The bus carries one transaction at a time. A master's b_transport blocks its
// SC_THREAD for arbitration (FIFO among waiting masters), the address /
// attribute / decode phases, the target's initial wait states, one data phase
// per bus word and the closing turnaround cycle. Bursts are cut at 4 KB
// boundaries; each piece re-arbitrates. Reads the target cannot answer within
// 16 clocks release the bus: PCI-X as a split transaction (the completer later
// arbitrates for a split completion carrying the data), conventional PCI as a
// delayed transaction (the master retries until the data is ready).
//
// Everything is event-driven: time jumps from one bus clock edge to another,
// no sc_clock. Targets see addresses relative to their mapped base. A target's
// b_transport is called at the edge where the data phases start (after the
// address / attribute / decode phases): written bytes are visible from then,
// read bytes are sampled then; the delay it returns is its initial latency
// (wait states; > 16 clocks turns a read into a split / delayed transaction).
// A target may disconnect a write early through the PciDisconnect extension.
//
// Tenure chains: a DMA (or any transfer) is a chain of pieces, each its own
// bus transaction, and FIFO arbitration interleaves the chains of masters that
// contend. When the targets allow calls ahead of time (PciAheadTarget,
// pci_chain.hpp) and no VCD is being written, the bus computes that sequence
// in one go when a master is granted: its pieces and those of every master
// already waiting, each master asking again at the end of its piece, a master
// alone re-arbitrating on the idle bus; up to kHorizon pieces per plan. Each
// master's thread then waits once, until its transfer is done; the master of
// the plan's last piece releases the bus. A master asking for the bus meanwhile
// cuts the plan where FIFO arbitration grants it, at the end of the piece in
// flight (or ending exactly then): the pieces planned after it are taken back
// from the targets and planned again once the queue gets there. Statistics of
// planned pieces count when simulated time reaches them, so results are those
// of one activation per piece. Pieces a plan cannot foresee (split / delayed
// reads, aborts, targets without PciAheadTarget) run one wait at a time.
// The VCD's grant lines are scheduled when a plan is made; where a cut takes
// pieces back they may show a zero-width glitch.
//
// Release at the end: when the last piece of a b_transport is a transaction
// the target answered in time, the bus returns at the claim edge (after the
// target's call) with the time to the transaction's end as the TLM `delay`,
// and releases itself at that end without an activation of its own: a master
// already waiting (or arriving before the end) is woken at the end with the
// bus handed over; otherwise the bus is free for whoever asks at or after the
// end, and its statistics count the transaction once simulated time reaches
// the end (settle()). The initiator
// must honour the delay before it next uses the bus (PciMaster does: a PIO
// read adds it to the bridge's return half, the posting thread to its wait
// for the next write), so one thread wait is saved per such transaction.
// Masters waiting are handed the bus at the same edge as when the
// initiator's thread woke at the end and released it.
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/pcix/pci_chain.hpp"
#include "model/pcix/pcix_params.hpp"
#include "model/stats/stats.hpp"

namespace iosim {

class PcixBus : public sc_core::sc_module, public Reporter {
public:
  tlm_utils::multi_passthrough_target_socket<PcixBus> tsock;     // masters bind here (index = bind order)
  tlm_utils::multi_passthrough_initiator_socket<PcixBus> isock;  // targets (index = bind order)

  PcixBus(sc_core::sc_module_name name, const PcixBusParams& p = {});

  // Bus addresses [base, base+size) go to the target bound at isock index
  // `target`. Overlapping ranges throw std::invalid_argument.
  void map(int target, uint64_t base, uint64_t size, std::string name);
  // Names used in reports ("cpu", "card", "hba0"); default "m<index>".
  void name_master(int master, std::string name);

  const PcixBusParams& params() const { return p_; }
  sc_core::sc_time cycles(uint64_t n) const { return sc_core::sc_time(double(n) / p_.clock_hz, sc_core::SC_SEC); }

  // Measured since the last reset_stats().
  struct MasterStats {
    uint64_t bytes = 0, transactions = 0, errors = 0, splits = 0, retries = 0;
    double arb_wait_s = 0;  // sum over arbitrations (request to first address clock)
    uint64_t arbitrations = 0;
  };
  const MasterStats& master_stats(int master) const;
  double busy_seconds() const { settle(); return busy_s_; }
  // Tenure chains planned / cut short by another master (see above).
  uint64_t chains() const { return chains_; }
  uint64_t chain_cuts() const { return chain_cuts_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Mapping { int target; uint64_t base, size; std::string name; };
  struct Waiter;
  // One transfer in progress (lives in move()'s frame while its master's
  // thread is in the bus).
  struct Job {
    int master;
    tlm::tlm_generic_payload* gp;
    const Mapping* m;
    uint64_t off, len, burst;  // bytes [off, off + len) of gp, cut every `burst`
    uint64_t at;               // next offset to move
    uint64_t req_t = 0;        // when it last asked for the bus (ticks)
    Waiter* w = nullptr;       // while its thread sleeps in the bus
    bool release = false;      // wakes at the plan's last piece: ends the plan
  };
  struct Waiter {
    sc_core::sc_event granted;
    Waiter* next = nullptr;
    Job* job = nullptr;        // null: a request the plan cannot foresee (abort, split completion)
    enum State : uint8_t { Queued, Planned, Granted } st = Queued;
    bool in_plan = false;      // put in the queue by the live plan (not a newcomer)
  };
  // One planned piece. Times are edges; *_t are in kernel ticks (ps).
  struct Piece {
    int mem;            // member of the plan that moves it
    uint64_t arb_t;     // when its arbitration is counted (its grant)
    uint64_t req_t;     // when its master asked for the bus
    uint64_t k0, ke;    // grant (first address clock) and end edges; [k0, ke) is busy
    uint64_t claim_t, end_t;
    uint64_t bytes;     // counted as moved
    uint64_t next;      // transfer offset after this piece
    PciAheadTarget* target;
    PciAheadTarget::Mark mark;  // target state before this piece's call
    uint8_t stage;      // statistics applied: 1 arbitration, 2 + transaction, 3 + busy time
  };
  struct Member {
    Job* job;           // not to be touched once `gone`
    Waiter* w;
    int master;
    uint64_t at0, req0; // progress and request time when the plan started
    bool gone;          // its thread has left the bus
  };
  // The masters' tenure chains, interleaved as FIFO arbitration interleaves them.
  struct Plan {
    bool live = false;
    std::vector<Piece> pieces;    // [0, n) still happen; capacity is kept
    std::vector<Member> members;
    std::vector<Waiter*> stop_queue;  // FIFO order where the plan stops (last piece's owner excluded)
    size_t n = 0, settled = 0;    // pieces before `settled` are fully counted
  };
  void end_of_elaboration() override;
  void b_transport(int master, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(int master, tlm::tlm_generic_payload& gp);

  const Mapping* decode(uint64_t addr, uint64_t len) const;
  // Bytes [off, off+len) of gp (bus addresses) to mapping m, cut into pieces at
  // 4 KB, every `burst` bytes from the payload start (0: no such cut) and where
  // the target disconnects. False on an error (gp's status set).
  // `rest` non-null: the caller takes the time to the end of the last piece
  // as its TLM delay, and the bus releases itself then (see above).
  bool move(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len, uint64_t burst,
            sc_core::sc_time* rest = nullptr);
  // Payload for the piece at `at` (transfer offset) of `n` bytes.
  tlm::tlm_generic_payload& piece_payload(int master, tlm::tlm_generic_payload& gp, uint64_t at, uint64_t n,
                                          uint64_t burst, uint64_t base);
  // Plans the job's pieces from its grant at edge k0 on, interleaved with the
  // waiting masters' (FIFO), and sleeps: returns false if the job's first piece
  // cannot be planned, else true once the job is done or granted the bus again
  // (*k0 then holds the new grant edge).
  // 0: not planned; 1: done; 2: granted again at k0; 3: must ask again.
  int run_plan(Job& job, uint64_t& k0);
  void cut_plan();      // a master asks for the bus while a plan is live
  void end_plan();      // the plan's last piece has ended: release the bus
  void settle() const;  // apply planned pieces' statistics up to simulated time
  Waiter* take_waiter();
  void enqueue(Waiter* w);
  // Sleeps until granted, or until a plan wakes it: its job done, or the plan
  // stopped after its piece (it must ask again).
  enum class Turn { Granted, Done, Again };
  Turn wait_turn(Waiter* w);
  uint64_t grant(int master, uint64_t t_req, bool idle);  // grant edge; arbitration statistics
  // Pieces per plan at most: a master arriving mid-plan makes the bus plan the
  // pieces after its grant again, so a long horizon wastes work under
  // contention; 64 pieces (32 KB of 512 B disconnects) keep that small while
  // a 1 MiB DMA still takes a few dozen activations instead of thousands.
  static constexpr size_t kHorizon = 64;
  // One bus transaction granted at edge k0; returns the bytes moved (fewer if the target disconnected).
  // With `rest`, a transaction that moves at least `remain` bytes and ends in time returns at the
  // claim edge with *rest set to the time left to its end; the bus is released then (lazily, see above).
  uint64_t transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr, uint64_t k0,
                       uint64_t remain = 0, sc_core::sc_time* rest = nullptr);
  void hand_at_end();     // a deferred release: the first waiter is granted the bus at its end
  void release_due();     // a deferred release whose end has come: the bus free unless handed over
  void master_abort(int master);

  // Arbitration: returns the clock edge at which the winner drives FRAME#, or
  // kByPlan when a plan moved the rest of `job` meanwhile.
  static constexpr uint64_t kByPlan = ~uint64_t(0);
  uint64_t acquire(int master, Job* job = nullptr);
  // Caller is at time_of(end); [start, end) counts as busy.
  void release(uint64_t start, uint64_t end);
  void hand_over();  // the bus to the first waiter, or idle
  // Edges and kernel ticks (the time resolution, 1 ps): integer arithmetic when
  // the clock period is a whole number of ticks (every preset), else the
  // floating-point conversion the bus always used.
  uint64_t ticks_of(uint64_t edge) const;
  uint64_t edge_at_or_after(uint64_t t) const;
  sc_core::sc_time time_of(uint64_t edge) const { return cycles(edge); }
  void wait_edge(uint64_t edge);
  uint64_t ceil_cycles(const sc_core::sc_time& d) const;
  MasterStats& ms(int master);
  void trace_grant(int master, uint64_t k);  // to the VCD, if one is being written
  void vcd_piece(int master, uint64_t k0_t, uint64_t end_t, bool open);  // a planned piece's grant lines
  void vcd_hold(int master, uint64_t from_t, uint64_t to_t);  // lines up again where a cut left them idle
  void wait_busy(int master, uint64_t k0, uint64_t edge);     // wait_edge, the bus held since k0
  std::vector<uint64_t> vcd_stale_;  // ticks where a cut scheduled idle lines

  PcixBusParams p_;
  uint64_t period_t_ = 0;  // clock period in ticks if whole, else 0
  std::vector<Mapping> map_;
  std::vector<std::string> master_names_;
  mutable std::vector<MasterStats> stats_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> sub_;  // one reused piece payload per master
  std::vector<PciAheadTarget*> ahead_;  // per target, once it said so
  bool owned_ = false;
  // A deferred release: the transaction [rel_k0_, rel_k_) whose master took the rest as its delay.
  uint64_t rel_k0_ = 0, rel_k_ = 0;
  uint64_t rel_t_ = 0;         // when (ticks): the end, or later if the target held the master longer
  bool rel_open_ = false;      // the bus is released at rel_k_ (not yet applied)
  bool rel_handed_ = false;    // ...to a waiter, woken then
  mutable bool rel_busy_ = false;  // its busy time still to count (settle())
  uint64_t free_edge_ = 0;  // first edge after the last transaction's turnaround
  Waiter *wait_head_ = nullptr, *wait_tail_ = nullptr;  // FIFO of masters waiting for a grant
  // Waiters are reused: an sc_event made and destroyed per wait costs more
  // than the wait (and allocates its process list each time).
  std::vector<std::unique_ptr<Waiter>> waiters_;
  std::vector<Waiter*> free_waiters_;
  mutable Plan chain_;
  std::vector<int> simq_;  // scratch for planning and cutting, capacity kept
  std::vector<Waiter*> fresh_, order_;
  std::vector<uint64_t> sim_at_, sim_req_;
  std::vector<size_t> last_piece_;
  std::vector<PciAheadTarget*> rewound_;
  uint64_t chains_ = 0, chain_cuts_ = 0;
  mutable double busy_s_ = 0;
  sc_core::sc_time window_start_;
  int v_busy_ = -1, gnt_ = -1;  // VCD: bus busy, master granted last
  std::vector<int> v_gnt_;      // VCD: one grant line per master
};

} // namespace iosim
