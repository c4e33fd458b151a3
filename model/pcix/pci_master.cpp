#include "model/pcix/pci_master.hpp"

#include <algorithm>
#include <cstring>
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
  SC_HAS_PROCESS(PciMaster);
  SC_THREAD(poster);
}

// One generic payload per burst, reused; the bus cuts again at 4 KB boundaries
// if the burst crosses one.
bool PciMaster::transfer(tlm::tlm_command cmd, uint64_t addr, uint64_t bytes, uint8_t* data, uint64_t burst) {
  tlm::tlm_generic_payload gp;
  for (uint64_t done = 0; done < bytes;) {
    const uint64_t n = std::min(bytes - done, burst);
    gp.set_command(cmd);
    gp.set_address(addr + done);
    gp.set_data_ptr(data ? data + done : scratch_.data());
    gp.set_data_length(unsigned(n));
    gp.set_streaming_width(unsigned(n));
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(gp, delay);
    if (delay > SC_ZERO_TIME) wait(delay);
    if (gp.is_response_error()) {
      ++errors_;
      return false;
    }
    done += n;
  }
  return true;
}

bool PciMaster::dma_write(uint64_t addr, uint64_t bytes, const uint8_t* data) {
  // The target only reads from the pointer on a write.
  return transfer(tlm::TLM_WRITE_COMMAND, addr, bytes, const_cast<uint8_t*>(data), p_.max_burst_bytes);
}

bool PciMaster::dma_read(uint64_t addr, uint64_t bytes, uint8_t* data) {
  return transfer(tlm::TLM_READ_COMMAND, addr, bytes, data, std::min(p_.max_burst_bytes, p_.max_read_bytes));
}

bool PciMaster::pio_read(uint64_t addr, void* data, unsigned len) {
  flush();  // reads push posted writes
  const sc_time half(p_.host_bridge_latency / 2, SC_SEC);
  wait(half);
  const bool ok = transfer(tlm::TLM_READ_COMMAND, addr, len, static_cast<uint8_t*>(data), p_.max_read_bytes);
  wait(half);
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
  if (posted_.size() >= p_.post_buffer_entries) {
    ++post_stalls_;
    while (posted_.size() >= p_.post_buffer_entries) wait(post_done_);
  }
  const auto* b = static_cast<const uint8_t*>(data);
  // The write reaches the bus side of the bridge half a round trip later;
  // consecutive writes pipeline through the bridge.
  const sc_time at_bridge = sc_core::sc_time_stamp() + sc_time(p_.host_bridge_latency / 2, SC_SEC);
  posted_.push_back({addr, std::vector<uint8_t>(b, b + len), at_bridge});
  post_added_.notify(SC_ZERO_TIME);
  wait(sc_time(p_.posted_write_cost, SC_SEC));
}

void PciMaster::flush() {
  while (!posted_.empty()) wait(post_done_);
}

void PciMaster::poster() {
  for (;;) {
    while (posted_.empty()) wait(post_added_);
    Posted& w = posted_.front();
    if (w.at_bridge > sc_core::sc_time_stamp()) wait(w.at_bridge - sc_core::sc_time_stamp());
    transfer(tlm::TLM_WRITE_COMMAND, w.addr, w.bytes.size(), w.bytes.data(), p_.max_burst_bytes);
    posted_.pop_front();
    post_done_.notify(SC_ZERO_TIME);
  }
}

} // namespace iosim
