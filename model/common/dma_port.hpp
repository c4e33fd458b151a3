#pragma once
// A bus master's view of DMA: move bytes to or from host memory across the
// PCI/PCI-X bus. Blocks the calling SC_THREAD for arbitration and the
// transfer. Implemented over the PcixBus model (PciDma, one per master); a
// device holds `sc_core::sc_port<DmaPort> dma`, bound by the platform builder.
#include <systemc>
#include <cstdint>

namespace iosim {

class DmaPort : public virtual sc_core::sc_interface {
public:
  virtual void write(uint64_t host_addr, uint64_t bytes) = 0;  // device -> host memory
  virtual void read(uint64_t host_addr, uint64_t bytes) = 0;   // host memory -> device
  // As write(); false if the transfer ended in an abort (issue 11: a master
  // abort, PciMaster::set_abort_fault): the engine stopped, the rest of the
  // data did not move. A port that never aborts keeps this default.
  virtual bool try_write(uint64_t host_addr, uint64_t bytes) { write(host_addr, bytes); return true; }
};

} // namespace iosim
