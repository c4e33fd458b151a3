#include "model/pcix/memory_target.hpp"

#include <algorithm>
#include <cstring>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_SEC;

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, const MemoryTargetParams& p)
    : sc_module(name), socket("socket"), p_(p), mem_(p.size, 0) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
}

uint32_t MemoryTarget::load32(uint64_t off) const {
  uint32_t v;
  std::memcpy(&v, &mem_.at(off + 3) - 3, 4);
  return v;
}

void MemoryTarget::store32(uint64_t off, uint32_t v) { std::memcpy(&mem_.at(off + 3) - 3, &v, 4); }

void MemoryTarget::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t off = gp.get_address(), len = gp.get_data_length();
  uint8_t* d = gp.get_data_ptr();
  if (off > mem_.size() || len > mem_.size() - off || !d) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const uint8_t* be = gp.get_byte_enable_ptr();
  const unsigned be_len = gp.get_byte_enable_length();
  auto enabled = [&](uint64_t i) { return !be || be[i % be_len] == TLM_BYTE_ENABLED; };
  if (gp.is_write()) {
    for (uint64_t i = 0; i < len; ++i)
      if (enabled(i)) mem_[off + i] = d[i];
    delay += sc_time(p_.write_latency, SC_SEC);
    ++writes_;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    if (on_write) on_write(off, len);
    return;
  }
  if (gp.is_read()) {
    for (uint64_t i = 0; i < len; ++i)
      if (enabled(i)) d[i] = mem_[off + i];
    delay += sc_time(p_.read_latency, SC_SEC);
    ++reads_;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned MemoryTarget::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t off = gp.get_address();
  if (off >= mem_.size() || !gp.get_data_ptr()) return 0;
  const uint64_t n = std::min<uint64_t>(gp.get_data_length(), mem_.size() - off);
  if (gp.is_write()) std::memcpy(&mem_[off], gp.get_data_ptr(), n);
  else if (gp.is_read()) std::memcpy(gp.get_data_ptr(), &mem_[off], n);
  return unsigned(n);
}

} // namespace iosim
