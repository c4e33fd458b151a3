#include "model/host/async_driver.hpp"

#include "model/fault/fault.hpp"
#include "model/stats/vcd.hpp"

#include <algorithm>
#include <stdexcept>

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
  if (p_.watchdog) {  // issue 11: the heartbeat and reset registers are in the messaging unit's page
    p_.regs_offset = layout_.regs_base();
    if (VcdWriter* w = vcd_writer()) {
      v_wd_ = w->add(name_, "watchdog", 16);  // heartbeat checks so far
      w->set(v_wd_, 0);
    }
    reset_lv_.trace(name_, "card_reset", 1);  // high from the reset write to the recovery
  }
  if (p_.completion != CardCompletion::Poll) {  // request_irq: the card's INTA# runs isr()
    if (p_.budget < 1) throw std::invalid_argument(name_ + ": hybrid budget must be >= 1");
    p_.regs_offset = layout_.regs_base();
    os_.request_irq(p_.irq_line, [this](CpuCtx& c) { isr(c); });
    if (p_.completion == CardCompletion::Hybrid) {
      napi_ = os_.create_task(name_ + ".napi", true);
      masked_.trace(name_, "irq_masked", 1);  // waveform (--vcd) only
    }
  }
}

bool AsyncDriver::submit(CpuCtx& c, IoRequest& req) {
  const auto& k = os_.params().cost;
  const double pages = double((req.bytes() + 4095) / 4096);
  c.compute(k.request_setup + k.request_per_page * pages, CpuCat::System);
  c.compute(p_.submit_cycles, CpuCat::System);
  // While the card is being reset, or what the reset left is not yet sent
  // again, a new request waits as on a full ring (issue 11).
  if (p_.watchdog && (resetting_ || !resubmit_.empty())) return false;
  return post_record(c, req, 1);
}

bool AsyncDriver::post_record(CpuCtx& c, IoRequest& req, int tries) {
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
  const uint32_t ctx = contexts_.issue(req);
  // With the watchdog (issue 11) the upper half carries the reset epoch, so
  // a completion of an earlier incarnation is known for what it is.
  ring::put<uint64_t>(rec, ring::req::kCallback, uint64_t(epoch_) << 32 | ctx);
  if (p_.watchdog) out_[ctx] = Outstanding{&req, c.local_time(), seq_++, tries};
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
  if (p_.watchdog) {  // issue 11: a kernel timer, every watchdog period
    watchdog_ = os_.create_task(std::string(name()) + ".watchdog", true);
    next_wd_ = sc_core::sc_time(p_.watchdog_period_s, sc_core::SC_SEC);
    os_.wake(watchdog_, [this](CpuCtx& c) { os_.sleep_until(c, next_wd_, [this](CpuCtx& c2) { watchdog_check(c2); }); });
  }
  if (p_.completion != CardCompletion::Poll) return;  // the handler is attached (constructor)
  poller_ = os_.create_task(std::string(name()) + ".poller", true);
  next_poll_ = sc_core::sc_time(p_.poll_period_s, sc_core::SC_SEC);
  os_.wake(poller_, [this](CpuCtx& c) { os_.sleep_until(c, next_poll_, [this](CpuCtx& c2) { poll(c2); }); });
}

uint64_t AsyncDriver::drain(CpuCtx& c, uint64_t budget, CpuCat cat) {
  uint64_t n = 0;
  if (resetting_) budget = 0;  // the card is being reset: its rings are not the driver's (issue 11)
  while (n < budget) {
    // The status byte: ownership bit (queue controller) and outcome (firmware).
    const uint8_t st = uint8_t(c.pio_read(cpl_addr(p_hc_, ring::cpl::kStatus), 1));
    if ((st & ring::cpl::kOwnershipMask) != ring::kValid) break;
    // The callback field crosses the bus like any field (one read).
    const uint64_t cb = c.pio_read(cpl_addr(p_hc_, ring::cpl::kCallback), 8);
    if (uint32_t(cb >> 32) != epoch_) {
      // An earlier incarnation's completion (issue 11): its request was
      // already recovered. Take the record, end nothing.
      ++stale_;
    } else {
      IoRequest& req = contexts_.retire(cb & 0xffffffffu);
      if (p_.watchdog) out_.erase(uint32_t(cb));
      if (ring::cpl::outcome(st) != 0) {  // the card failed it: -EIO
        req.status = kStatusEio;
        ++eio_;
      }
      c.compute(p_.complete_cycles, cat);
      done->io_done(c, req);  // marks the buffer done; the process finds it by its flag
    }
    const uint8_t invalid = ring::kInvalid;
    c.pio_write(cpl_addr(p_hc_, ring::cpl::kStatus), &invalid, 1);
    p_hc_ = (p_hc_ + 1) % layout_.depth;
    ++n;
  }
  drained_ += n;
  if (!resubmit_.empty() && !resetting_) flush_resubmits(c);  // slots freed: send what a reset left
  wake_waiting(c, cat);
  return n;
}

void AsyncDriver::wake_waiting(CpuCtx& c, CpuCat cat) {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& [t, b] : waiting) {
    c.compute(os_.params().cost.wakeup, cat, true);
    c.sync();
    os_.wake(t, std::move(b));
  }
}

// --- watchdog and recovery (issue 11) -----------------------------------------

void AsyncDriver::next_check(CpuCtx& c) {
  next_wd_ += sc_core::sc_time(p_.watchdog_period_s, sc_core::SC_SEC);
  if (next_wd_ <= c.local_time()) next_wd_ = c.local_time() + sc_core::sc_time(p_.watchdog_period_s, sc_core::SC_SEC);
  os_.sleep_until(c, next_wd_, [this](CpuCtx& c2) { watchdog_check(c2); });
}

void AsyncDriver::watchdog_check(CpuCtx& c) {
  ++wd_checks_;
  if (VcdWriter* w = vcd_writer()) w->schedule(v_wd_, ++vcd_wd_, vcd_ps(c.local_time()));
  const uint32_t hb = uint32_t(c.pio_read(reg_addr(ring::mu::kOmr0), 4));
  const bool stalled = have_hb_ && hb == last_hb_;
  last_hb_ = hb;
  have_hb_ = true;
  bool timed_out = false;
  if (!stalled && !out_.empty()) {  // the oldest request on the card
    sc_core::sc_time oldest = c.local_time();
    for (const auto& [ctx, o] : out_) oldest = std::min(oldest, o.submitted);
    timed_out = c.local_time() - oldest > sc_core::sc_time(p_.request_timeout_s, sc_core::SC_SEC);
  }
  if (!stalled && !timed_out) { next_check(c); return; }
  ++(stalled ? stalls_detected_ : timeouts_);
  reset_card(c);
}

// The board reset: a posted write of the reset register. From here the
// driver leaves both rings alone and new requests wait (submit).
void AsyncDriver::reset_card(CpuCtx& c) {
  ++resets_;
  resetting_ = true;
  reset_lv_.set(1);
  const uint32_t key = ring::mu::kResetKey;
  c.pio_write(reg_addr(ring::mu::kReset), &key, 4);
  os_.sleep_until(c, c.local_time() + sc_core::sc_time(p_.reset_poll_s, sc_core::SC_SEC),
                  [this](CpuCtx& c2) { wait_ready(c2); });
}

// The heartbeat reads 0 while the card is in reset; the booted firmware
// counts from 1.
void AsyncDriver::wait_ready(CpuCtx& c) {
  if (uint32_t(c.pio_read(reg_addr(ring::mu::kOmr0), 4)) == 0) {
    os_.sleep_until(c, c.local_time() + sc_core::sc_time(p_.reset_poll_s, sc_core::SC_SEC),
                    [this](CpuCtx& c2) { wait_ready(c2); });
    return;
  }
  recover(c);
}

// The card runs again with empty rings (its pointers and the driver's at 0).
// Every request that was outstanding is sent again (in its first submission
// order) while it has tries left, else ended with -EIO; recovery `fail` ends
// them all. A new epoch marks the new incarnation's completions.
void AsyncDriver::recover(CpuCtx& c) {
  p_hr_ = p_hc_ = 0;
  ++epoch_;
  std::vector<Outstanding> was;
  for (const auto& [ctx, o] : out_) {
    was.push_back(o);
    contexts_.retire(ctx);
  }
  out_.clear();
  std::sort(was.begin(), was.end(), [](const Outstanding& a, const Outstanding& b) { return a.seq < b.seq; });
  // What still waited to be sent again from an earlier reset goes first.
  std::deque<std::pair<IoRequest*, int>> again = std::move(resubmit_);
  resubmit_.clear();
  for (const Outstanding& o : was) again.emplace_back(o.req, o.tries);
  for (auto& [req, tries] : again) {
    if (p_.recovery == CardRecovery::Resubmit && tries < p_.tries) {
      resubmit_.emplace_back(req, tries);
      continue;
    }
    req->status = kStatusEio;
    ++eio_;
    ++reset_eio_;
    c.compute(p_.complete_cycles, CpuCat::System);
    done->io_done(c, *req);
  }
  resetting_ = false;
  reset_lv_.set(0);
  have_hb_ = false;
  flush_resubmits(c);
  wake_waiting(c, CpuCat::System);
  next_check(c);
}

void AsyncDriver::flush_resubmits(CpuCtx& c) {
  // One sender at a time (a drain may run on each CPU): each request is
  // taken off the list before its PIO accesses, which may block.
  if (flushing_) return;
  flushing_ = true;
  while (!resubmit_.empty() && !resetting_) {
    const auto e = resubmit_.front();
    resubmit_.pop_front();
    c.compute(p_.submit_cycles, CpuCat::System);
    if (!post_record(c, *e.first, e.second + 1)) {  // full: the next drain goes on
      resubmit_.push_front(e);
      break;
    }
    ++resubmitted_;
  }
  flushing_ = false;
}

void AsyncDriver::poll(CpuCtx& c) {
  ++polls_;
  VcdWriter* w = vcd_writer();
  if (w) {  // the burst's scheduler cost is still ahead of simulated time
    w->schedule(v_poll_, 1, vcd_ps(c.local_time()));
    w->schedule(v_polls_, ++vcd_polls_, vcd_ps(c.local_time()));
  }
  const uint64_t n = drain(c, std::numeric_limits<uint64_t>::max(), CpuCat::System);
  batch_.add(double(n));
  if (w) {
    w->set(v_blocked_, 0);
    w->set(v_batch_, n);
    w->schedule(v_poll_, 0, vcd_ps(c.local_time()));
  }
  next_poll_ += sc_core::sc_time(p_.poll_period_s, sc_core::SC_SEC);
  os_.sleep_until(c, next_poll_, [this](CpuCtx& c2) { poll(c2); });
}

// The card's INTA# handler (irq, hybrid).
void AsyncDriver::isr(CpuCtx& c) {
  ++isr_runs_;
  if (isr_busy_) {  // running on the other CPU: it goes round once more (2.4 do_IRQ, IRQ_PENDING)
    isr_again_ = true;
    return;
  }
  isr_busy_ = true;
  VcdWriter* w = vcd_writer();
  do {
    isr_again_ = false;
    c.compute(p_.isr_cycles, CpuCat::Irq);
    // Is it ours (a PCI interrupt line may be shared)? OISR shows the doorbell.
    if (!(uint32_t(c.pio_read(reg_addr(ring::mu::kOisr), 4)) & ring::mu::kDoorbell)) {
      ++spurious_;
      continue;
    }
    const uint32_t bit = ring::mu::kDoorbell;
    if (p_.completion == CardCompletion::Hybrid) {
      c.pio_write(reg_addr(ring::mu::kOimr), &bit, 4);  // mask: the poll thread takes over
      c.pio_write(reg_addr(ring::mu::kOdr), &bit, 4);   // and clear (write 1 to clear)
      masked_.set(1);
      if (napi_active_) { napi_again_ = true; continue; }  // between its unmask and its end
      napi_active_ = true;
      c.compute(os_.params().cost.wakeup, CpuCat::Irq);
      c.sync();
      os_.wake(napi_, [this](CpuCtx& c2) { napi_poll(c2); });
      continue;
    }
    c.pio_write(reg_addr(ring::mu::kOdr), &bit, 4);  // clear before draining: a later completion rings again
    c.compute(p_.softirq_cycles, CpuCat::Irq);
    if (w) w->schedule(v_poll_, 1, vcd_ps(c.local_time()));
    const uint64_t n = drain(c, std::numeric_limits<uint64_t>::max(), CpuCat::Irq);
    isr_drained_ += n;
    batch_.add(double(n));
    if (w) {
      w->set(v_blocked_, 0);
      w->set(v_batch_, n);
      w->schedule(v_poll_, 0, vcd_ps(c.local_time()));
    }
  } while (isr_again_);
  isr_busy_ = false;
}

// hybrid: one poll of the poll thread, interrupts masked.
void AsyncDriver::napi_poll(CpuCtx& c) {
  ++polls_;
  VcdWriter* w = vcd_writer();
  if (w) {
    w->schedule(v_poll_, 1, vcd_ps(c.local_time()));
    w->schedule(v_polls_, ++vcd_polls_, vcd_ps(c.local_time()));
  }
  // Clear the doorbell before looking: a completion posted after this look rings it again.
  const uint32_t bit = ring::mu::kDoorbell;
  c.pio_write(reg_addr(ring::mu::kOdr), &bit, 4);
  const uint64_t n = drain(c, uint64_t(p_.budget), CpuCat::System);
  batch_.add(double(n));
  if (w) {
    w->set(v_blocked_, 0);
    w->set(v_batch_, n);
    w->schedule(v_poll_, 0, vcd_ps(c.local_time()));
  }
  auto again = [this](CpuCtx& c2) { napi_poll(c2); };
  if (n >= uint64_t(p_.budget) || (n > 0 && p_.repoll_s == 0)) { os_.requeue(c, again); return; }  // more may be there
  if (n > 0) { os_.sleep_until(c, c.local_time() + sc_core::sc_time(p_.repoll_s, sc_core::SC_SEC), again); return; }
  // Nothing new: interrupts back on (napi_complete). A doorbell rung since the
  // clear above raises INTA# at once.
  const uint32_t zero = 0;
  c.pio_write(reg_addr(ring::mu::kOimr), &zero, 4);
  masked_.set(0);
  if (napi_again_) {  // that interrupt came and masked again: keep polling
    napi_again_ = false;
    masked_.set(1);
    os_.requeue(c, again);
    return;
  }
  napi_active_ = false;
  os_.block(c, false);
}

void AsyncDriver::reset_stats() {
  submitted_ = full_ = polls_ = drained_ = eio_ = 0;
  isr_runs_ = spurious_ = isr_drained_ = 0;
  masked_.reset();
  batch_.clear();
  wd_checks_ = stalls_detected_ = timeouts_ = resets_ = resubmitted_ = reset_eio_ = stale_ = 0;
  reset_lv_.reset();
}

void AsyncDriver::report(Stats& out, double window_s) const {
  const std::string name_ = name();
  StatGroup g = out.group(name_, "async_driver");
  g.add("submit_rate", double(submitted_) / window_s, "1/s", StatKind::Rate, "records put on the request ring");
  g.add("ring_full_rate", double(full_) / window_s, "1/s", StatKind::Rate, "submits that found the request ring full");
  if (p_.completion != CardCompletion::Irq) {
    g.add("poll_rate", double(polls_) / window_s, "1/s", StatKind::Rate, "polling thread wake-ups");
    g.add("batch.mean", batch_.mean(), "count", StatKind::Distribution, "completions drained per wake-up");
    g.add("batch.max", batch_.max(), "count", StatKind::Distribution, "most completions drained at once");
  }
  if (p_.completion != CardCompletion::Poll) {  // issue 8; the paper's polling adds nothing
    g.add("interrupt_rate", double(isr_runs_) / window_s, "1/s", StatKind::Rate, "card interrupts taken (handler entries)");
    g.add("spurious_rate", double(spurious_) / window_s, "1/s", StatKind::Rate, "interrupts that found the doorbell clear");
    if (p_.completion == CardCompletion::Irq) {
      g.add("completions_per_interrupt", batch_.mean(), "count", StatKind::Distribution, "completions drained per handler pass");
      g.add("batch.max", batch_.max(), "count", StatKind::Distribution, "most completions drained at once");
    } else {
      g.add("completions_per_interrupt", isr_runs_ ? double(drained_) / double(isr_runs_) : 0, "count",
            StatKind::Distribution, "completions drained per interrupt taken (by the polls it started)");
      g.add("irq_masked", 100 * masked_.mean(), "%", StatKind::Fraction, "time the card's interrupt is masked (polling)");
    }
  }
  if (p_.report_errors)
    g.add("eio", double(eio_), "count", StatKind::Counter, "requests ended with -EIO (the completion record's error byte set)");
  if (p_.watchdog) {  // issue 11: scenarios with card faults
    g.add("watchdog_checks", double(wd_checks_), "count", StatKind::Counter, "heartbeat reads by the card watchdog");
    g.add("stalls_detected", double(stalls_detected_), "count", StatKind::Counter, "checks that found the firmware heartbeat unchanged");
    g.add("request_timeouts", double(timeouts_), "count", StatKind::Counter, "checks that found a request outstanding longer than the request timeout");
    g.add("card_resets", double(resets_), "count", StatKind::Counter, "board resets of the card by the watchdog");
    g.add("card_reset", 100 * reset_lv_.mean(), "%", StatKind::Fraction, "time from a reset write to the recovery (rings not in use)");
    g.add("resubmitted", double(resubmitted_), "count", StatKind::Counter, "requests sent again after a reset");
    g.add("failed_by_reset", double(reset_eio_), "count", StatKind::Counter, "requests ended with -EIO by a reset (recovery fail, or out of tries)");
    g.add("stale_completions", double(stale_), "count", StatKind::Counter, "completion records of an earlier incarnation dropped (epoch mismatch)");
  }
  g.add("lock_contended", ring_lock_.acquisitions ? 100.0 * double(ring_lock_.contended) / double(ring_lock_.acquisitions) : 0, "%", StatKind::Fraction, "submits that found the ring lock held");
}

} // namespace iosim
