#pragma once
// Adapters from the PCI master model to the narrow ports the host OS (PioPort)
// and bus-mastering devices (DmaPort) are written against.
#include "model/common/dma_port.hpp"
#include "model/host/pio_port.hpp"
#include "model/pcix/pci_master.hpp"

#include <stdexcept>

namespace iosim {

class PciPio : public PioPort {
public:
  explicit PciPio(PciMaster& m) : m_(m) {}
  uint64_t read(uint64_t addr, unsigned len) override {
    uint64_t v = 0;
    if (len > 8) throw std::invalid_argument("PIO read wider than 8 bytes");
    m_.pio_read(addr, &v, len);
    return v;
  }
  void write(uint64_t addr, const void* data, unsigned len) override { m_.pio_write(addr, data, len); }

private:
  PciMaster& m_;
};

class PciDma : public DmaPort {
public:
  explicit PciDma(PciMaster& m) : m_(m) {}
  // write() cannot report a failure, so an injected master abort (issue 11)
  // strikes try_write only: the DMAs of data through a descriptor (the
  // card's and the LSI's read data), not a device's own bookkeeping (the
  // LSI's reply frames, at addresses the driver handed it).
  void write(uint64_t addr, uint64_t bytes) override { m_.dma_write(addr, bytes, nullptr, false); }
  bool try_write(uint64_t addr, uint64_t bytes) override { return m_.dma_write(addr, bytes); }
  void read(uint64_t addr, uint64_t bytes) override { m_.dma_read(addr, bytes); }

private:
  PciMaster& m_;
};

} // namespace iosim
