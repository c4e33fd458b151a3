#include "model/net/nic.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

NicRings::NicRings(sc_module_name name, const NicParams& p)
    : sc_module(name), tx(size_t(std::max(1, p.tx_ring))), rx(size_t(std::max(1, p.rx_ring))) {}

Nic::Nic(sc_module_name name, const NicParams& p)
    : sc_module(name), regs("regs"), dma("dma"), irq("irq"), rings("rings"), wire("wire"), p_(p) {
  if (!(p_.link_rate > 0)) throw std::invalid_argument("nic: link_rate must be > 0");
  if (p_.tx_ring < 2 || p_.rx_ring < 1) throw std::invalid_argument("nic: tx_ring >= 2 and rx_ring >= 1");
  if (p_.tx_coalesce < 1) throw std::invalid_argument("nic: tx_coalesce must be >= 1");
  if (p_.tx_fifo_bytes < p_.mtu + 18) throw std::invalid_argument("nic: tx_fifo must hold a full frame");
  regs.register_b_transport(this, &Nic::b_transport);
  SC_THREAD(download_thread);
  SC_THREAD(wire_thread);
  SC_THREAD(upload_thread);
}

double Nic::wire_time(uint32_t frame_bytes) const {
  // frame_bytes: MAC header to FCS (>= min_frame); plus preamble, SFD and the
  // inter-frame gap (framing_bytes less the header and FCS, 18 B).
  const uint32_t gap = p_.framing_bytes > 18 ? p_.framing_bytes - 18 : 0;
  return double(std::max(frame_bytes, p_.min_frame) + gap) / p_.link_rate;
}

void Nic::b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
  const uint64_t off = gp.get_address();
  uint32_t v = 0;
  if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), std::min<unsigned>(4, gp.get_data_length()));
    if (off == kCmd) {
      if (v & kDownStall) stalled_ = true;  // completes at once: the engine is between descriptors
      if (v & kDownUnstall) { stalled_ = false; kick_.notify(SC_ZERO_TIME); }
      if (v & kAckIntr) {
        status_ &= ~(v & (kDownComplete | kUpComplete));
        if (v & kIntLatch) asserted_ = false;  // INTA# deasserted: the next event raises it again
      }
    } else if (off == kDownListPtr) {
      running_ = true;  // the driver points the engine at a descriptor of the list
      kick_.notify(SC_ZERO_TIME);
    } else {
      gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
  } else {
    if (off == kStatus) v = status_ | ((status_ & (kDownComplete | kUpComplete)) ? kIntLatch : 0);
    else if (off == kDownListPtr) v = running_ ? uint32_t(rings->tx_desc_addr(done_)) : 0;
    else { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
    std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
    std::memcpy(gp.get_data_ptr(), &v, std::min<unsigned>(4, gp.get_data_length()));
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Nic::event(uint32_t bit) {
  status_ |= bit;
  if (bit == kDownComplete) ++tx_requests_;
  if (asserted_) return;  // IntLatch still set: the ISR will find this one too
  asserted_ = true;
  ++irqs_;
  if (bit == kDownComplete) ++tx_irqs_;
  irq->raise();
}

// The download engine: one descriptor at a time, while the list goes on.
void Nic::download_thread() {
  NicRings& r = *rings.operator->();
  for (;;) {
    while (!running_ || stalled_ || r.tx_linked <= done_) {
      if (running_ && !stalled_ && r.tx_linked <= done_) running_ = false;  // ran off the end: DownListPtr 0
      wait(kick_);
    }
    const NicRings::TxDesc d = r.tx[size_t(done_ % r.tx.size())];
    dma->read(r.tx_desc_addr(done_), p_.descriptor_bytes + p_.fragment_bytes * (d.fragments - 1));
    // Room in the FIFO: the frame on the wire frees its bytes as they leave
    // (at the link rate), so the next download overlaps its transmission.
    for (;;) {
      const double drained = on_wire_ ? std::min(double(wire_frame_), (sc_time_stamp() - wire_start_).to_seconds() * p_.link_rate) : 0;
      const double deficit = double(fifo_used_) - drained + d.frame.frame_bytes - double(p_.tx_fifo_bytes);
      if (deficit <= 0) break;
      if (on_wire_ && drained + deficit <= double(wire_frame_)) wait(sc_time(deficit / p_.link_rate, SC_SEC));
      else wait(fifo_freed_);
    }
    dma->read(NicRings::kTxBufAddr + (done_ % r.tx.size()) * 2048, d.frame.frame_bytes - 4);  // MAC header + IP packet; the NIC appends the FCS
    fifo_used_ += d.frame.frame_bytes;
    fifo_.push_back(d.frame);
    fifo_ev_.notify(SC_ZERO_TIME);
    ++done_;
    ++downloaded_total_;
    ++downloads_;
    if (d.irq && ++since_irq_ >= p_.tx_coalesce) {
      since_irq_ = 0;
      event(kDownComplete);
    }
    if (r.tx_linked <= done_) kick_.notify(SC_ZERO_TIME);  // re-check (it may stop here)
  }
}

// The transmit side of the link: frames leave in order at the link rate.
void Nic::wire_thread() {
  for (;;) {
    while (fifo_.empty()) wait(fifo_ev_);
    const EthFrame f = fifo_.front();
    const double t = wire_time(f.frame_bytes);
    on_wire_ = true;
    wire_start_ = sc_time_stamp();
    wire_frame_ = f.frame_bytes;
    wait(sc_time(t, SC_SEC));
    on_wire_ = false;
    fifo_.pop_front();
    fifo_used_ -= f.frame_bytes;
    fifo_freed_.notify(SC_ZERO_TIME);
    ++tx_frames_;
    tx_payload_ += f.payload;
    wire_busy_s_ += t;
    wire->receive(f);
  }
}

void Nic::receive(const EthFrame& f) {
  rx_q_.push_back(f);
  rx_ev_.notify(SC_ZERO_TIME);
}

// The upload engine: each received frame into the next free buffer by DMA,
// then its descriptor's status.
void Nic::upload_thread() {
  NicRings& r = *rings.operator->();
  for (;;) {
    while (rx_q_.empty()) wait(rx_ev_);
    const EthFrame f = rx_q_.front();
    rx_q_.pop_front();
    if (r.rx_filled - r.rx_taken >= r.rx.size()) { ++rx_dropped_; continue; }  // no free upload descriptor
    const uint64_t i = r.rx_filled % r.rx.size();
    dma->write(NicRings::kRxBufAddr + i * 2048, f.frame_bytes);
    dma->write(NicRings::kRxRingAddr + i * 64, p_.upd_bytes);
    r.rx[size_t(i)] = f;
    ++r.rx_filled;
    ++rx_frames_;
    event(kUpComplete);
  }
}

void Nic::reset_stats() {
  tx_frames_ = tx_payload_ = rx_frames_ = rx_dropped_ = irqs_ = downloads_ = tx_irqs_ = tx_requests_ = 0;
  wire_busy_s_ = 0;
}

void Nic::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "nic");
  g.add("frame_rate", double(tx_frames_) / window_s, "1/s", StatKind::Rate, "frames sent on the wire per second");
  g.add("payload_rate", double(tx_payload_) / window_s / 1e6, "MB/s", StatKind::Rate,
        "TCP payload sent on the wire (1 MB = 10^6 B)");
  g.add("busy", 100.0 * std::min(1.0, wire_busy_s_ / window_s), "%", StatKind::Fraction,
        "transmit side of the link busy (frames with their framing and gaps)");
  g.add("rx_frame_rate", double(rx_frames_) / window_s, "1/s", StatKind::Rate, "frames received (ACKs) per second");
  g.add("rx_dropped", double(rx_dropped_), "count", StatKind::Counter, "frames dropped: no free upload descriptor");
  g.add("download_rate", double(downloads_) / window_s, "1/s", StatKind::Rate, "packets downloaded from host memory per second");
  g.add("interrupt_rate", double(irqs_) / window_s, "1/s", StatKind::Rate, "INTA# raised per second");
  g.add("tx_interrupt_rate", double(tx_irqs_) / window_s, "1/s", StatKind::Rate,
        "INTA# raised by a DownComplete per second (the others by a received frame)");
  g.add("tx_request_rate", double(tx_requests_) / window_s, "1/s", StatKind::Rate,
        "DownComplete signalled per second (one per tx_coalesce packets), raised or found by a running ISR");
  g.add("peak_payload_rate", (p_.mtu - 52.0) / (p_.mtu + p_.framing_bytes) * p_.link_rate / 1e6, "MB/s",
        StatKind::Setting, "link rate less framing and TCP/IP headers (MSS-sized segments with timestamps)");
}

} // namespace iosim
