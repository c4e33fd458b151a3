#pragma once
// Host RAM as seen from the PCI bus: the host bridge's PCI target plus the
// memory behind it. DMA from the I/O card and the HBAs lands here.
//
// Timing (returned to the bus as the target's initial latency):
//  * writes are posted into the bridge's write buffer: `write_latency`, plus a
//    stall while the buffer is too full, the buffer draining into DRAM at
//    `bandwidth`; a burst is disconnected every `disconnect_bytes`;
//  * reads wait `read_latency` (bridge + FSB snoop + DRAM access) after the
//    DRAM has drained what was posted before them, and use DRAM bandwidth too.
// With `store` false (bulk data) the bytes are only timed, not kept; reads
// then return zeros, and the bus may call it ahead of time for the pieces of a
// DMA (PciAheadTarget, pci_chain.hpp): such an access is timed at the claim
// edge it was given, and it shows in the statistics only once simulated time
// has reached that edge, as if it had been made then.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/pcix/pci_chain.hpp"
#include "model/stats/stats.hpp"

namespace iosim {

struct HostMemoryParams {
  // PC133 SDRAM, 2-way interleaved: 2 x 8 B x 133 MHz = 2.13 GB/s peak
  // (PARAMETERS.md, Host "memory"). lmbench's 219-282 MB/s write figure is
  // CPU-side (store path) and does not bound DMA.
  double bandwidth = 2.13e9;
  // Host bridge posted-write acceptance: initial wait states before the first
  // data phase of a DMA write (fitted: ~8 clocks at 133 MHz).
  double write_latency = 60e-9;
  // DMA read: bridge + FSB snoop + DRAM latency (lmbench: 101 ns load latency,
  // PARAMETERS.md; the bridge and snoop part is fitted).
  double read_latency = 250e-9;
  // Posted-write buffer between PCI and DRAM (fitted).
  uint64_t write_buffer_bytes = 4096;
  // The bridge takes at most this many bytes of a DMA write burst, up to the
  // next multiple of it, then disconnects (its PCI-side line buffer; a
  // multiple of PCI-X's 128 B allowable disconnect boundary). 0 = never.
  // Fitted: 512 B puts sustained PCI-X 64/133 DMA writes at ~81% of peak, in
  // PARAMETERS.md's 75-85% "DMA efficiency, large bursts" (uncertainty H).
  uint64_t disconnect_bytes = 512;
  bool store = false;  // keep the bytes (request frames, tests) or only time them
};

class HostMemory : public sc_core::sc_module, public Reporter, public PciAheadTarget {
public:
  tlm_utils::simple_target_socket<HostMemory> socket;

  HostMemory(sc_core::sc_module_name name, const HostMemoryParams& p = {});

  // Untimed local access for host-side models (a driver filling a request
  // frame the HBA will fetch). Only meaningful with store = true.
  void write(uint64_t addr, const void* data, uint64_t len);
  void read(uint64_t addr, void* data, uint64_t len) const;

  // Accesses whose claim edge simulated time has reached.
  uint64_t bytes_written() const { return seen().w; }
  uint64_t bytes_read() const { return seen().r; }
  const HostMemoryParams& params() const { return p_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

  Mark ahead_mark() const override { return {drained_at_.value(), seq_}; }
  void ahead_rewind(const Mark& m) override;

private:
  static constexpr uint64_t kPage = 4096;
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);
  void copy_in(uint64_t addr, const uint8_t* src, uint64_t len);
  void copy_out(uint64_t addr, uint8_t* dst, uint64_t len) const;

  // Statistics of accesses made ahead of time wait here until simulated time
  // reaches them (then they count, in time order) or a rewind drops them.
  struct Access { uint64_t t_ps, seq, bytes; double stall_s; bool write; };
  struct Totals { uint64_t w = 0, r = 0; double stall_s = 0; };
  void count(const Access& a, Totals& t) const;
  void settle();            // count the accesses simulated time has reached
  Totals seen() const;      // totals with those counted, without changing state

  HostMemoryParams p_;
  std::unordered_map<uint64_t, std::array<uint8_t, kPage>> pages_;
  sc_core::sc_time drained_at_;  // DRAM has absorbed every accepted byte by then
  sc_core::sc_time write_lat_, read_lat_, xfer_;  // p_ latencies; xfer_ = xfer_len_ bytes at bandwidth
  uint64_t xfer_len_ = 0;
  Totals tot_;                   // time DMA writes waited for buffer space is tot_.stall_s
  std::vector<Access> ahead_;    // [ahead_head_, end): not reached yet, in time order
  size_t ahead_head_ = 0;
  uint64_t seq_ = 0;             // accesses so far (marks)
};

} // namespace iosim
