#include "model/host/async_driver.hpp"

#include "model/fault/fault.hpp"
#include "model/stats/vcd.hpp"

namespace iosim {

AsyncDriver::AsyncDriver(sc_core::sc_module_name name, HostOs& os, const AsyncDriverParams& p,
                         const ring::Layout& layout)
    : sc_module(name), done("done"), os_(os), p_(p), layout_(layout), contexts_(this->name()) {
  const std::string name_ = this->name();
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only
    v_poll_ = w->add(name_, "poll", 1);       // high while the polling thread drains the ring
    v_polls_ = w->add(name_, "polls", 16);    // wake-ups so far
    v_batch_ = w->add(name_, "batch", 16);    // completions taken at the last wake-up
    v_blocked_ = w->add(name_, "ring_full_waiters", 16);  // processes blocked on a full request ring
    for (int v : {v_poll_, v_polls_, v_batch_, v_blocked_}) w->set(v, 0);
  }
}

bool AsyncDriver::submit(CpuCtx& c, IoRequest& req) {
  const auto& k = os_.params().cost;
  const double pages = double((req.bytes() + 4095) / 4096);
  c.compute(k.request_setup + k.request_per_page * pages, CpuCat::System);
  c.compute(p_.submit_cycles, CpuCat::System);
  c.lock(ring_lock_);
  // Check status first: a PIO read of the record at P_HR.
  if (uint8_t(c.pio_read(req_addr(p_hr_, ring::req::kStatus), 1)) == ring::kValid) {
    ++full_;
    c.unlock(ring_lock_);
    return false;
  }
  // Fields, then status valid last. The callback field identifies the request.
  uint8_t rec[ring::req::kBytes] = {};
  rec[ring::req::kCommand] = req.is_read() ? ring::kCmdRead : ring::kCmdWrite;
  ring::put<uint64_t>(rec, ring::req::kLbn, req.lba);
  ring::put<uint32_t>(rec, ring::req::kSize, uint32_t(req.bytes()));
  ring::put<uint64_t>(rec, ring::req::kBuffer, req.host_buffer);
  ring::put<uint64_t>(rec, ring::req::kCallback, contexts_.issue(req));
  // For the firmware's deadline and per-stream schedulers: the deadline in
  // whole nanoseconds of host time (a kernel's clock unit), 0 = none.
  ring::put<uint64_t>(rec, ring::req::kDeadline, req.deadline.value() / sc_core::sc_time(1, sc_core::SC_NS).value());
  ring::put<uint32_t>(rec, ring::req::kStream, req.origin);
  c.pio_write(req_addr(p_hr_, ring::req::kCommand), rec + ring::req::kCommand, ring::req::kBytes - ring::req::kCommand);
  const uint8_t valid = ring::kValid;
  c.pio_write(req_addr(p_hr_, ring::req::kStatus), &valid, 1);
  p_hr_ = (p_hr_ + 1) % layout_.depth;  // the tail record wraps to record 0
  ++submitted_;
  c.unlock(ring_lock_);
  return true;
}

void AsyncDriver::wait_for_slot(CpuCtx& c, Burst retry) {
  waiting_.emplace_back(c.task(), std::move(retry));
  if (VcdWriter* w = vcd_writer()) w->set(v_blocked_, waiting_.size());
  os_.block(c, true);
}

void AsyncDriver::start() {
  poller_ = os_.create_task(std::string(name()) + ".poller", true);
  next_poll_ = sc_core::sc_time(p_.poll_period_s, sc_core::SC_SEC);
  os_.wake(poller_, [this](CpuCtx& c) { os_.sleep_until(c, next_poll_, [this](CpuCtx& c2) { poll(c2); }); });
}

void AsyncDriver::poll(CpuCtx& c) {
  ++polls_;
  VcdWriter* w = vcd_writer();
  if (w) {  // the burst's scheduler cost is still ahead of simulated time
    w->schedule(v_poll_, 1, vcd_ps(c.local_time()));
    w->schedule(v_polls_, ++vcd_polls_, vcd_ps(c.local_time()));
  }
  uint64_t n = 0;
  for (;;) {
    // The status byte: ownership bit (queue controller) and outcome (firmware).
    const uint8_t st = uint8_t(c.pio_read(cpl_addr(p_hc_, ring::cpl::kStatus), 1));
    if ((st & ring::cpl::kOwnershipMask) != ring::kValid) break;
    // The callback field crosses the bus like any field (one read).
    IoRequest& req = contexts_.retire(c.pio_read(cpl_addr(p_hc_, ring::cpl::kCallback), 8));
    if (ring::cpl::outcome(st) != 0) {  // the card failed it: -EIO
      req.status = kStatusEio;
      ++eio_;
    }
    c.compute(p_.complete_cycles, CpuCat::System);
    done->io_done(c, req);  // marks the buffer done; the process finds it by its flag
    const uint8_t invalid = ring::kInvalid;
    c.pio_write(cpl_addr(p_hc_, ring::cpl::kStatus), &invalid, 1);
    p_hc_ = (p_hc_ + 1) % layout_.depth;
    ++n;
  }
  drained_ += n;
  batch_.add(double(n));
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& [t, b] : waiting) {
    c.compute(os_.params().cost.wakeup, CpuCat::System, true);
    c.sync();
    os_.wake(t, std::move(b));
  }
  if (w) {
    w->set(v_blocked_, 0);
    w->set(v_batch_, n);
    w->schedule(v_poll_, 0, vcd_ps(c.local_time()));
  }
  next_poll_ += sc_core::sc_time(p_.poll_period_s, sc_core::SC_SEC);
  os_.sleep_until(c, next_poll_, [this](CpuCtx& c2) { poll(c2); });
}

void AsyncDriver::reset_stats() { submitted_ = full_ = polls_ = drained_ = eio_ = 0; batch_.clear(); }

void AsyncDriver::report(Stats& out, double window_s) const {
  const std::string name_ = name();
  StatGroup g = out.group(name_, "async_driver");
  g.add("submitted", double(submitted_) / window_s, "1/s", StatKind::Rate, "records put on the request ring");
  g.add("ring_full", double(full_) / window_s, "1/s", StatKind::Rate, "submits that found the request ring full");
  g.add("polls", double(polls_) / window_s, "1/s", StatKind::Rate, "polling thread wake-ups");
  g.add("batch_mean", batch_.mean(), "count", StatKind::Distribution, "completions drained per wake-up");
  g.add("batch_max", batch_.max(), "count", StatKind::Distribution, "");
  if (p_.report_errors)
    g.add("eio", double(eio_), "count", StatKind::Counter, "requests ended with -EIO (the completion record's error byte set)");
  g.add("lock_contended", ring_lock_.acquisitions ? 100.0 * double(ring_lock_.contended) / double(ring_lock_.acquisitions) : 0, "%", StatKind::Fraction, "submits that found the ring lock held");
}

} // namespace iosim
