#include "model/pcix/pcix_params.hpp"

#include <stdexcept>

namespace iosim {

void PcixBusParams::validate() const {
  auto bad = [](const char* field, const char* why) {
    throw std::invalid_argument(std::string("pcix bus: ") + field + " " + why);
  };
  if (!(clock_hz > 0)) bad("clock_hz", "must be > 0");
  if (width_bytes != 4 && width_bytes != 8) bad("width_bytes", "must be 4 or 8");
  if (boundary_bytes == 0 || (boundary_bytes & (boundary_bytes - 1))) bad("boundary_bytes", "must be a power of two");
  if (max_initial_latency_cycles == 0) bad("max_initial_latency_cycles", "must be > 0");
}

PcixBusParams PcixBusParams::preset(const std::string& name) {
  PcixBusParams p;
  // Clocks: PCI-X 133 = 133.33 MHz (7.5 ns), 66 = 66.67 MHz, PCI 33 = 33.33 MHz
  // (PCI 2.3, PCI-X 1.0); peaks 1066 / 533 / 266 MB/s at 64 bits (PARAMETERS.md).
  if (name == "pcix-64-133") { p.mode = PciMode::PciX; p.clock_hz = 400e6 / 3; p.width_bytes = 8; }
  else if (name == "pcix-64-66") { p.mode = PciMode::PciX; p.clock_hz = 200e6 / 3; p.width_bytes = 8; }
  else if (name == "pci-64-66") { p.mode = PciMode::Pci; p.clock_hz = 200e6 / 3; p.width_bytes = 8; }
  else if (name == "pci-64-33") { p.mode = PciMode::Pci; p.clock_hz = 100e6 / 3; p.width_bytes = 8; }
  else if (name == "pci-32-66") { p.mode = PciMode::Pci; p.clock_hz = 200e6 / 3; p.width_bytes = 4; }
  else if (name == "pci-32-33") { p.mode = PciMode::Pci; p.clock_hz = 100e6 / 3; p.width_bytes = 4; }
  else throw std::invalid_argument("pcix bus: unknown preset '" + name +
                                   "' (pcix-64-133, pcix-64-66, pci-64-66, pci-64-33, pci-32-66, pci-32-33)");
  return p;
}

} // namespace iosim
