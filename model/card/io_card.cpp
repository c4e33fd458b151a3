#include "model/card/io_card.hpp"

namespace iosim {

namespace {
ring::Layout layout_of(const IoCardParams& p) {
  ring::Layout l;
  l.depth = p.queue_ctrl.depth;
  return l;
}
}  // namespace

IoCard::IoCard(sc_core::sc_module_name name, const IoCardParams& p, int buses,
               const std::vector<std::pair<int, int>>& members, const Raid0Geometry& geo)
    : sc_module(name), irq("irq"), qc("qc", p.queue_ctrl), mem("mem", layout_of(p), qc),
      dma_master("dma", PciMasterParams::device()), dma_port_(dma_master) {
  mem.irq.bind(irq);  // the messaging unit drives the card's INTA#
  if (p.firmware.irq) mem.trace_irq();
  if (p.firmware.faults.master_abort.any())  // issue 11: the DMA engine's writes may master-abort
    dma_master.set_abort_fault(p.firmware.faults.master_abort, p.firmware.seed);
  ScsiInitiatorParams ip;
  ip.per_target_limit = p.tags_per_disk;
  ip.port_limit = 16 * p.tags_per_disk;  // no port-wide limit below the per-target ones
  for (int b = 0; b < buses; ++b) ctrl_.emplace_back(new ScsiInitiator(("scsi" + std::to_string(b)).c_str(), ip));
  fw_.reset(new Firmware("fw", p.firmware, mem, qc, geo));
  std::vector<int> member_bus;
  for (const auto& [bus, id] : members) {
    fw_->members.bind(ctrl_[size_t(bus)]->target(id));
    member_bus.push_back(bus);
  }
  // Task management (issue 11: the firmware's command timeouts), per bus.
  for (auto& c : ctrl_) fw_->buses.bind(*c);
  fw_->set_member_buses(std::move(member_bus));
  fw_->dma.bind(dma_port_);
}

std::vector<Reporter*> IoCard::reporters() {
  std::vector<Reporter*> r{&qc, fw_.get()};
  for (auto& c : ctrl_) r.push_back(c.get());
  return r;
}

} // namespace iosim
