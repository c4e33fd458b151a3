#pragma once
// A PCI target that really stores bytes: the I/O card's memory window (where
// the request / completion rings live), adapter register files, test memory.
// Addresses are offsets into the window (the bus subtracts the mapped base).
// The owner (card firmware, queue controller) reads and writes the same bytes
// locally through data() without crossing the bus, and can watch host writes
// through on_write (called after the bytes are stored).
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace iosim {

struct MemoryTargetParams {
  uint64_t size = 1 << 20;  // bytes
  // Target initial latency seen by the bus (card memory / SRAM access through
  // the card's PCI interface). 0 by default; set per platform (fitted).
  double read_latency = 0;
  double write_latency = 0;
};

class MemoryTarget : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<MemoryTarget> socket;

  MemoryTarget(sc_core::sc_module_name name, const MemoryTargetParams& p = {});

  uint8_t* data() { return mem_.data(); }
  const uint8_t* data() const { return mem_.data(); }
  uint64_t size() const { return mem_.size(); }
  uint32_t load32(uint64_t off) const;
  void store32(uint64_t off, uint32_t v);

  // Called in simulation context after a bus write has stored its bytes.
  std::function<void(uint64_t offset, uint64_t len)> on_write;

  uint64_t bus_reads() const { return reads_; }
  uint64_t bus_writes() const { return writes_; }

private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);

  MemoryTargetParams p_;
  std::vector<uint8_t> mem_;
  uint64_t reads_ = 0, writes_ = 0;
};

} // namespace iosim
