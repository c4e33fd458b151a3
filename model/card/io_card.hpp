#pragma once
// The paper's I/O card (BRIEF.md, "The I/O card"): card memory with the two
// rings behind a PCI BAR, the queue controller (Verilog RTL or its C++ model),
// the embedded CPU's firmware, a DMA engine mastering the host bus, and one
// SCSI controller per Ultra320 bus. The card presents all disks as one RAID0
// volume and maps logical blocks itself.
#include "model/card/card_memory.hpp"
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/pcix/pci_master.hpp"
#include "model/pcix/pci_ports.hpp"
#include "model/raid/raid0.hpp"
#include "model/scsi/scsi_bus.hpp"
#include "model/scsi/scsi_initiator.hpp"

#include <memory>
#include <vector>

namespace iosim {

struct IoCardParams {
  QueueControllerParams queue_ctrl;
  FirmwareParams firmware;
  int tags_per_disk = 64;       // commands the SCSI controllers keep outstanding per disk
  uint64_t bar_base = 0xF0000000;
};

class IoCard : public sc_core::sc_module {
public:
  // One SCSI controller per bus, `buses` of them; members[k] = (bus index,
  // target id) of RAID0 member k.
  IoCard(sc_core::sc_module_name name, const IoCardParams& p, int buses,
         const std::vector<std::pair<int, int>>& members, const Raid0Geometry& geo);
  // INTA# of the card's messaging unit (issue 8), to the host's interrupt
  // controller: bound in sim/platform.cpp to HostOs::irq_line(n). Raised only
  // when the firmware completes by interrupt; the paper's polling card may
  // leave it unbound.
  sc_core::sc_port<IrqIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND> irq;
  QueueController qc;
  CardMemory mem;
  PciMaster dma_master;  // bind dma_master.socket to the PCI bus; mem.bar is the BAR target
  // The card's SCSI controller on bus b (top.card.scsi<b>): the builder binds
  // it to that bus with bind_scsi_initiator (model/scsi/scsi_bus.hpp).
  ScsiInitiator& controller(size_t b) { return *ctrl_.at(b); }
  std::vector<Reporter*> reporters();

private:
  PciDma dma_port_;
  std::vector<std::unique_ptr<ScsiInitiator>> ctrl_;
  std::unique_ptr<Firmware> fw_;
};

} // namespace iosim
