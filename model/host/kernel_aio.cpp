#include "model/host/kernel_aio.hpp"

#include <algorithm>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

KernelAio::KernelAio(sc_module_name name, HostOs& os, const KernelAioParams& p)
    : sc_module(name), sd("sd"), done("done"), os_(os), p_(p), reapers_(size_t(std::max(0, p.reapers))) {
  if (p.nr_events < 1 || p.reapers < 0 || p.min_nr < 1 || p.nr < p.min_nr)
    throw std::invalid_argument("kaio: nr_events >= 1, reapers >= 0, 1 <= min_nr <= nr");
  if (p.min_nr > 1 && !(p.timeout_s > 0))
    throw std::invalid_argument("kaio: min_nr > 1 needs a timeout (the last events would never be reaped)");
  for (size_t r = 0; r < reapers_.size(); ++r) {
    reapers_[r].task = os.create_task(std::string(this->name()) + ".reaper" + std::to_string(r), true);
    reapers_[r].timeout.reset(new sc_event(sc_gen_unique_name("getevents_timeout")));
    sc_spawn_options o;
    o.spawn_method();
    o.set_sensitivity(reapers_[r].timeout.get());
    o.dont_initialize();
    sc_spawn([this, r] { on_timeout(r); }, sc_gen_unique_name("getevents_timer"), &o);
  }
}

void KernelAio::start() {
  for (size_t r = 0; r < reapers_.size(); ++r)
    os_.wake(reapers_[r].task, [this, r](CpuCtx& c) { getevents(c, r); });
}

bool KernelAio::submit(CpuCtx& c, IoRequest& req) {
  if (active_ >= size_t(p_.nr_events)) {  // -EAGAIN: nothing queued
    c.compute(os_.params().cost.syscall, CpuCat::System);
    ++eagain_;
    return false;
  }
  IoRequest* one = &req;
  submit_batch(c, &one, 1);
  return true;
}

size_t KernelAio::room() const { return size_t(p_.nr_events) - active_; }

// io_submit(ctx, n, iocbs): room is taken before anything is spent (no time
// passes), then each iocb runs down the block layer in the caller's context.
void KernelAio::submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) {
  if (n > room()) throw std::logic_error(std::string(name()) + ": io_submit beyond nr_events");
  active_ += n;
  active_level_.set(double(active_));
  submitted_ += n;
  c.compute(os_.params().cost.syscall, CpuCat::System);
  for (size_t i = 0; i < n; ++i) {
    c.compute(p_.submit_per_iocb, CpuCat::System);
    sd->submit(c, *reqs[i]);
  }
}

// The caller got EAGAIN: it sleeps until reaping frees room (woken by release()).
void KernelAio::wait_for_slot(CpuCtx& c, Burst retry) {
  slot_waiters_.emplace_back(c.task(), std::move(retry));
  os_.block(c, true);
}

void KernelAio::release(CpuCtx& c, size_t n) {
  active_ -= n;
  active_level_.set(double(active_));
  if (slot_waiters_.empty() || n == 0) return;
  auto waiters = std::move(slot_waiters_);
  slot_waiters_.clear();
  for (auto& [t, b] : waiters) {
    c.compute(os_.params().cost.wakeup, c.task() ? CpuCat::System : CpuCat::Irq);
    c.sync();
    ++wakeups_;
    os_.wake(t, std::move(b));
  }
}

// The issuing process's io_getevents(1, listed) (reapers 0), or, behind
// reaper threads, its wait for the reaper's hand-off (one system call).
void KernelAio::collect(CpuCtx& c, size_t events, size_t) {
  const auto& k = os_.params().cost;
  c.compute(k.syscall, CpuCat::System);
  if (!reapers_.empty()) return;
  c.compute(p_.getevents_cycles + p_.getevents_per_event * double(events), CpuCat::System);
  ++calls_;
  per_call_.add(double(events));
  unreaped_ -= std::min(unreaped_, events);
  ring_level_.set(double(unreaped_));
  release(c, events);
}

// aio_complete, in the bottom half of the completion interrupt.
void KernelAio::io_done(CpuCtx& bh, IoRequest& req) {
  bh.compute(p_.complete_cycles, CpuCat::Irq);
  if (req.status != 0) ++eio_;
  if (reapers_.empty()) {  // the issuer's io_getevents: the workload wakes it
    ++unreaped_;
    ring_level_.set(double(unreaped_));
    done->io_done(bh, req);
    return;
  }
  ring_.push_back(&req);
  ring_level_.set(double(ring_.size()));
  if (!waiting_.empty() && ring_.size() >= size_t(p_.min_nr)) {
    const size_t r = waiting_.front();
    waiting_.pop_front();
    reapers_[r].waiting = false;
    bh.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
    bh.sync();
    ++wakeups_;
    os_.wake(reapers_[r].task, [this, r](CpuCtx& c) { take(c, r, false); });
  }
}

void KernelAio::getevents(CpuCtx& c, size_t r) {
  c.compute(os_.params().cost.syscall + p_.getevents_cycles, CpuCat::System);
  if (ring_.size() >= size_t(p_.min_nr)) take(c, r, false);
  else sleep(c, r);
}

// Inside io_getevents: too few events, the reaper sleeps on the context's wait queue.
void KernelAio::sleep(CpuCtx& c, size_t r) {
  Reaper& rp = reapers_[r];
  rp.waiting = true;
  waiting_.push_back(r);
  if (p_.timeout_s > 0) {
    rp.deadline = c.local_time() + sc_time(p_.timeout_s, SC_SEC);
    rp.timeout->notify(rp.deadline - sc_time_stamp());
  }
  os_.block(c, false);  // a helper thread, not a process of the workload (HostOs's false idle)
}

// In io_getevents with min_nr events (or at the timeout): copy up to nr to
// the user, return, hand each to the workload, call again; sleep when too few.
void KernelAio::take(CpuCtx& c, size_t r, bool timed_out) {
  if (!timed_out && ring_.size() < size_t(p_.min_nr)) { sleep(c, r); return; }  // another reaper took them first
  for (;;) {
    const size_t n = std::min(ring_.size(), size_t(p_.nr));
    c.compute(p_.getevents_per_event * double(n), CpuCat::System);
    ++calls_;
    per_call_.add(double(n));
    batch_.assign(ring_.begin(), ring_.begin() + std::ptrdiff_t(n));
    ring_.erase(ring_.begin(), ring_.begin() + std::ptrdiff_t(n));
    ring_level_.set(double(ring_.size()));
    release(c, n);
    std::vector<IoRequest*> got;
    got.swap(batch_);
    for (IoRequest* q : got) done->io_done(c, *q);
    got.clear();
    batch_.swap(got);  // keep the capacity
    c.compute(os_.params().cost.syscall + p_.getevents_cycles, CpuCat::System);  // the next io_getevents
    if (ring_.size() < size_t(p_.min_nr)) { sleep(c, r); return; }
  }
}

void KernelAio::on_timeout(size_t r) {
  Reaper& rp = reapers_[r];
  if (!rp.waiting) return;
  const sc_time now = sc_time_stamp();
  if (now < rp.deadline) { rp.timeout->notify(rp.deadline - now); return; }  // a stale, earlier call's timer
  rp.waiting = false;
  waiting_.erase(std::find(waiting_.begin(), waiting_.end(), r));
  ++timeouts_;
  // The timer's bottom half wakes the reaper (as HostOs's sleep timers do).
  os_.raise_irq([this, r](CpuCtx& c) {
    c.compute(os_.params().cost.wakeup, CpuCat::Irq);
    c.sync();
    ++wakeups_;
    os_.wake(reapers_[r].task, [this, r](CpuCtx& c2) { take(c2, r, true); });
  });
}

void KernelAio::reset_stats() {
  ring_level_.reset();
  active_level_.reset();
  per_call_.clear();
  submitted_ = eagain_ = calls_ = wakeups_ = timeouts_ = eio_ = 0;
}

void KernelAio::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "kernel_aio");
  g.add("submit_rate", double(submitted_) / window_s, "1/s", StatKind::Rate, "iocbs queued by io_submit");
  g.add("eagain_rate", double(eagain_) / window_s, "1/s", StatKind::Rate, "io_submit refused: nr_events in flight or unreaped");
  g.add("in_flight", active_level_.mean(), "count", StatKind::Level, "requests submitted and not yet reaped");
  g.add("ring_depth", ring_level_.mean(), "count", StatKind::Level, "completed events not yet reaped");
  g.add("getevents_rate", double(calls_) / window_s, "1/s", StatKind::Rate, "io_getevents calls that returned events");
  g.add("events_per_call", per_call_.count() ? per_call_.mean() : 0, "count", StatKind::Distribution, "events per io_getevents");
  g.add("wakeup_rate", double(wakeups_) / window_s, "1/s", StatKind::Rate,
        "tasks this stack made runnable (reapers, callers waiting for room): each a switch onto it");
  if (p_.timeout_s > 0) g.add("timeout_rate", double(timeouts_) / window_s, "1/s", StatKind::Rate, "io_getevents calls ended by their timeout");
  if (p_.report_errors) g.add("eio", double(eio_), "count", StatKind::Counter, "requests completed with an error (io_event res -EIO)");
}

} // namespace iosim
