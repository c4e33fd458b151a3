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
// then return zeros.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <unordered_map>

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

class HostMemory : public sc_core::sc_module, public Reporter {
public:
  tlm_utils::simple_target_socket<HostMemory> socket;

  HostMemory(sc_core::sc_module_name name, const HostMemoryParams& p = {});

  // Untimed local access for host-side models (a driver filling a request
  // frame the HBA will fetch). Only meaningful with store = true.
  void write(uint64_t addr, const void* data, uint64_t len);
  void read(uint64_t addr, void* data, uint64_t len) const;

  uint64_t bytes_written() const { return bytes_w_; }
  uint64_t bytes_read() const { return bytes_r_; }
  const HostMemoryParams& params() const { return p_; }

  void reset_stats() override { bytes_w_ = bytes_r_ = 0; stall_s_ = 0; }
  void report(Stats& out, double window_s) const override;

private:
  static constexpr uint64_t kPage = 4096;
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);
  void copy_in(uint64_t addr, const uint8_t* src, uint64_t len);
  void copy_out(uint64_t addr, uint8_t* dst, uint64_t len) const;

  HostMemoryParams p_;
  std::unordered_map<uint64_t, std::array<uint8_t, kPage>> pages_;
  sc_core::sc_time drained_at_;  // DRAM has absorbed every accepted byte by then
  uint64_t bytes_w_ = 0, bytes_r_ = 0;
  double stall_s_ = 0;  // time DMA writes waited for buffer space
};

} // namespace iosim
