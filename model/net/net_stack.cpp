#include "model/net/net_stack.hpp"

#include <algorithm>
#include <stdexcept>

namespace iosim {

NetStack::NetStack(sc_core::sc_module_name name, HostOs& os, const NetStackParams& p, const NicParams& nic,
                   double copy_bandwidth, int connections)
    : sc_module(name), done("done"), rings("rings"), os_(os), p_(p), nic_(nic), copy_bw_(copy_bandwidth),
      conns_(size_t(std::max(1, connections))) {
  if (!(copy_bw_ > 0)) throw std::invalid_argument("net: copy bandwidth must be > 0");
  if (nic_.mtu <= p_.tcp_ip_header_bytes) throw std::invalid_argument("net: mtu must exceed the TCP/IP headers");
  if (p_.sndbuf < mss() || p_.rwnd < mss()) throw std::invalid_argument("net: sndbuf and rwnd must hold a segment");
  os_.request_irq(p_.irq_line, [this](CpuCtx& c) { isr(c); });
}

uint64_t NetStack::send(CpuCtx& c, int conn, uint64_t bytes, bool page, IoRequest* req) {
  const NetCosts& k = p_.cost;
  Conn& s = conns_[size_t(conn)];
  c.compute(k.sendmsg, CpuCat::System);
  const uint64_t queued = s.write_seq - s.snd_una;
  const uint64_t take = std::min(bytes, p_.sndbuf > queued ? p_.sndbuf - queued : 0);
  if (take == 0) return 0;
  const uint64_t segs = (take + mss() - 1) / mss();
  c.compute(k.skb_alloc * double(segs), CpuCat::System);
  if (page && zero_copy()) {
    c.compute(k.page_ref * double((take + 4095) / 4096), CpuCat::System);  // tcp_sendpage: a fragment per page
  } else {
    // csum_partial_copy_generic from the user buffer (write) or from the
    // page-cache page (sendfile without SG + checksum: sock_no_sendpage).
    c.compute(double(take) / copy_bw_ * os_.params().clock_hz, CpuCat::System);
    copied_ += take;
  }
  s.write_seq += take;
  if (req && take == bytes) s.reqs.emplace_back(s.write_seq, req);
  push(c, conn);
  return take;
}

void NetStack::wait_space(CpuCtx& c, int conn, Burst retry) {
  Conn& s = conns_[size_t(conn)];
  if (s.write_seq - s.snd_una < p_.sndbuf) {  // room freed meanwhile (another CPU's ACK)
    os_.requeue(c, std::move(retry));
    return;
  }
  s.waiter = c.task();
  s.retry = std::move(retry);
  os_.block(c, true);
}

// tcp_write_xmit: full segments within the receiver's window; a short one
// only when nothing is in flight (Nagle, RFC 896).
void NetStack::push(CpuCtx& c, int conn) {
  Conn& s = conns_[size_t(conn)];
  while (s.snd_nxt < s.write_seq) {
    const uint64_t n = std::min<uint64_t>(mss(), s.write_seq - s.snd_nxt);
    if (n < mss() && s.snd_nxt > s.snd_una) break;
    if (s.snd_nxt + n - s.snd_una > p_.rwnd) break;
    c.compute(p_.cost.tx_per_segment, CpuCat(c.task() ? CpuCat::System : CpuCat::Irq));
    EthFrame f;
    f.conn = conn;
    f.seq = s.snd_nxt + n;
    f.payload = uint32_t(n);
    f.frame_bytes = std::max<uint32_t>(uint32_t(n) + p_.tcp_ip_header_bytes + 18, nic_.min_frame);
    s.snd_nxt += n;
    ++segments_;
    xmit(c, f);
  }
}

void NetStack::xmit(CpuCtx& c, const EthFrame& f) {
  if (cur_tx_ - dirty_tx_ < uint64_t(nic_.tx_ring) && qdisc_.empty()) start_xmit(c, f);
  else {
    qdisc_.push_back(f);  // netif_stop_queue: the qdisc keeps it (txqueuelen 100; the window bounds it)
    qdisc_max_ = std::max<uint64_t>(qdisc_max_, qdisc_.size());
  }
}

// boomerang_start_xmit (3c59x.c, 2.4).
void NetStack::start_xmit(CpuCtx& c, const EthFrame& f) {
  const CpuCat cat = c.task() ? CpuCat::System : CpuCat::Irq;
  c.compute(p_.cost.xmit, cat);
  NicRings& r = *rings.operator->();
  NicRings::TxDesc& d = r.tx[size_t(cur_tx_ % r.tx.size())];
  d.frame = f;
  const uint64_t first = f.seq - f.payload;
  d.fragments = nic_.scatter_gather ? uint32_t(1 + (f.seq - 1) / 4096 - first / 4096 + 1) : 1;
  d.irq = true;  // TxIntrUploaded in every descriptor
  const uint32_t stall = Nic::kDownStall, unstall = Nic::kDownUnstall;
  c.pio_write(reg(Nic::kCmd), &stall, 4);
  c.pio_read(reg(Nic::kStatus), 4);  // issue_and_wait: CmdInProgress clear
  ++r.tx_linked;                     // prev_entry->next = this descriptor
  const uint64_t at = c.pio_read(reg(Nic::kDownListPtr), 4);
  pio_reads_ += 2;
  if (at == 0) {
    const uint32_t a = uint32_t(r.tx_desc_addr(cur_tx_));
    c.pio_write(reg(Nic::kDownListPtr), &a, 4);
  }
  ++cur_tx_;
  c.pio_write(reg(Nic::kCmd), &unstall, 4);
}

// boomerang_interrupt: until the status shows nothing (max_interrupt_work 32).
void NetStack::isr(CpuCtx& c) {
  ++isr_calls_;
  c.compute(p_.cost.isr, CpuCat::Irq);
  for (int work = 0; work < 32; ++work) {
    const uint32_t st = uint32_t(c.pio_read(reg(Nic::kStatus), 4));
    ++pio_reads_;
    if (!(st & (Nic::kDownComplete | Nic::kUpComplete))) break;
    const uint32_t ackb = Nic::kAckIntr | (st & (Nic::kDownComplete | Nic::kUpComplete));
    c.pio_write(reg(Nic::kCmd), &ackb, 4);
    if (st & Nic::kUpComplete) rx(c);
    reap_tx(c);  // 2.4 reaps on DownComplete; any pass reaps here, so coalesced completions are not stranded
    const uint32_t latch = Nic::kAckIntr | Nic::kIntLatch;
    c.pio_write(reg(Nic::kCmd), &latch, 4);
  }
}

void NetStack::reap_tx(CpuCtx& c) {
  NicRings& r = *rings.operator->();
  while (dirty_tx_ < cur_tx_) {
    const uint64_t at = c.pio_read(reg(Nic::kDownListPtr), 4);
    ++pio_reads_;
    if (at == r.tx_desc_addr(dirty_tx_)) break;  // still being downloaded
    c.compute(p_.cost.tx_free, CpuCat::Irq);
    ++dirty_tx_;
  }
  while (!qdisc_.empty() && cur_tx_ - dirty_tx_ < uint64_t(nic_.tx_ring)) {  // netif_wake_queue -> qdisc_run
    const EthFrame f = qdisc_.front();
    qdisc_.pop_front();
    start_xmit(c, f);
  }
}

// boomerang_rx: each uploaded frame, then (softirq) its ACK.
void NetStack::rx(CpuCtx& c) {
  NicRings& r = *rings.operator->();
  while (r.rx_taken < r.rx_filled) {
    const EthFrame f = r.rx[size_t(r.rx_taken % r.rx.size())];
    ++r.rx_taken;
    c.compute(p_.cost.rx_frame, CpuCat::Irq);
    if (f.ack) ack(c, f);
  }
}

void NetStack::ack(CpuCtx& c, const EthFrame& f) {
  Conn& s = conns_[size_t(f.conn)];
  c.compute(p_.cost.ack, CpuCat::Irq);
  ++acks_;
  if (f.seq <= s.snd_una) return;
  const uint64_t segs = (f.seq - s.snd_una + mss() - 1) / mss();
  c.compute(p_.cost.ack_free * double(segs), CpuCat::Irq);  // tcp_clean_rtx_queue
  s.snd_una = f.seq;
  while (!s.reqs.empty() && s.reqs.front().first <= s.snd_una) {
    IoRequest* req = s.reqs.front().second;
    s.reqs.pop_front();
    req->status = 0;
    done->io_done(c, *req);
  }
  push(c, f.conn);  // tcp_data_snd_check
  // tcp_write_space: wake the writer once a third of the buffer is free.
  if (s.waiter && (s.write_seq - s.snd_una) * 3 <= p_.sndbuf * 2) {
    Task* t = s.waiter;
    s.waiter = nullptr;
    c.compute(os_.params().cost.wakeup, CpuCat::Irq);
    ++wakeups_;
    os_.wake(t, std::move(s.retry));
  }
}

void NetStack::reset_stats() { segments_ = acks_ = isr_calls_ = pio_reads_ = copied_ = wakeups_ = qdisc_max_ = 0; }

void NetStack::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "net_stack");
  g.add("segment_rate", double(segments_) / window_s, "1/s", StatKind::Rate, "TCP segments sent per second");
  g.add("ack_rate", double(acks_) / window_s, "1/s", StatKind::Rate, "ACKs processed per second");
  g.add("isr_rate", double(isr_calls_) / window_s, "1/s", StatKind::Rate, "NIC interrupt handler runs per second");
  g.add("pio_read_rate", double(pio_reads_) / window_s, "1/s", StatKind::Rate,
        "PIO reads of NIC registers per second (each stalls the CPU)");
  g.add("copy_rate", double(copied_) / window_s / 1e6, "MB/s", StatKind::Rate,
        "data copied into socket buffers (write, or sendfile without SG + checksum offload)");
  g.add("writer_wakeup_rate", double(wakeups_) / window_s, "1/s", StatKind::Rate, "writers woken by freed socket buffer per second");
  g.add("qdisc.max", double(qdisc_max_), "count", StatKind::Distribution, "most segments held by the qdisc (ring full)");
  g.add("zero_copy", zero_copy() ? 1.0 : 0.0, "1", StatKind::Setting, "1: sendfile hands page references to the NIC");
}

} // namespace iosim
