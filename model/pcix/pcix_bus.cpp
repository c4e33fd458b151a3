#include "model/pcix/pcix_bus.hpp"

#include "model/pcix/pci_disconnect.hpp"
#include "model/stats/vcd.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

PcixBus::PcixBus(sc_core::sc_module_name name, const PcixBusParams& p)
    : sc_module(name), tsock("tsock"), isock("isock"), p_(p) {
  p_.validate();
  tsock.register_b_transport(this, &PcixBus::b_transport);
  tsock.register_transport_dbg(this, &PcixBus::transport_dbg);
}

void PcixBus::map(int target, uint64_t base, uint64_t size, std::string name) {
  if (size == 0) throw std::invalid_argument(std::string(this->name()) + ": empty range '" + name + "'");
  for (const auto& m : map_)
    if (base < m.base + m.size && m.base < base + size)
      throw std::invalid_argument(std::string(this->name()) + ": range '" + name + "' overlaps '" + m.name + "'");
  map_.push_back({target, base, size, std::move(name)});
}

void PcixBus::name_master(int master, std::string name) {
  if (master_names_.size() <= size_t(master)) master_names_.resize(master + 1);
  master_names_[master] = std::move(name);
}

// Sized once the masters are bound: references into stats_ stay valid while
// a transaction waits.
void PcixBus::end_of_elaboration() {
  stats_.resize(tsock.size());
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only; masters are named by now
    v_busy_ = w->add(name(), "busy", 1);
    w->set(v_busy_, 0);
    for (size_t i = 0; i < tsock.size(); ++i) {
      const bool named = i < master_names_.size() && !master_names_[i].empty();
      v_gnt_.push_back(w->add(name(), "gnt_" + (named ? master_names_[i] : "m" + std::to_string(i)), 1));
      w->set(v_gnt_.back(), 0);
    }
  }
}

// The grant takes effect at edge k, usually still ahead of simulated time.
void PcixBus::trace_grant(int master, uint64_t k) {
  VcdWriter* w = vcd_writer();
  if (size_t(master) >= v_gnt_.size()) return;
  const uint64_t t = vcd_ps(std::max(time_of(k), sc_core::sc_time_stamp()));
  w->schedule(v_busy_, 1, t);
  w->schedule(v_gnt_[size_t(master)], 1, t);
  gnt_ = master;
}

PcixBus::MasterStats& PcixBus::ms(int master) { return stats_.at(master); }

const PcixBus::MasterStats& PcixBus::master_stats(int master) const {
  static const MasterStats none;
  return size_t(master) < stats_.size() ? stats_[master] : none;
}

const PcixBus::Mapping* PcixBus::decode(uint64_t addr, uint64_t len) const {
  for (const auto& m : map_)
    if (addr >= m.base && addr - m.base < m.size) return (len <= m.size - (addr - m.base)) ? &m : nullptr;
  return nullptr;
}

// --- clock edges ---------------------------------------------------------
// Edges are numbered from time 0 and converted to time by multiplication, so
// rounding to the 1 ps resolution never accumulates over a run.
uint64_t PcixBus::edge_at_or_after(const sc_time& t) const {
  const double c = t.to_seconds() * p_.clock_hz;
  return uint64_t(std::ceil(c - 1e-6));
}

uint64_t PcixBus::ceil_cycles(const sc_time& d) const {
  const double c = d.to_seconds() * p_.clock_hz;
  return c <= 0 ? 0 : uint64_t(std::ceil(c - 1e-6));
}

void PcixBus::wait_edge(uint64_t edge) {
  const sc_time t = time_of(edge), now = sc_core::sc_time_stamp();
  if (t > now) wait(t - now);
}

// --- arbitration ---------------------------------------------------------
// FIFO among waiting masters: each master's request waits behind the ones
// made before it, so masters that keep requesting get equal turns (the
// PCI 2.3 arbiter only has to be "fair"; FIFO is the simplest fair policy).
uint64_t PcixBus::acquire(int master) {
  const sc_time t_req = sc_core::sc_time_stamp();
  const bool idle = !owned_;
  if (idle) {
    owned_ = true;
  } else {
    Waiter w;
    waiting_.push_back(&w);
    wait(w.granted);  // release() hands the bus over; arbitration was hidden
  }
  uint64_t k = std::max(edge_at_or_after(sc_core::sc_time_stamp()), free_edge_);
  if (idle) k += p_.arb_cycles;
  if (vcd_writer()) trace_grant(master, k);
  auto& s = ms(master);
  s.arb_wait_s += (time_of(k) - t_req).to_seconds();
  ++s.arbitrations;
  return k;
}

void PcixBus::release(uint64_t start, uint64_t end) {
  busy_s_ += (time_of(end) - std::max(time_of(start), window_start_)).to_seconds();
  free_edge_ = end;
  if (VcdWriter* w = vcd_writer(); w && gnt_ >= 0) {
    w->set(v_busy_, 0);
    w->set(v_gnt_[size_t(gnt_)], 0);
  }
  if (waiting_.empty()) {
    owned_ = false;
  } else {
    waiting_.front()->granted.notify(SC_ZERO_TIME);
    waiting_.pop_front();
  }
}

// --- transport -------------------------------------------------------------
void PcixBus::b_transport(int master, tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (delay > SC_ZERO_TIME) {  // LT initiator ahead of simulated time: catch up first
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  const uint64_t addr = gp.get_address(), len = gp.get_data_length();
  const Mapping* m = decode(addr, std::max<uint64_t>(len, 1));
  if (!m) {
    master_abort(master);
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  // Cut at each 4 KB boundary and wherever the target disconnects; every
  // piece is its own transaction. An uncut transfer goes through as is.
  const uint64_t B = p_.boundary_bytes;
  unsigned char* data = gp.get_data_ptr();
  for (uint64_t done = 0; done < std::max<uint64_t>(len, 1);) {
    const uint64_t a = addr + done, piece = std::min(std::max<uint64_t>(len, 1) - done, B - a % B);
    if (done == 0 && piece >= len) {
      gp.set_address(a - m->base);
      done = transaction(master, *m, gp, a);
      gp.set_address(addr);
      if (gp.is_response_error()) return;
      continue;
    }
    if (gp.get_byte_enable_ptr()) {  // cutting byte-enable patterns is not supported
      gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return;
    }
    tlm::tlm_generic_payload sub;
    sub.set_command(gp.get_command());
    sub.set_address(a - m->base);
    sub.set_data_ptr(data ? data + done : nullptr);
    sub.set_data_length(unsigned(piece));
    sub.set_streaming_width(unsigned(piece));
    sub.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    done += transaction(master, *m, sub, a);
    if (sub.is_response_error()) {
      gp.set_response_status(sub.get_response_status());
      return;
    }
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void PcixBus::master_abort(int master) {
  const uint64_t k0 = acquire(master);
  const uint64_t k = k0 + p_.addr_cycles + p_.master_abort_cycles + p_.turnaround_cycles;
  wait_edge(k);
  ++ms(master).errors;
  release(k0, k);
}

uint64_t PcixBus::transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr) {
  uint64_t len = std::max<uint64_t>(gp.get_data_length(), 1);
  const uint64_t W = p_.width_bytes;
  const uint64_t addr_phase = p_.addr_cycles + (bus_addr >> 32 ? p_.dac_cycles : 0) + (p_.pcix() ? p_.attr_cycles : 0);
  const uint64_t head = addr_phase + p_.decode_cycles;

  uint64_t k0 = acquire(master);
  uint64_t k = k0 + head;
  wait_edge(k);  // the target claims the transaction here; data phases start
  sc_time lat = SC_ZERO_TIME;
  const sc_time t_claim = sc_core::sc_time_stamp();
  PciDisconnect dc;
  gp.set_extension(&dc);
  isock[m.target]->b_transport(gp, lat);  // target stores / supplies the bytes, returns its initial latency
  gp.clear_extension(&dc);
  if (dc.accepted < len && gp.is_write()) len = std::max<uint64_t>(dc.accepted, 1);  // target disconnect
  const uint64_t phases = (bus_addr % W + len + W - 1) / W;  // bus words touched
  auto& s = ms(master);
  ++s.transactions;
  if (gp.is_response_error()) {  // target abort: one data phase with STOP#, no data
    ++s.errors;
    k += 1 + p_.turnaround_cycles;
    wait_edge(k);
    release(k0, k);
    return 0;
  }
  s.bytes += std::min<uint64_t>(len, gp.get_data_length());
  const uint64_t w = ceil_cycles(lat);
  if (w <= p_.max_initial_latency_cycles || gp.is_write()) {
    // Target answers in time (or a posted write: the target inserts wait states).
    k += w + phases + p_.turnaround_cycles;
    wait_edge(k);
    release(k0, k);
    return len;
  }
  const sc_time ready = t_claim + lat;
  if (p_.pcix()) {
    // Split transaction: Split Response frees the bus; the completer arbitrates
    // once its data is ready and sends a split completion (address + attribute
    // carrying the requester ID, decode by the requester, data phases).
    ++s.splits;
    k += p_.split_response_cycles + p_.turnaround_cycles;
    wait_edge(k);
    release(k0, k);
    if (ready > sc_core::sc_time_stamp()) wait(ready - sc_core::sc_time_stamp());
    const uint64_t c0 = acquire(master);
    const uint64_t c = c0 + p_.addr_cycles + p_.attr_cycles + p_.decode_cycles + phases + p_.turnaround_cycles;
    wait_edge(c);
    release(c0, c);
    return len;
  }
  // Conventional PCI delayed transaction: Retry now, the target fetches the
  // data meanwhile, the master repeats the read until it completes.
  k += p_.retry_cycles + p_.turnaround_cycles;
  wait_edge(k);
  release(k0, k);
  for (;;) {
    wait(cycles(p_.retry_gap_cycles));
    const uint64_t r0 = acquire(master);
    uint64_t r = r0 + head;
    if (time_of(r) >= ready) {
      r += phases + p_.turnaround_cycles;
      wait_edge(r);
      release(r0, r);
      return len;
    }
    ++s.retries;
    r += p_.retry_cycles + p_.turnaround_cycles;
    wait_edge(r);
    release(r0, r);
  }
}

unsigned PcixBus::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const Mapping* m = decode(addr, std::max<unsigned>(gp.get_data_length(), 1));
  if (!m) return 0;
  gp.set_address(addr - m->base);
  const unsigned n = isock[m->target]->transport_dbg(gp);
  gp.set_address(addr);
  return n;
}

// --- statistics ------------------------------------------------------------
void PcixBus::reset_stats() {
  for (auto& s : stats_) s = MasterStats{};
  busy_s_ = 0;
  window_start_ = sc_core::sc_time_stamp();
}

void PcixBus::report(Stats& out, double window_s) const {
  const std::string b = name();
  uint64_t bytes = 0;
  for (size_t i = 0; i < stats_.size(); ++i) {
    const auto& s = stats_[i];
    const std::string mn = b + "." + (i < master_names_.size() && !master_names_[i].empty() ? master_names_[i]
                                                                                           : "m" + std::to_string(i));
    out.group(mn, "pci_master").add("bytes", double(s.bytes), "B", StatKind::Counter, "bytes moved by this master");
    out.group(mn, "pci_master").add("transactions", double(s.transactions), "count", StatKind::Counter, "bus transactions (4 KB pieces)");
    out.group(mn, "pci_master").add("splits", double(s.splits), "count", StatKind::Counter, "PCI-X split reads");
    out.group(mn, "pci_master").add("retries", double(s.retries), "count", StatKind::Counter, "PCI delayed-read retries");
    out.group(mn, "pci_master").add("errors", double(s.errors), "count", StatKind::Counter, "master / target aborts");
    out.group(mn, "pci_master").add("arb_wait_us", s.arbitrations ? 1e6 * s.arb_wait_s / double(s.arbitrations) : 0, "us", StatKind::Distribution, "mean wait from bus request to FRAME#");
    out.group(mn, "pci_master").add("MBps", window_s > 0 ? double(s.bytes) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "achieved");
    bytes += s.bytes;
  }
  out.group(b, "pci_bus").add("util", window_s > 0 ? 100.0 * busy_s_ / window_s : 0, "%", StatKind::Fraction, "busy fraction of bus clocks");
  out.group(b, "pci_bus").add("MBps", window_s > 0 ? double(bytes) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "achieved, all masters");
  out.group(b, "pci_bus").add("peak_MBps", p_.peak_bytes_per_s() / 1e6, "MB/s", StatKind::Setting, "width x clock");
}

} // namespace iosim
