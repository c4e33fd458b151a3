#include "model/pcix/host_memory.hpp"

#include "model/pcix/pci_disconnect.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_SEC;
using sc_core::SC_ZERO_TIME;

HostMemory::HostMemory(sc_core::sc_module_name name, const HostMemoryParams& p)
    : sc_module(name), socket("socket"), p_(p) {
  if (!(p_.bandwidth > 0)) throw std::invalid_argument(std::string(this->name()) + ": bandwidth must be > 0");
  socket.register_b_transport(this, &HostMemory::b_transport);
  socket.register_transport_dbg(this, &HostMemory::transport_dbg);
}

void HostMemory::copy_in(uint64_t addr, const uint8_t* src, uint64_t len) {
  while (len) {
    const uint64_t off = addr % kPage, n = std::min(len, kPage - off);
    auto it = pages_.find(addr / kPage);
    if (it == pages_.end()) it = pages_.emplace(addr / kPage, std::array<uint8_t, kPage>{}).first;
    std::memcpy(it->second.data() + off, src, n);
    addr += n; src += n; len -= n;
  }
}

void HostMemory::copy_out(uint64_t addr, uint8_t* dst, uint64_t len) const {
  while (len) {
    const uint64_t off = addr % kPage, n = std::min(len, kPage - off);
    auto it = pages_.find(addr / kPage);
    if (it == pages_.end()) std::memset(dst, 0, n);
    else std::memcpy(dst, it->second.data() + off, n);
    addr += n; dst += n; len -= n;
  }
}

void HostMemory::write(uint64_t addr, const void* data, uint64_t len) {
  copy_in(addr, static_cast<const uint8_t*>(data), len);
}

void HostMemory::read(uint64_t addr, void* data, uint64_t len) const {
  copy_out(addr, static_cast<uint8_t*>(data), len);
}

void HostMemory::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const uint64_t addr = gp.get_address();
  uint64_t len = gp.get_data_length();
  if (gp.is_write() && p_.disconnect_bytes) {
    const uint64_t room = p_.disconnect_bytes - addr % p_.disconnect_bytes;
    if (len > room)
      if (auto* dc = gp.get_extension<PciDisconnect>()) dc->accepted = len = room;
  }
  const sc_time now = sc_core::sc_time_stamp() + delay;
  const sc_time xfer(double(len) / p_.bandwidth, SC_SEC);
  const sc_time backlog = drained_at_ > now ? drained_at_ - now : SC_ZERO_TIME;
  if (gp.is_write()) {
    // Room for len bytes once the backlog is below (buffer - len) / bandwidth.
    const double room_s = double(p_.write_buffer_bytes) / p_.bandwidth - double(len) / p_.bandwidth;
    const double stall = std::max(0.0, backlog.to_seconds() - room_s);
    stall_s_ += stall;
    const sc_time accept = now + sc_time(stall, SC_SEC);
    drained_at_ = std::max(drained_at_, accept) + xfer;
    delay += sc_time(p_.write_latency + stall, SC_SEC);
    if (p_.store && gp.get_data_ptr()) copy_in(addr, gp.get_data_ptr(), len);
    bytes_w_ += len;
  } else if (gp.is_read()) {
    // The bridge drains posted writes before the read, then DRAM streams it.
    delay += backlog + sc_time(p_.read_latency, SC_SEC);
    drained_at_ = now + backlog + xfer;
    if (uint8_t* d = gp.get_data_ptr()) {
      if (p_.store) copy_out(addr, d, len);
      else std::memset(d, 0, len);
    }
    bytes_r_ += len;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned HostMemory::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t len = gp.get_data_length();
  if (!gp.get_data_ptr()) return 0;
  if (gp.is_write()) copy_in(gp.get_address(), gp.get_data_ptr(), len);
  else if (gp.is_read()) copy_out(gp.get_address(), gp.get_data_ptr(), len);
  return unsigned(len);
}

void HostMemory::report(Stats& out, double window_s) const {
  const std::string b = name();
  out.group(b, "host_memory").add("dma_write_MBps", window_s > 0 ? double(bytes_w_) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "DMA into host RAM");
  out.group(b, "host_memory").add("dma_read_MBps", window_s > 0 ? double(bytes_r_) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "DMA from host RAM");
  out.group(b, "host_memory").add("write_stall_us", stall_s_ * 1e6, "us", StatKind::Distribution, "DMA writes waiting for posted-write buffer space");
}

} // namespace iosim
