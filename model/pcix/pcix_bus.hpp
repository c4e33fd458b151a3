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
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

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
  double busy_seconds() const { return busy_s_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Mapping { int target; uint64_t base, size; std::string name; };
  struct Waiter { sc_core::sc_event granted; };

  void end_of_elaboration() override;
  void b_transport(int master, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(int master, tlm::tlm_generic_payload& gp);

  const Mapping* decode(uint64_t addr, uint64_t len) const;
  // One bus transaction; returns the bytes moved (fewer if the target disconnected).
  uint64_t transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr);
  void master_abort(int master);

  // Arbitration: returns the clock edge at which the winner drives FRAME#.
  uint64_t acquire(int master);
  // Caller is at time_of(end); [start, end) counts as busy.
  void release(uint64_t start, uint64_t end);
  uint64_t edge_at_or_after(const sc_core::sc_time& t) const;
  sc_core::sc_time time_of(uint64_t edge) const { return cycles(edge); }
  void wait_edge(uint64_t edge);
  uint64_t ceil_cycles(const sc_core::sc_time& d) const;
  MasterStats& ms(int master);
  void trace_grant(int master, uint64_t k);  // to the VCD, if one is being written

  PcixBusParams p_;
  std::vector<Mapping> map_;
  std::vector<std::string> master_names_;
  std::vector<MasterStats> stats_;
  bool owned_ = false;
  uint64_t free_edge_ = 0;  // first edge after the last transaction's turnaround
  std::deque<Waiter*> waiting_;
  double busy_s_ = 0;
  sc_core::sc_time window_start_;
  int v_busy_ = -1, gnt_ = -1;  // VCD: bus busy, master granted last
  std::vector<int> v_gnt_;      // VCD: one grant line per master
};

} // namespace iosim
