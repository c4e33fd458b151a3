#pragma once
// The card's memory window (a PCI BAR): the request and completion rings. Record
// fields are plain bytes here; the status byte of each record is owned by the
// queue controller (RTL or model), so accesses to it become controller
// operations: the host setting the status at P_HR valid is a request push, the
// host setting the status at P_HC invalid a completion pop; reading a status
// returns the controller's full/empty view. Anything else is a protocol error
// the model reports (a side touching a record it does not own).
//
// A status write does not block the caller: the controller samples it at its
// next edge (a posted call) and answers there, where the event for the
// firmware fires. The caller is told when that is: through the bus's
// PciDisconnect::hold (no wait states: the PCI write itself is done), or for
// a plain TLM initiator as the returned delay.
//
// The page after the rings holds the messaging unit's interrupt registers
// (ring_layout.hpp, mu::): the firmware rings the outbound doorbell, the host
// reads, clears and masks it; `irq` (INTA#) is raised on each edge of
// ODR & ~OIMR from zero to non-zero. Only a card completing by interrupt
// (platform.async.completion: irq or hybrid) uses them.
#include "model/card/queue_controller.hpp"
#include "model/common/irq.hpp"
#include "model/stats/stats.hpp"
#include "model/card/ring_layout.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace iosim {

class CardMemory : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<CardMemory> bar;
  // INTA#, bound by IoCard to its own `irq` port. Zero or one binding: a card
  // that only polls (the paper's) may leave it unbound.
  sc_core::sc_port<IrqIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND> irq;

  CardMemory(sc_core::sc_module_name name, const ring::Layout& layout, QueueController& qc);
  const ring::Layout& layout() const { return layout_; }
  // Local (firmware-side) access over the card's internal bus.
  uint8_t* req_record(uint32_t i) { return &mem_[layout_.req_rec(i)]; }
  uint8_t* cpl_record(uint32_t i) { return &mem_[layout_.cpl_rec(i)]; }
  sc_core::sc_event& request_posted() { return posted_; }  // host just made a request valid
  sc_core::sc_event& completion_taken() { return taken_; }  // host just freed a completion slot
  // Messaging unit, firmware side: set the outbound doorbell (a store over
  // the local bus). Raises INTA# if the doorbell was clear and is not masked.
  void ring_doorbell();
  bool doorbell_pending() const { return odr_ != 0; }
  // The interrupt line: waveform signal `irq` (call before the run, when the
  // card completes by interrupt) and edges raised since the last reset.
  void trace_irq();
  uint64_t irq_raised() const { return irq_raised_; }
  double irq_asserted_fraction() const { return line_.mean(); }
  void reset_irq_stats() { irq_raised_ = 0; line_.reset(); }
  // Issue 11. The heartbeat in OMR0 (ring_layout.hpp): while the firmware
  // runs it reads base + the loop passes since `since` (one per `tick`, the
  // idle loop's poll interval: the count a loop that advances it on every
  // pass would show, without simulating each pass); frozen while it is
  // stalled; 0 while the card is in reset.
  void heartbeat_run(uint32_t base, sc_core::sc_time tick);
  void heartbeat_freeze();
  uint32_t heartbeat() const;
  // The host wrote the reset register: the firmware's method is sensitive to it.
  sc_core::sc_event& reset_requested() { return reset_ev_; }
  // Interrupt state at a card reset: doorbell and mask cleared (reset values).
  void reset_registers();

private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  // The queue controller's answer to a status write, at the edge that sampled it.
  static void pushed(void* self, bool ok);
  static void popped(void* self, bool ok);
  [[noreturn]] void protocol_error(const std::string& what) const;
  void register_access(tlm::tlm_generic_payload& gp, uint64_t off);
  void update_line();  // INTA# = ODR & ~OIMR; raise on a rising edge

  uint32_t odr_ = 0, oimr_ = 0;
  bool hb_running_ = false;
  uint32_t hb_base_ = 0;
  sc_core::sc_time hb_since_, hb_tick_;
  sc_core::sc_event reset_ev_;
  uint64_t irq_raised_ = 0;
  LevelTracker line_;

  ring::Layout layout_;
  QueueController& qc_;
  std::vector<uint8_t> mem_;
  sc_core::sc_event posted_, taken_;
};

} // namespace iosim
