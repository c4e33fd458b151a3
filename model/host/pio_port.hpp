#pragma once
// How host CPU code reaches device memory across the bus: a PIO read stalls the
// CPU for the round trip; a posted write costs the CPU only the time to hand it
// to the host bridge. Implemented over the PCI/PCI-X model (PciPio) or, in unit
// tests, by a fixed-latency stub; HostOs reaches it through its `pio` port.
#include <systemc>
#include <cstdint>

namespace iosim {

class PioPort : public virtual sc_core::sc_interface {
public:
  // Blocks the calling SC_THREAD until the data is back (~1 us on the x342).
  virtual uint64_t read(uint64_t addr, unsigned len) = 0;
  // Posted: returns after the CPU-side cost; the bus transaction completes later,
  // in order with other posted writes.
  virtual void write(uint64_t addr, const void* data, unsigned len) = 0;
};

} // namespace iosim
