#pragma once
// What lets PcixBus run a bus tenure chain (the pieces of one DMA: 4 KB cuts,
// burst cuts, target disconnects) in one activation of the master's thread
// instead of two waits per piece.
//
//  * PciBurst: a master hands the bus a whole DMA in one payload and says where
//    its own bursts end; the bus cuts there as the master would have.
//  * PciAheadTarget: a target the bus may call ahead of simulated time. The bus
//    plans a chain when it starts, calling the target for every piece with
//    `delay` = time until that piece's claim edge. If another master asks for
//    the bus meanwhile, FIFO arbitration grants it at the next piece boundary,
//    so the pieces planned after that boundary did not happen yet: the bus
//    rewinds the target to the mark it took before the first of them and plans
//    them again later. A target may offer this only if its b_transport times
//    the access at sc_time_stamp() + delay, nothing else reads its state before
//    that time, and mark/rewind restore every part of its state a call changes.
#include <tlm>

#include <cstdint>

namespace iosim {

struct PciBurst : tlm::tlm_extension<PciBurst> {
  uint64_t burst = 0;          // cut every `burst` bytes from the payload's start; 0 = no cut of the master's
  uint8_t* scratch = nullptr;  // data pointer of each burst when the payload has none (timing only)

  tlm::tlm_extension_base* clone() const override { return new PciBurst(*this); }
  void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const PciBurst&>(e); }
};

class PciAheadTarget {
public:
  struct Mark {
    uint64_t a = 0, b = 0;  // the target's own meaning
  };
  virtual Mark ahead_mark() const = 0;
  // Undo every call made since `m` was taken (all of them ahead of time).
  virtual void ahead_rewind(const Mark& m) = 0;

protected:
  ~PciAheadTarget() = default;
};

} // namespace iosim
