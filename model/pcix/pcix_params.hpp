#pragma once
// Timing parameters of one PCI / PCI-X bus segment, in bus cycles.
//
// Sources: PCI Local Bus Specification rev 2.3 (PCI 2.3) and PCI-X Addendum
// rev 1.0a (PCI-X 1.0). Cycle counts are the spec's minimum or typical values;
// the ones a real host bridge chooses are marked "fitted".
#include <cstdint>
#include <string>

namespace iosim {

enum class PciMode : uint8_t {
  Pci,   // conventional PCI: reads hold the bus (wait states) or retry (delayed transaction)
  PciX,  // PCI-X: attribute phase, reads the target cannot answer quickly become split transactions
};

struct PcixBusParams {
  PciMode mode = PciMode::PciX;
  double clock_hz = 400e6 / 3;  // 133.33 MHz, 7.5 ns (PCI-X 1.0); 66.67 / 33.33 MHz for PCI
  uint32_t width_bytes = 8;     // 64-bit AD bus (REQ64#/ACK64#); 4 for 32-bit

  // Idle bus: REQ# sampled, GNT# driven the next clock, FRAME# the clock after
  // the master sees GNT# on an idle bus (PCI 2.3 ch. 3). When another master
  // still owns the bus, arbitration is hidden behind its transaction (0 cycles).
  uint32_t arb_cycles = 1;
  uint32_t addr_cycles = 1;   // single address cycle (PCI 2.3 ch. 3)
  uint32_t dac_cycles = 1;    // extra address cycle for addresses >= 4 GB (dual address cycle, PCI 2.3 ch. 3)
  uint32_t attr_cycles = 1;   // PCI-X attribute phase (PCI-X 1.0); not used in PCI mode
  // Target decode until DEVSEL#: PCI "medium" decode / PCI-X "decode B"
  // (PCI 2.3 ch. 3, PCI-X 1.0). For PCI reads it also covers the one
  // AD turnaround cycle after the address phase.
  uint32_t decode_cycles = 2;
  uint32_t turnaround_cycles = 1;      // idle cycle between transactions (PCI 2.3 ch. 3)
  uint32_t split_response_cycles = 1;  // PCI-X: the one data phase signalling Split Response (PCI-X 1.0)
  uint32_t retry_cycles = 1;           // PCI: the data phase terminated with STOP# (Retry) (PCI 2.3 ch. 3)
  uint32_t retry_gap_cycles = 2;       // PCI: master's pause before repeating a retried read (fitted)
  uint32_t master_abort_cycles = 5;    // no DEVSEL# within 5 clocks of FRAME#: master abort (PCI 2.3 ch. 3)
  // A target must complete the first data phase within 16 clocks, otherwise it
  // retries (PCI, delayed transaction) or answers with a Split Response (PCI-X)
  // (PCI 2.3 ch. 3; PCI-X 1.0).
  uint32_t max_initial_latency_cycles = 16;
  // Bursts must not cross a 4 KB address boundary: PCI-X 1.0 (ADB rules,
  // byte count <= 4096); PCI host bridges disconnect at page boundaries too.
  uint64_t boundary_bytes = 4096;

  double cycle_s() const { return 1.0 / clock_hz; }
  double peak_bytes_per_s() const { return clock_hz * width_bytes; }
  bool pcix() const { return mode == PciMode::PciX; }

  // Throws std::invalid_argument naming the bad field.
  void validate() const;

  // Named presets: "pcix-64-133" (1066 MB/s), "pcix-64-66" (533), "pci-64-66"
  // (533), "pci-64-33" (266), "pci-32-66" (266), "pci-32-33" (133).
  // Throws std::invalid_argument for an unknown name.
  static PcixBusParams preset(const std::string& name);
};

} // namespace iosim
