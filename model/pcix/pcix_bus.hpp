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
// bus transaction. When the target allows calls ahead of time (PciAheadTarget,
// pci_chain.hpp) and no VCD is being written, the bus plans the whole chain
// when it starts (back-to-back pieces, each re-arbitrating on the idle bus) and
// the master's thread waits once, for the chain's end. A master asking for the
// bus meanwhile cuts the chain where FIFO arbitration grants it today, at the
// end of the piece in flight (or ending exactly then): the planned pieces after
// that are taken back and planned again once the master gets the bus back.
// Statistics of planned pieces count when simulated time reaches them, so
// results are the same as with one activation per piece. Pieces the plan cannot
// foresee (split / delayed reads, aborts, targets without PciAheadTarget) run
// one wait at a time as before.
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
  struct Waiter { sc_core::sc_event granted; Waiter* next = nullptr; };
  // One planned piece of a chain. Times are edges; *_t are in kernel ticks (ps).
  struct Piece {
    uint64_t req_t;     // when it asked for the bus (arbitration statistics)
    uint64_t k0, ke;    // grant (first address clock) and end edges; [k0, ke) is busy
    uint64_t claim_t, end_t;
    uint64_t bytes;     // counted as moved
    uint64_t next;      // transfer offset after this piece
    PciAheadTarget::Mark mark;  // target state before this piece's call
    uint8_t stage;      // statistics applied: 1 arbitration, 2 + transaction, 3 + busy time
  };
  struct Chain {
    bool live = false;
    int master = -1;
    PciAheadTarget* target = nullptr;
    std::vector<Piece> pieces;  // [0, n) still happen; capacity is kept
    size_t n = 0, settled = 0;  // pieces before `settled` are fully counted
    sc_core::sc_event end;      // the owner waits for this
  };

  void end_of_elaboration() override;
  void b_transport(int master, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(int master, tlm::tlm_generic_payload& gp);

  const Mapping* decode(uint64_t addr, uint64_t len) const;
  // Bytes [off, off+len) of gp (bus addresses) to mapping m, cut into pieces at
  // 4 KB, every `burst` bytes from the payload start (0: no such cut) and where
  // the target disconnects. False on an error (gp's status set).
  bool move(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len, uint64_t burst);
  // Payload for the piece at `at` (transfer offset) of `n` bytes.
  tlm::tlm_generic_payload& piece_payload(int master, tlm::tlm_generic_payload& gp, uint64_t at, uint64_t n,
                                          uint64_t burst, uint64_t base);
  // Plans pieces from offset `at` on, the first granted at edge k0, waits for
  // them; returns the bytes they moved (0: the first piece cannot be planned).
  uint64_t run_chain(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len,
                     uint64_t burst, uint64_t at, uint64_t k0);
  void cut_chain();     // a master asks for the bus while a chain is planned
  void settle() const;  // apply planned pieces' statistics up to simulated time
  // One bus transaction granted at edge k0; returns the bytes moved (fewer if the target disconnected).
  uint64_t transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr, uint64_t k0);
  void master_abort(int master);

  // Arbitration: returns the clock edge at which the winner drives FRAME#.
  uint64_t acquire(int master);
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

  PcixBusParams p_;
  uint64_t period_t_ = 0;  // clock period in ticks if whole, else 0
  std::vector<Mapping> map_;
  std::vector<std::string> master_names_;
  mutable std::vector<MasterStats> stats_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> sub_;  // one reused piece payload per master
  std::vector<PciAheadTarget*> ahead_;  // per target, once it said so
  bool owned_ = false;
  uint64_t free_edge_ = 0;  // first edge after the last transaction's turnaround
  Waiter *wait_head_ = nullptr, *wait_tail_ = nullptr;  // FIFO of masters waiting for a grant
  // Waiters are reused: an sc_event made and destroyed per wait costs more
  // than the wait (and allocates its process list each time).
  std::vector<std::unique_ptr<Waiter>> waiters_;
  std::vector<Waiter*> free_waiters_;
  mutable Chain chain_;
  uint64_t chains_ = 0, chain_cuts_ = 0;
  mutable double busy_s_ = 0;
  sc_core::sc_time window_start_;
  int v_busy_ = -1, gnt_ = -1;  // VCD: bus busy, master granted last
  std::vector<int> v_gnt_;      // VCD: one grant line per master
};

} // namespace iosim
