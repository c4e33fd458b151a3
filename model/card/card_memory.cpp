#include "model/card/card_memory.hpp"

#include "model/pcix/pci_disconnect.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace sc_core;

namespace iosim {

CardMemory::CardMemory(sc_module_name name, const ring::Layout& layout, QueueController& qc)
    : sc_module(name), bar("bar"), irq("irq"), layout_(layout), qc_(qc), mem_(layout.bytes(), 0) {
  bar.register_b_transport(this, &CardMemory::b_transport);
  // The tail flag marks the last record of each ring: both sides wrap there.
  mem_[layout_.req_rec(layout_.depth - 1) + ring::req::kTail] = 1;
  mem_[layout_.cpl_rec(layout_.depth - 1) + ring::cpl::kTail] = 1;
}

// A violation is a bug in a model, never a workload condition: stop loudly.
// (Throwing through the bus's transaction would leave it half-done.)
void CardMemory::protocol_error(const std::string& what) const {
  std::fprintf(stderr, "iosim: error: %s: ring protocol violation at %s: %s\n", name(),
               sc_time_stamp().to_string().c_str(), what.c_str());
  std::exit(1);
}

void CardMemory::pushed(void* self, bool ok) {
  auto* m = static_cast<CardMemory*>(self);
  if (!ok) m->protocol_error("host made a request valid in a full ring");
  m->posted_.notify(SC_ZERO_TIME);
}

void CardMemory::popped(void* self, bool ok) {
  auto* m = static_cast<CardMemory*>(self);
  if (!ok) m->protocol_error("host freed a completion in an empty ring");
  m->taken_.notify(SC_ZERO_TIME);
}

void CardMemory::trace_irq() { line_.trace(name(), "irq", 1); }

void CardMemory::update_line() {
  const bool assert_now = (odr_ & ~oimr_) != 0;
  const bool was = line_.level() != 0;
  line_.set(assert_now ? 1 : 0);
  if (assert_now && !was) {
    if (irq.size() == 0) protocol_error("card interrupt asserted but INTA# is not connected");
    ++irq_raised_;
    irq->raise();
  }
}

void CardMemory::ring_doorbell() {
  odr_ |= ring::mu::kDoorbell;
  update_line();
}

void CardMemory::heartbeat_run(uint32_t base, sc_time tick) {
  hb_running_ = true;
  hb_base_ = base;
  hb_since_ = sc_time_stamp();
  hb_tick_ = tick;
}

void CardMemory::heartbeat_freeze() {
  hb_base_ = heartbeat();
  hb_running_ = false;
}

uint32_t CardMemory::heartbeat() const {
  if (!hb_running_) return hb_base_;
  return uint32_t(hb_base_ + (sc_time_stamp() - hb_since_).value() / hb_tick_.value());
}

void CardMemory::reset_registers() {
  odr_ = oimr_ = 0;
  hb_running_ = false;
  hb_base_ = 0;
  update_line();
}

// The messaging unit's page: 32-bit registers, any other offset or width is
// an address error (a driver bug, reported by the bus).
void CardMemory::register_access(tlm::tlm_generic_payload& gp, uint64_t off) {
  const uint64_t reg = off - layout_.regs_base();
  uint8_t* data = gp.get_data_ptr();
  if (gp.get_data_length() == 4 && reg == ring::mu::kOmr0 && gp.is_read()) {  // the heartbeat (issue 11)
    const uint32_t hb = heartbeat();
    std::memcpy(data, &hb, 4);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (gp.get_data_length() == 4 && reg == ring::mu::kReset && gp.is_write()) {  // board reset (issue 11)
    uint32_t v = 0;
    std::memcpy(&v, data, 4);
    if (v == ring::mu::kResetKey) reset_ev_.notify(SC_ZERO_TIME);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (gp.get_data_length() != 4 || (reg != ring::mu::kOdr && reg != ring::mu::kOisr && reg != ring::mu::kOimr)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  if (gp.is_write()) {
    std::memcpy(&v, data, 4);
    if (reg == ring::mu::kOdr) odr_ &= ~v;  // write 1 to clear
    else if (reg == ring::mu::kOimr) oimr_ = v;
    else { gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE); return; }  // OISR is read-only
    update_line();
  } else {
    v = reg == ring::mu::kOimr ? oimr_ : odr_;  // OISR shows the doorbell bit, masked or not
    std::memcpy(data, &v, 4);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void CardMemory::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t off = gp.get_address();  // the bus hands targets BAR-relative addresses
  const unsigned len = gp.get_data_length();
  if (off >= layout_.regs_base() && off + len <= layout_.bar_bytes()) { register_access(gp, off); return; }
  if (off + len > mem_.size()) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
  uint8_t* data = gp.get_data_ptr();
  const uint64_t cb = layout_.cpl_base();
  const bool in_req = off < cb;
  const uint64_t rec_bytes = in_req ? ring::req::kBytes : ring::cpl::kBytes;
  const uint64_t rel = in_req ? off : off - cb;
  const uint32_t idx = uint32_t(rel / rec_bytes);
  const uint64_t status_at = (in_req ? layout_.req_rec(idx) : layout_.cpl_rec(idx)) + 1;
  const bool touches_status = off <= status_at && status_at < off + len;

  if (gp.is_write()) {
    if (touches_status) {
      sc_time to_edge;  // until the controller's edge that samples the status write
      const uint8_t v = data[status_at - off];
      const QcOutputs& s = qc_.state();
      if (in_req) {
        if (v != ring::kValid || idx != s.p_hr) protocol_error("host status write to request record " + std::to_string(idx) + " (P_HR is " + std::to_string(s.p_hr) + ")");
        // Fields first, status last: the bytes before the status byte land now.
        for (unsigned i = 0; i < len; ++i) if (off + i != status_at) mem_[off + i] = data[i];
        to_edge = qc_.host_push_request_posted(&CardMemory::pushed, this);
      } else {
        if (v != ring::kInvalid || idx != s.p_hc) protocol_error("host status write to completion record " + std::to_string(idx) + " (P_HC is " + std::to_string(s.p_hc) + ")");
        to_edge = qc_.host_pop_completion_posted(&CardMemory::popped, this);
      }
      if (auto* dc = gp.get_extension<PciDisconnect>()) dc->hold = to_edge;
      else delay += to_edge;
    } else {
      std::copy(data, data + len, mem_.begin() + long(off));
    }
  } else {
    std::copy(mem_.begin() + long(off), mem_.begin() + long(off + len), data);
    if (touches_status) {
      const QcOutputs& s = qc_.state();
      uint8_t v;
      if (in_req) {
        if (idx != s.p_hr) protocol_error("host reads status of request record " + std::to_string(idx) + " (P_HR is " + std::to_string(s.p_hr) + ")");
        v = s.req_full ? ring::kValid : ring::kInvalid;
      } else {
        if (idx != s.p_hc) protocol_error("host reads status of completion record " + std::to_string(idx) + " (P_HC is " + std::to_string(s.p_hc) + ")");
        // Ownership from the controller; the outcome bits the firmware wrote
        // (ring_layout.hpp) are plain memory.
        v = uint8_t((s.cpl_empty ? ring::kInvalid : ring::kValid) | (mem_[status_at] & ~ring::cpl::kOwnershipMask));
      }
      data[status_at - off] = v;
    }
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace iosim
