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
  // Integer edges when the period is a whole number of ticks: 7.5 / 15 / 30 ns
  // for the presets. Conversions then equal the floating-point ones (their
  // rounding error is far below half a tick), only cheaper.
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  const double per = 1.0 / (p_.clock_hz * res);
  if (per >= 1 && std::abs(per - std::round(per)) < 1e-6) period_t_ = uint64_t(std::round(per));
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
  for (size_t i = sub_.size(); i < tsock.size(); ++i) sub_.emplace_back(new tlm::tlm_generic_payload);
  ahead_.assign(isock.size(), nullptr);
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
  settle();
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
uint64_t PcixBus::ticks_of(uint64_t edge) const {
  return period_t_ ? edge * period_t_ : sc_time(double(edge) / p_.clock_hz, sc_core::SC_SEC).value();
}

uint64_t PcixBus::edge_at_or_after(uint64_t t) const {
  if (period_t_) return (t + period_t_ - 1) / period_t_;
  const double c = sc_time::from_value(t).to_seconds() * p_.clock_hz;
  return uint64_t(std::ceil(c - 1e-6));
}

uint64_t PcixBus::ceil_cycles(const sc_time& d) const {
  if (period_t_) return (d.value() + period_t_ - 1) / period_t_;
  const double c = d.to_seconds() * p_.clock_hz;
  return c <= 0 ? 0 : uint64_t(std::ceil(c - 1e-6));
}

void PcixBus::wait_edge(uint64_t edge) {
  const uint64_t t = ticks_of(edge), now = sc_core::sc_time_stamp().value();
  if (t > now) wait(sc_time::from_value(t - now));
}

// --- arbitration ---------------------------------------------------------
// FIFO among waiting masters: each master's request waits behind the ones
// made before it, so masters that keep requesting get equal turns (the
// PCI 2.3 arbiter only has to be "fair"; FIFO is the simplest fair policy).
uint64_t PcixBus::acquire(int master) {
  const uint64_t t_req = sc_core::sc_time_stamp().value();
  const bool idle = !owned_;
  if (idle) {
    owned_ = true;
  } else {
    if (chain_.live) cut_chain();
    if (free_waiters_.empty()) {
      waiters_.emplace_back(new Waiter);
      free_waiters_.push_back(waiters_.back().get());
    }
    Waiter* w = free_waiters_.back();
    free_waiters_.pop_back();
    w->next = nullptr;
    (wait_tail_ ? wait_tail_->next : wait_head_) = w;
    wait_tail_ = w;
    wait(w->granted);  // hand_over() grants the bus; arbitration was hidden
    free_waiters_.push_back(w);
  }
  uint64_t k = std::max(edge_at_or_after(sc_core::sc_time_stamp().value()), free_edge_);
  if (idle) k += p_.arb_cycles;
  if (vcd_writer()) trace_grant(master, k);
  auto& s = ms(master);
  s.arb_wait_s += sc_time::from_value(ticks_of(k) - t_req).to_seconds();
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
  hand_over();
}

void PcixBus::hand_over() {
  if (!wait_head_) {
    owned_ = false;
    return;
  }
  Waiter* w = wait_head_;
  wait_head_ = w->next;
  if (!wait_head_) wait_tail_ = nullptr;
  w->granted.notify(SC_ZERO_TIME);
}

// --- tenure chains ---------------------------------------------------------
// Statistics of a planned piece land when simulated time reaches the moment the
// one-wait-per-piece bus counted them: arbitration when the piece asked for the
// bus, the transaction and its bytes at the claim edge, busy time at its end.
void PcixBus::settle() const {
  Chain& c = chain_;
  if (c.settled >= c.n) return;
  const uint64_t now = sc_core::sc_time_stamp().value();
  for (; c.settled < c.n; ++c.settled) {
    Piece& pc = c.pieces[c.settled];
    MasterStats& s = stats_[size_t(c.master)];
    if (pc.stage < 1) {
      if (pc.req_t > now) return;
      s.arb_wait_s += sc_time::from_value(ticks_of(pc.k0) - pc.req_t).to_seconds();
      ++s.arbitrations;
      pc.stage = 1;
    }
    if (pc.stage < 2) {
      if (pc.claim_t > now) return;
      ++s.transactions;
      s.bytes += pc.bytes;
      pc.stage = 2;
    }
    if (pc.end_t > now) return;
    busy_s_ += (sc_time::from_value(pc.end_t) - std::max(time_of(pc.k0), window_start_)).to_seconds();
    pc.stage = 3;
  }
}

// FIFO arbitration grants a newcomer at the end of the piece in flight: the
// first planned piece ending at or after now (a request at exactly a piece's
// end is granted there, before the owner asks again). Later pieces are taken
// back from the target and the owner wakes at that end.
void PcixBus::cut_chain() {
  Chain& c = chain_;
  const uint64_t now = sc_core::sc_time_stamp().value();
  const auto it = std::lower_bound(c.pieces.begin() + long(c.settled), c.pieces.begin() + long(c.n), now,
                                   [](const Piece& pc, uint64_t t) { return pc.end_t < t; });
  const size_t j = size_t(it - c.pieces.begin());
  if (j + 1 >= c.n) return;  // the chain ends there anyway (or was cut already)
  c.target->ahead_rewind(c.pieces[j + 1].mark);
  c.n = j + 1;
  c.end.notify(sc_time::from_value(c.pieces[j].end_t - now));  // earlier than the pending one: replaces it
  ++chain_cuts_;
}

tlm::tlm_generic_payload& PcixBus::piece_payload(int master, tlm::tlm_generic_payload& gp, uint64_t at, uint64_t n,
                                                 uint64_t burst, uint64_t base) {
  tlm::tlm_generic_payload& sub = *sub_[size_t(master)];
  unsigned char* data = gp.get_data_ptr();
  if (data) data += at;
  else if (auto* pb = gp.get_extension<PciBurst>(); pb && pb->scratch) data = pb->scratch + (burst ? at % burst : at);
  sub.set_command(gp.get_command());
  sub.set_address(gp.get_address() + at - base);
  sub.set_data_ptr(data);
  sub.set_data_length(unsigned(n));
  sub.set_streaming_width(unsigned(n));
  sub.set_byte_enable_ptr(nullptr);
  sub.set_byte_enable_length(0);
  sub.set_dmi_allowed(false);
  sub.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  return sub;
}

uint64_t PcixBus::run_chain(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len,
                            uint64_t burst, uint64_t at, uint64_t k0) {
  PciAheadTarget* tgt = ahead_[size_t(m.target)];
  if (!tgt || vcd_writer() || gp.get_byte_enable_ptr()) return 0;  // waveforms: one grant line change per wait
  Chain& c = chain_;
  c.pieces.clear();
  const uint64_t now = sc_core::sc_time_stamp().value();
  const uint64_t B = p_.boundary_bytes, W = p_.width_bytes, end_off = off + len;
  uint64_t k = k0, req_t = now;
  for (uint64_t o = at; o < end_off;) {
    const uint64_t a = gp.get_address() + o;
    uint64_t n = std::min(end_off - o, B - a % B);
    if (burst) n = std::min(n, burst - o % burst);
    const uint64_t addr_phase = p_.addr_cycles + (a >> 32 ? p_.dac_cycles : 0) + (p_.pcix() ? p_.attr_cycles : 0);
    const uint64_t kc = k + addr_phase + p_.decode_cycles, claim_t = ticks_of(kc);
    tlm::tlm_generic_payload& pl = piece_payload(master, gp, o, n, burst, m.base);
    const PciAheadTarget::Mark mark = tgt->ahead_mark();
    const sc_time ahead = sc_time::from_value(claim_t - now);
    sc_time lat = ahead;
    PciDisconnect dc;
    pl.set_extension(&dc);
    isock[m.target]->b_transport(pl, lat);
    pl.clear_extension(&dc);
    lat -= ahead;
    const uint64_t w = ceil_cycles(lat);
    if (pl.is_response_error() || dc.ahead != tgt || (!pl.is_write() && w > p_.max_initial_latency_cycles)) {
      tgt->ahead_rewind(mark);  // a piece for the one-wait-at-a-time path
      break;
    }
    uint64_t moved = n;
    if (dc.accepted < n && pl.is_write()) moved = std::max<uint64_t>(dc.accepted, 1);
    const uint64_t phases = (a % W + moved + W - 1) / W;
    const uint64_t ke = kc + w + phases + p_.turnaround_cycles;
    c.pieces.push_back({req_t, k, ke, claim_t, ticks_of(ke), std::min(moved, n), o + moved, mark, uint8_t(o == at)});
    o += moved;
    if (wait_head_) break;  // a master already waits: it gets the bus when this piece ends
    // The bus is idle at the end of the piece: the next one arbitrates again.
    req_t = c.pieces.back().end_t;
    k = ke + p_.arb_cycles;
  }
  if (c.pieces.empty()) return 0;
  ++chains_;
  c.live = true;
  c.master = master;
  c.target = tgt;
  c.n = c.pieces.size();
  c.settled = 0;
  c.end.notify(sc_time::from_value(c.pieces.back().end_t - now));
  wait(c.end);  // cut_chain() may move this to an earlier piece's end
  settle();
  c.live = false;
  const Piece& last = c.pieces[c.n - 1];
  free_edge_ = last.ke;
  hand_over();
  return last.next - at;
}

// --- transport -------------------------------------------------------------
void PcixBus::b_transport(int master, tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (delay > SC_ZERO_TIME) {  // LT initiator ahead of simulated time: catch up first
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  const uint64_t addr = gp.get_address(), len = gp.get_data_length();
  const PciBurst* pb = gp.get_extension<PciBurst>();
  const uint64_t burst = pb && pb->burst && pb->burst < len ? pb->burst : 0;
  const Mapping* m = decode(addr, std::max<uint64_t>(len, 1));
  if (!m && burst) {
    // Several bursts, not all in one window: each decodes on its own, as the
    // master's separate bursts would.
    for (uint64_t done = 0; done < len; done += burst) {
      const uint64_t n = std::min(len - done, burst);
      const Mapping* mb = decode(addr + done, n);
      if (!mb) {
        master_abort(master);
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
      }
      if (!move(master, *mb, gp, done, n, burst)) return;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (!m) {
    master_abort(master);
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (move(master, *m, gp, 0, len, burst)) gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Cut at each 4 KB boundary, at the master's bursts and wherever the target
// disconnects; every piece is its own transaction. An uncut transfer goes
// through as is.
bool PcixBus::move(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len,
                   uint64_t burst) {
  const uint64_t B = p_.boundary_bytes, addr = gp.get_address(), total = std::max<uint64_t>(len, 1);
  for (uint64_t done = 0; done < total;) {
    const uint64_t a = addr + off + done;
    uint64_t piece = std::min(total - done, B - a % B);
    if (burst) piece = std::min(piece, burst - (off + done) % burst);
    const bool whole = off == 0 && done == 0 && piece >= gp.get_data_length();
    if (!whole && gp.get_byte_enable_ptr()) {  // cutting byte-enable patterns is not supported
      gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return false;
    }
    const uint64_t k0 = acquire(master);
    if (len) {
      if (const uint64_t n = run_chain(master, m, gp, off, len, burst, off + done, k0)) {
        done += n;
        continue;
      }
    }
    if (whole) {
      gp.set_address(a - m.base);
      done = transaction(master, m, gp, a, k0);
      gp.set_address(addr);
      if (gp.is_response_error()) return false;
      continue;
    }
    tlm::tlm_generic_payload& sub = piece_payload(master, gp, off + done, piece, burst, m.base);
    done += transaction(master, m, sub, a, k0);
    if (sub.is_response_error()) {
      gp.set_response_status(sub.get_response_status());
      return false;
    }
  }
  return true;
}

void PcixBus::master_abort(int master) {
  const uint64_t k0 = acquire(master);
  const uint64_t k = k0 + p_.addr_cycles + p_.master_abort_cycles + p_.turnaround_cycles;
  wait_edge(k);
  ++ms(master).errors;
  release(k0, k);
}

uint64_t PcixBus::transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr,
                              uint64_t k0) {
  uint64_t len = std::max<uint64_t>(gp.get_data_length(), 1);
  const uint64_t W = p_.width_bytes;
  const uint64_t addr_phase = p_.addr_cycles + (bus_addr >> 32 ? p_.dac_cycles : 0) + (p_.pcix() ? p_.attr_cycles : 0);
  const uint64_t head = addr_phase + p_.decode_cycles;

  uint64_t k = k0 + head;
  wait_edge(k);  // the target claims the transaction here; data phases start
  sc_time lat = SC_ZERO_TIME;
  const sc_time t_claim = sc_core::sc_time_stamp();
  PciDisconnect dc;
  gp.set_extension(&dc);
  isock[m.target]->b_transport(gp, lat);  // target stores / supplies the bytes, returns its initial latency
  gp.clear_extension(&dc);
  if (dc.ahead) ahead_[size_t(m.target)] = dc.ahead;  // plan chains to it from now on
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
  settle();
  for (auto& s : stats_) s = MasterStats{};
  busy_s_ = 0;
  window_start_ = sc_core::sc_time_stamp();
}

void PcixBus::report(Stats& out, double window_s) const {
  settle();
  const std::string b = name();
  uint64_t bytes = 0;
  for (size_t i = 0; i < stats_.size(); ++i) {
    const auto& s = stats_[i];
    const std::string mn = b + "." + (i < master_names_.size() && !master_names_[i].empty() ? master_names_[i]
                                                                                           : "m" + std::to_string(i));
    out.put(mn + ".bytes", double(s.bytes), "B", "bytes moved by this master");
    out.put(mn + ".transactions", double(s.transactions), "count", "bus transactions (4 KB pieces)");
    out.put(mn + ".splits", double(s.splits), "count", "PCI-X split reads");
    out.put(mn + ".retries", double(s.retries), "count", "PCI delayed-read retries");
    out.put(mn + ".errors", double(s.errors), "count", "master / target aborts");
    out.put(mn + ".arb_wait_us", s.arbitrations ? 1e6 * s.arb_wait_s / double(s.arbitrations) : 0, "us",
            "mean wait from bus request to FRAME#");
    out.put(mn + ".MBps", window_s > 0 ? double(s.bytes) / window_s / 1e6 : 0, "MB/s", "achieved");
    bytes += s.bytes;
  }
  out.put(b + ".util", window_s > 0 ? 100.0 * busy_s_ / window_s : 0, "%", "busy fraction of bus clocks");
  out.put(b + ".MBps", window_s > 0 ? double(bytes) / window_s / 1e6 : 0, "MB/s", "achieved, all masters");
  out.put(b + ".peak_MBps", p_.peak_bytes_per_s() / 1e6, "MB/s", "width x clock");
}

} // namespace iosim
