#include "model/nvme/nvme_controller.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

using namespace sc_core;

namespace iosim {

NvmeController::NvmeController(sc_module_name name, const NvmeDeviceParams& p, std::vector<bool> irq_enabled)
    : sc_module(name), bar("bar"), dma("dma"), queues("queues"), msix("msix"), p_(p),
      irq_enabled_(std::move(irq_enabled)), sq_(irq_enabled_.size()), cq_(irq_enabled_.size()),
      die_free_(size_t(std::max(1, p.channels * p.dies_per_channel))), chan_free_(size_t(std::max(1, p.channels))),
      link_rate_(p.link().peak_bytes_per_s()) {
  if (p.channels < 1 || p.dies_per_channel < 1 || p.stripe_channels < 1 || p.stripe_channels > p.channels)
    throw std::invalid_argument(std::string(this->name()) + ": needs channels >= 1, dies_per_channel >= 1, "
                                "1 <= stripe_channels <= channels");
  if (!(p.channel_rate > 0)) throw std::invalid_argument(std::string(this->name()) + ": channel_rate must be > 0");
  if (irq_enabled_.empty()) throw std::invalid_argument(std::string(this->name()) + ": no I/O queue");
  bar.register_b_transport(this, &NvmeController::b_transport);
  SC_THREAD(fetch_thread);
  SC_THREAD(back_end_thread);
}

// Doorbell writes from the host (posted PIO writes, arriving when their bus
// transaction does). Reads of the BAR are not used by the driver model.
void NvmeController::b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
  const uint64_t off = gp.get_address();
  if (!gp.is_write() || off < 0x1000 || gp.get_data_length() < 4) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  std::memcpy(&v, gp.get_data_ptr(), 4);
  const uint64_t idx = (off - 0x1000) / 4;  // 2y: SQ y tail, 2y+1: CQ y head
  const uint64_t y = idx / 2;
  if (y == 0 || y > sq_.size() || v >= queues->entries()) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const size_t q = size_t(y - 1);
  if (idx % 2 == 0) {
    sq_[q].tail = v;
    doorbell_ev_.notify(SC_ZERO_TIME);
  } else {
    cq_[q].head = v;
    cq_head_ev_.notify(SC_ZERO_TIME);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

sc_time NvmeController::plan_media(const NvmeSqe& e) {
  const uint64_t bytes = (uint64_t(e.nlb) + 1) * 512;
  const sc_time t0 = sc_time_stamp() + sc_time(p_.t_command, SC_SEC);
  // The 4 kB page the read starts in picks the way (the die on each channel);
  // consecutive pages rotate over channels first, then ways.
  const uint64_t page = e.slba * 512 / 4096;
  const int ways = p_.dies_per_channel;
  const int way = int((page / uint64_t(p_.channels)) % uint64_t(ways));
  const int first = int(page % uint64_t(p_.channels));
  const double piece_s = double(bytes) / double(p_.stripe_channels) / p_.channel_rate;
  const sc_time t_read(p_.t_read, SC_SEC), t_piece(piece_s, SC_SEC);
  sc_time done = t0;
  for (int k = 0; k < p_.stripe_channels; ++k) {
    const int ch = (first + k) % p_.channels;
    sc_time& die = die_free_[size_t(ch * ways + way)];
    sc_time& chan = chan_free_[size_t(ch)];
    const sc_time start = std::max(t0, die);
    const sc_time xfer = std::max(start + t_read, chan);
    const sc_time end = xfer + t_piece;
    media_wait_s_ += (start - t0).to_seconds() + (xfer - start - t_read).to_seconds();
    die_busy_s_ += (end - start).to_seconds();
    chan_busy_s_ += piece_s;
    die = chan = end;
    done = std::max(done, end);
  }
  return done;
}

// The front end: SQ arbitration (round robin over the queues with new
// entries) and SQE fetch, one DMA read per contiguous run of new entries.
void NvmeController::fetch_thread() {
  const uint32_t n = queues->entries();
  for (;;) {
    size_t q = sq_.size();
    for (size_t i = 0; i < sq_.size(); ++i) {
      const size_t c = (rr_ + i) % sq_.size();
      if (sq_[c].head != sq_[c].tail) { q = c; break; }
    }
    if (q == sq_.size()) { wait(doorbell_ev_); continue; }
    rr_ = (q + 1) % sq_.size();
    Sq& s = sq_[q];
    const uint32_t avail = s.tail >= s.head ? s.tail - s.head : n - s.head;  // contiguous part
    const uint32_t k = std::min(avail, kFetchBurst);
    dma->read(NvmeQueueMemory::sq_addr(int(q), s.head), uint64_t(k) * 64);
    ++fetches_;
    for (uint32_t i = 0; i < k; ++i) {
      const NvmeSqe e = queues->read_sqe(int(q), s.head);
      s.head = (s.head + 1) % n;
      ++commands_;
      inflight_.add(1);
      // Cut-through: the back end streams the data to the host as it comes
      // off the channels, so its DMA may start as early as ends with the
      // media (the link is the faster of the two).
      const sc_time media = plan_media(e);
      const uint64_t bytes = (uint64_t(e.nlb) + 1) * 512;
      const double piece_s = double(bytes) / double(p_.stripe_channels) / p_.channel_rate;
      const double dma_s = double(bytes) / link_rate_;
      const sc_time lead(std::min(piece_s, dma_s), SC_SEC);
      // The CQE is built while the data streams (t_complete, pipelined).
      const sc_time ready = (media > sc_time_stamp() + lead ? media - lead : sc_time_stamp()) +
                            sc_time(p_.t_complete, SC_SEC);
      done_.push(Done{ready, seq_++, int(q), e, uint16_t(s.head)});
    }
    done_ev_.notify(SC_ZERO_TIME);
  }
}

// The back end: data DMA, CQE DMA, MSI-X, in the order the media finish.
void NvmeController::back_end_thread() {
  const uint32_t n = queues->entries();
  for (;;) {
    if (done_.empty()) { wait(done_ev_); continue; }
    const sc_time now = sc_time_stamp();
    if (done_.top().ready > now) { wait(done_.top().ready - now, done_ev_); continue; }
    const Done d = done_.top();
    done_.pop();
    const uint64_t bytes = (uint64_t(d.sqe.nlb) + 1) * 512;
    dma->write(d.sqe.prp1, bytes);
    Cq& c = cq_[size_t(d.q)];
    while ((c.tail + 1) % n == c.head) { ++cq_full_waits_; wait(cq_head_ev_); }
    dma->write(NvmeQueueMemory::cq_addr(d.q, c.tail), 16);
    queues->write_cqe(d.q, c.tail, NvmeCqe{d.sq_head, uint16_t(d.q + 1), d.sqe.cid, c.phase, 0});
    c.tail = (c.tail + 1) % n;
    if (c.tail == 0) c.phase = !c.phase;
    ++completions_;
    inflight_.add(-1);
    if (irq_enabled_[size_t(d.q)]) {
      dma->write(kMsiAddr, 4);
      ++msis_;
      msix[d.q]->raise();
    }
  }
}

void NvmeController::reset_stats() {
  commands_ = completions_ = msis_ = fetches_ = cq_full_waits_ = 0;
  chan_busy_s_ = die_busy_s_ = media_wait_s_ = 0;
  inflight_.reset();
}

void NvmeController::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "nvme_controller");
  g.add("commands", double(commands_), "count", StatKind::Counter, "commands fetched in the window");
  g.add("io_rate", double(completions_) / window_s, "1/s", StatKind::Rate, "completions posted per second");
  g.add("msix_rate", double(msis_) / window_s, "1/s", StatKind::Rate, "MSI-X messages sent");
  g.add("sqes_per_fetch", fetches_ ? double(commands_) / double(fetches_) : 0, "count", StatKind::Distribution,
        "SQEs per fetch DMA");
  g.add("in_flight", inflight_.mean(), "count", StatKind::Level, "commands between fetch and CQE (mean)");
  g.add("channel_busy", 100 * chan_busy_s_ / (window_s * p_.channels), "%", StatKind::Fraction,
        "media channels transferring (planned at fetch), mean over channels");
  g.add("die_busy", 100 * die_busy_s_ / (window_s * p_.channels * p_.dies_per_channel), "%", StatKind::Fraction,
        "dies reading or holding a piece (planned at fetch), mean over dies");
  g.add("media_wait", commands_ ? 1e6 * media_wait_s_ / double(commands_) : 0, "us", StatKind::Distribution,
        "per command: waiting for busy dies and channels (summed over its pieces)");
  g.add("cq_full_waits", double(cq_full_waits_), "count", StatKind::Counter, "CQE held back: the host's CQ was full");
  g.add("io_rate_bound", p_.iops_bound(4096), "1/s", StatKind::Setting, "4 kB read ceiling of dies and channels");
}

} // namespace iosim
