#include "model/pcix/pci_master.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_SEC;
using sc_core::SC_ZERO_TIME;

PciMaster::PciMaster(sc_core::sc_module_name name, const PciMasterParams& p)
    : sc_module(name), socket("socket"), p_(p) {
  if (p_.max_burst_bytes == 0 || p_.max_read_bytes == 0 || p_.post_buffer_entries == 0)
    throw std::invalid_argument(std::string(this->name()) + ": burst sizes and posting buffer must be > 0");
  scratch_.assign(std::max(p_.max_burst_bytes, p_.max_read_bytes), 0);
  half_bridge_ = sc_time(p_.host_bridge_latency / 2, SC_SEC);
  post_cost_ = sc_time(p_.posted_write_cost, SC_SEC);
  posted_.resize(p_.post_buffer_entries);
  SC_HAS_PROCESS(PciMaster);
  SC_THREAD(poster);
}

// The whole transfer in one payload; the bus cuts it into `burst`-byte bursts
// (and again at 4 KB boundaries and target disconnects). An error in any piece
// abandons the rest.
bool PciMaster::transfer(tlm::tlm_command cmd, uint64_t addr, uint64_t bytes, uint8_t* data, uint64_t burst,
                         sc_time* rest) {
  if (rest) *rest = SC_ZERO_TIME;
  if (bytes == 0) return true;
  if (free_.empty()) {
    slots_.emplace_back(new Slot);
    slots_.back()->gp.set_extension(&slots_.back()->burst);  // stays attached for the slot's life
    free_.push_back(slots_.back().get());
  }
  Slot* s = free_.back();
  free_.pop_back();
  tlm::tlm_generic_payload& gp = s->gp;
  s->burst.burst = burst;
  s->burst.scratch = scratch_.data();
  gp.set_command(cmd);
  gp.set_address(addr);
  // Timing-only bursts read / write the scratch buffer; one burst carries it
  // itself, several get it through the extension.
  gp.set_data_ptr(data ? data : bytes <= burst ? scratch_.data() : nullptr);
  gp.set_data_length(unsigned(bytes));
  gp.set_streaming_width(unsigned(bytes));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = SC_ZERO_TIME;
  socket->b_transport(gp, delay);
  if (rest) *rest = delay;
  else if (delay > SC_ZERO_TIME) wait(delay);
  const bool ok = !gp.is_response_error();
  free_.push_back(s);
  if (!ok) ++errors_;
  return ok;
}

void PciMaster::set_abort_fault(const EventFault& f, uint64_t seed) {
  abort_fault_ = f;
  abort_rng_ = Rng(seed, std::string(name()) + ".faults");
}

bool PciMaster::abort_hits() {
  if (!abort_fault_.any()) return false;
  const double now = sc_core::sc_time_stamp().to_seconds();
  if (now >= abort_fault_.at_s) {  // once
    abort_fault_.at_s = std::numeric_limits<double>::infinity();
    return true;
  }
  return abort_fault_.probability > 0 && now >= abort_fault_.from_s && abort_rng_.uniform01() < abort_fault_.probability;
}

bool PciMaster::dma_write(uint64_t addr, uint64_t bytes, const uint8_t* data, bool faultable) {
  const bool hit = faultable && bytes > 0 && abort_hits();
  if (hit) addr |= kAbortAddressBit;
  // The target only reads from the pointer on a write.
  const bool ok = transfer(tlm::TLM_WRITE_COMMAND, addr, bytes, const_cast<uint8_t*>(data), p_.max_burst_bytes);
  if (hit && ok)
    throw std::logic_error(std::string(name()) + ": an injected master abort's address was claimed by a target");
  if (hit) {  // (a target abort on an ordinary address would set bit 12 instead: not modelled here)
    pci_status_ |= kStatusReceivedMasterAbort;
    ++master_aborts_;
  }
  return ok;
}

bool PciMaster::dma_read(uint64_t addr, uint64_t bytes, uint8_t* data) {
  return transfer(tlm::TLM_READ_COMMAND, addr, bytes, data, std::min(p_.max_burst_bytes, p_.max_read_bytes));
}

bool PciMaster::pio_read(uint64_t addr, void* data, unsigned len) {
  flush();  // reads push posted writes
  wait(half_bridge_);
  sc_time rest;  // from the claim edge (data sampled) to the transaction's end
  const bool ok = transfer(tlm::TLM_READ_COMMAND, addr, len, static_cast<uint8_t*>(data), p_.max_read_bytes, &rest);
  wait(rest + half_bridge_);  // the data's way back through the bridge
  if (!ok) std::memset(data, 0xff, len);  // master abort reads as all ones
  return ok;
}

uint32_t PciMaster::pio_read32(uint64_t addr) {
  uint32_t v = 0;
  pio_read(addr, &v, 4);
  return v;
}

uint64_t PciMaster::pio_read64(uint64_t addr) {
  uint64_t v = 0;
  pio_read(addr, &v, 8);
  return v;
}

void PciMaster::pio_write(uint64_t addr, const void* data, unsigned len) {
  retire_due();
  if (post_count_ >= posted_.size()) {
    ++post_stalls_;
    for (; post_count_ >= posted_.size(); retire_due()) wait_post();
  }
  const auto* b = static_cast<const uint8_t*>(data);
  // The write reaches the bus side of the bridge half a round trip later;
  // consecutive writes pipeline through the bridge.
  Posted& w = posted_[(post_head_ + post_count_) % posted_.size()];
  w.addr = addr;
  w.bytes.assign(b, b + len);
  w.at_bridge = sc_core::sc_time_stamp() + half_bridge_;
  ++post_count_;
  // An idle poster wakes when the write reaches the bridge (a busy one finds
  // it when it looks; an earlier pending wake-up is kept by the event).
  post_added_.notify(half_bridge_);
  wait(post_cost_);
}

void PciMaster::retire_due() {
  const sc_time now = sc_core::sc_time_stamp();
  while (post_sent_ && posted_[post_head_].end <= now) {
    post_head_ = (post_head_ + 1) % posted_.size();
    --post_count_;
    --post_sent_;
  }
}

void PciMaster::flush() {
  for (retire_due(); post_count_; retire_due()) wait_post();
}

// Until the oldest posted write leaves the buffer: its end if it is on the
// bus, else until the poster sends it and says when it ends.
void PciMaster::wait_post() {
  if (post_sent_) {
    wait(posted_[post_head_].end - sc_core::sc_time_stamp());
    return;
  }
  post_watched_ = true;
  wait(post_done_);
}

// One write at a time, in order: each goes out once it has reached the bridge
// and the previous one's transaction has ended (where the bus released itself).
void PciMaster::poster() {
  for (;;) {
    retire_due();
    while (post_count_ == post_sent_) {
      wait(post_added_);
      retire_due();
    }
    Posted& w = posted_[(post_head_ + post_sent_) % posted_.size()];
    const sc_time go = std::max(w.at_bridge, post_bus_free_), now = sc_core::sc_time_stamp();
    if (go > now) wait(go - now);
    sc_time rest;
    transfer(tlm::TLM_WRITE_COMMAND, w.addr, w.bytes.size(), w.bytes.data(), p_.max_burst_bytes, &rest);
    w.end = post_bus_free_ = sc_core::sc_time_stamp() + rest;
    ++post_sent_;
    // Stalled writers and flush() waiting for it look again at its end.
    if (post_watched_) {
      post_watched_ = false;
      if (rest > SC_ZERO_TIME) post_done_.notify(rest);
      else post_done_.notify(SC_ZERO_TIME);
    }
  }
}

} // namespace iosim
