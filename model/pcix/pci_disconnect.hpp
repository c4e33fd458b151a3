#pragma once
// Target-initiated disconnect (PCI 2.3 ch. 3 "Disconnect"; PCI-X 1.0 allows it
// on 128-byte allowable disconnect boundaries). The bus attaches this
// extension to every payload it hands a target; a target that takes only part
// of a write burst (a host bridge whose write buffer is full) stores the first
// `accepted` bytes and says so here. The bus ends the transaction after those
// data phases and the master re-arbitrates for the rest.
//
// The same extension carries the target's answer to "may the bus call you
// ahead of time?" (see pci_chain.hpp): a target that allows it sets `ahead`.
//
// `hold`: a target whose side effect completes a little after the call (card
// memory: the queue controller samples a status write at its next clock edge)
// can return at once and say so here instead of blocking the bus's thread.
// It adds no wait states; the bus only keeps the transaction's master from
// going on (and itself from releasing) before then, as when the target
// blocked.
#include <systemc>
#include <tlm>

#include "model/pcix/pci_chain.hpp"

#include <cstdint>
#include <limits>

namespace iosim {

struct PciDisconnect : tlm::tlm_extension<PciDisconnect> {
  uint64_t accepted = std::numeric_limits<uint64_t>::max();  // untouched: the whole burst
  PciAheadTarget* ahead = nullptr;                            // set by a target the bus may call ahead of time
  sc_core::sc_time hold;                                      // side effect done this long after the call

  tlm::tlm_extension_base* clone() const override { return new PciDisconnect(*this); }
  void copy_from(const tlm::tlm_extension_base& e) override {
    accepted = static_cast<const PciDisconnect&>(e).accepted;
    ahead = static_cast<const PciDisconnect&>(e).ahead;
    hold = static_cast<const PciDisconnect&>(e).hold;
  }
};

} // namespace iosim
