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
  write_lat_ = sc_time(p_.write_latency, SC_SEC);
  read_lat_ = sc_time(p_.read_latency, SC_SEC);
}

void HostMemory::count(const Access& a, Totals& t) const {
  if (a.write) {
    t.stall_s += a.stall_s;
    t.w += a.bytes;
  } else {
    t.r += a.bytes;
  }
}

void HostMemory::settle() {
  const uint64_t now = sc_core::sc_time_stamp().value();
  while (ahead_head_ < ahead_.size() && ahead_[ahead_head_].t_ps <= now) count(ahead_[ahead_head_++], tot_);
  if (ahead_head_ == ahead_.size()) {  // keeps its capacity: no allocation once warm
    ahead_.clear();
    ahead_head_ = 0;
  }
}

HostMemory::Totals HostMemory::seen() const {
  Totals t = tot_;
  const uint64_t now = sc_core::sc_time_stamp().value();
  for (size_t i = ahead_head_; i < ahead_.size() && ahead_[i].t_ps <= now; ++i) count(ahead_[i], t);
  return t;
}

void HostMemory::reset_stats() {
  settle();
  tot_ = Totals{};
}

// The calls being taken back were made ahead of time, after every access that
// simulated time has reached: they are the newest entries.
void HostMemory::ahead_rewind(const Mark& m) {
  drained_at_ = sc_time::from_value(m.a);
  while (ahead_.size() > ahead_head_ && ahead_.back().seq >= m.b) ahead_.pop_back();
  seq_ = m.b;
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
  if (!p_.store)
    if (auto* dc = gp.get_extension<PciDisconnect>()) dc->ahead = this;  // only timing state: see pci_chain.hpp
  settle();
  const sc_time now = sc_core::sc_time_stamp() + delay;  // the claim edge, maybe still ahead
  if (len != xfer_len_) {  // DMA pieces mostly have one size: convert it once
    xfer_len_ = len;
    xfer_ = sc_time(double(len) / p_.bandwidth, SC_SEC);
  }
  const sc_time xfer = xfer_;
  const sc_time backlog = drained_at_ > now ? drained_at_ - now : SC_ZERO_TIME;
  Access acc{now.value(), seq_++, len, 0, gp.is_write()};
  if (gp.is_write()) {
    // Room for len bytes once the backlog is below (buffer - len) / bandwidth.
    const double room_s = double(p_.write_buffer_bytes) / p_.bandwidth - double(len) / p_.bandwidth;
    const double stall = std::max(0.0, backlog.to_seconds() - room_s);
    acc.stall_s = stall;
    const sc_time accept = stall > 0 ? now + sc_time(stall, SC_SEC) : now;
    drained_at_ = std::max(drained_at_, accept) + xfer;
    delay += stall > 0 ? sc_time(p_.write_latency + stall, SC_SEC) : write_lat_;
    if (p_.store && gp.get_data_ptr()) copy_in(addr, gp.get_data_ptr(), len);
  } else if (gp.is_read()) {
    // The bridge drains posted writes before the read, then DRAM streams it.
    delay += backlog + read_lat_;
    drained_at_ = now + backlog + xfer;
    if (uint8_t* d = gp.get_data_ptr()) {
      if (p_.store) copy_out(addr, d, len);
      else std::memset(d, 0, len);
    }
  } else {
    acc.bytes = 0;
  }
  if (acc.t_ps <= sc_core::sc_time_stamp().value()) count(acc, tot_);
  else ahead_.push_back(acc);
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
  const Totals t = seen();
  out.group(b, "host_memory")
      .add("dma_write_rate", window_s > 0 ? double(t.w) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "DMA into host RAM")
      .add("dma_read_rate", window_s > 0 ? double(t.r) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "DMA from host RAM")
      .add("write_stall", t.stall_s * 1e6, "us", StatKind::Counter,
           "total time DMA writes waited for posted-write buffer space");
}

} // namespace iosim
