#include "model/host/io_uring.hpp"

#include <algorithm>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

IoUring::IoUring(sc_module_name name, HostOs& os, const IoUringParams& p)
    : sc_module(name), sd("sd"), blk("blk"), done("done"), os_(os), p_(p), sq_size_(size_t(p.sq_size())),
      cq_size_(size_t(p.cq_size())) {
  if (p.sq_entries < 1 || p.sq_entries > 32768 || p.cq_entries < 0 || p.cq_entries > 65536)
    throw std::invalid_argument("uring: 1 <= sq_entries <= 32768, 0 <= cq_entries <= 65536");
  if (cq_size_ < sq_size_) throw std::invalid_argument("uring: cq_entries below sq_entries");
  if (p.iopoll && !p.sqpoll) throw std::invalid_argument("uring: iopoll needs sqpoll (the workload's wait sleeps)");
  if (!(p.poll_gap_s > 0) || !(p.sq_thread_idle_s >= 0)) throw std::invalid_argument("uring: poll_gap > 0, sq_thread_idle >= 0");
  if (p.sqpoll) sq_task_ = os.create_task(std::string(this->name()) + ".sqpoll", true);
}

// The SQ thread starts with the ring (io_uring_setup creates it running).
void IoUring::start() {
  if (!sq_task_) return;
  sq_awake_ = true;
  awake_.set(1);
  sq_last_work_ = sc_time_stamp();
  os_.wake(sq_task_, [this](CpuCtx& c) { sq_pass(c); });
}

size_t IoUring::caller(CpuCtx& c, const IoRequest* r) {
  Task* t = c.task();
  auto it = origin_.find(t);
  if (it != origin_.end()) return it->second;
  if (!r) throw std::logic_error(std::string(name()) + ": a process reaps before it ever submitted");
  const size_t o = r->origin;
  if (o >= task_.size()) {
    task_.resize(o + 1, nullptr);
    waited_.resize(o + 1, 0);
    slot_wait_.resize(o + 1, 0);
  }
  task_[o] = t;
  origin_.emplace(t, o);
  return o;
}

size_t IoUring::room() const {
  // Without SQPOLL io_uring_enter consumes the SQ at once: a whole ring per call.
  return p_.sqpoll ? sq_size_ - sq_.size() : sq_size_;
}

bool IoUring::submit(CpuCtx& c, IoRequest& req) {
  if (room() == 0) return false;  // io_uring_get_sqe returns NULL: nothing written
  IoRequest* one = &req;
  submit_batch(c, &one, 1);
  return true;
}

void IoUring::submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) {
  if (n == 0) return;
  if (n > room()) throw std::logic_error(std::string(name()) + ": more SQEs than the SQ holds");
  caller(c, reqs[0]);
  c.compute(p_.sqe_cycles * double(n), CpuCat::User);  // the SQEs and the tail, in user space
  in_flight_ += n;
  in_flight_level_.set(double(in_flight_));
  submitted_ += n;
  const auto& k = os_.params().cost;
  if (!p_.sqpoll) {  // io_uring_enter(fd, n, 0, 0): io_submit_sqes in the caller's context
    c.compute(k.syscall, CpuCat::System);
    ++submit_enters_;
    for (size_t i = 0; i < n; ++i) {
      c.compute(p_.submit_per_sqe, CpuCat::System);
      sd->submit(c, *reqs[i]);
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) sq_.push_back(reqs[i]);
  sq_level_.set(double(sq_.size()));
  if (sq_awake_) return;  // the thread will find them: no syscall
  // IORING_SQ_NEED_WAKEUP: io_uring_enter(IORING_ENTER_SQ_WAKEUP) wakes the thread.
  c.compute(k.syscall + k.wakeup, CpuCat::System);
  c.sync();
  ++wakeup_enters_;
  ++sq_wakeups_;
  sq_awake_ = true;
  awake_.set(1);
  sq_last_work_ = c.local_time();
  os_.wake(sq_task_, [this](CpuCtx& c2) { sq_pass(c2); });
}

// SQ full (SQPOLL): io_uring_enter(IORING_ENTER_SQ_WAIT) until the thread has
// consumed entries; it wakes the waiters.
void IoUring::wait_for_slot(CpuCtx& c, Burst retry) {
  if (!p_.sqpoll) throw std::logic_error(std::string(name()) + ": the SQ cannot fill without sqpoll");
  c.compute(os_.params().cost.syscall, CpuCat::System);
  ++sq_wait_enters_;
  auto it = origin_.find(c.task());
  if (it != origin_.end()) slot_wait_[it->second] = 1;
  slot_waiters_.emplace_back(c.task(), std::move(retry));
  os_.block(c, true);
}

// One pass of io_sq_thread: submit what the SQ holds; with IOPOLL, poll the
// reply FIFOs while requests are in flight; spin or sleep when idle.
void IoUring::sq_pass(CpuCtx& c) {
  const sc_time t0 = c.local_time();  // the scheduler's pass before it is not the thread's
  if (p_.iopoll && !claimed_) {  // the poll queues have no interrupt
    for (int q = 0; q < blk->poll_queues(); ++q) blk->poll_claim(c, q);
    claimed_ = true;
  }
  bool work = false;
  if (!sq_.empty()) {
    std::vector<IoRequest*> batch(sq_.begin(), sq_.end());
    sq_.clear();
    sq_level_.set(0);
    for (IoRequest* r : batch) {
      c.compute(p_.submit_per_sqe, CpuCat::System);
      sd->submit(c, *r);
    }
    work = true;
    if (!slot_waiters_.empty()) {  // room again: wake the SQ_WAIT sleepers
      auto waiters = std::move(slot_waiters_);
      slot_waiters_.clear();
      for (auto& [t, b] : waiters) {
        c.compute(os_.params().cost.wakeup, CpuCat::System);
        c.sync();
        auto it = origin_.find(t);
        if (it != origin_.end()) slot_wait_[it->second] = 0;
        os_.wake(t, std::move(b));
      }
    }
  }
  if (p_.iopoll && in_flight_ > 0) {  // io_do_iopoll over the HBAs' reply FIFOs
    uint64_t found = 0;
    for (int q = 0; q < blk->poll_queues(); ++q) {
      const uint64_t n = blk->poll(c, q);
      ++polls_;
      if (n == 0) ++empty_polls_;
      found += n;
    }
    work = work || found > 0;
  }
  // Requests still in flight keep an IOPOLL thread spinning (Linux: a
  // non-empty iopoll list counts as work for the idle timeout).
  if (work || (p_.iopoll && in_flight_ > 0)) sq_last_work_ = c.local_time();
  const bool stay = work || c.local_time() - sq_last_work_ < sc_time(p_.sq_thread_idle_s, SC_SEC);
  if (stay && !work) c.compute(p_.poll_gap_s * os_.params().clock_hz, CpuCat::System);  // spin, then look again
  sq_busy_s_ += (c.local_time() - t0).to_seconds();
  c.sync();  // spent before it is runnable again: another CPU could otherwise take it mid-burst
  if (stay) {
    os_.requeue(c, [this](CpuCtx& c2) { sq_pass(c2); });
    return;
  }
  // Idle for sq_thread_idle: IORING_SQ_NEED_WAKEUP, then sleep.
  if (!sq_.empty()) {  // written while it ran: io_sq_thread re-checks the SQ after setting the flag
    os_.requeue(c, [this](CpuCtx& c2) { sq_pass(c2); });
    return;
  }
  sq_awake_ = false;
  awake_.set(0);
  ++sq_sleeps_;
  os_.block(c, false);
}

// A CQE: io_cqring_fill_event (into the ring, or the overflow list when it
// is full), then the waiter, if any, is woken (by the workload's io_done).
void IoUring::io_done(CpuCtx& c, IoRequest& req) {
  const CpuCat cat = c.task() ? CpuCat::System : CpuCat::Irq;
  c.compute(p_.complete_cycles, cat);
  if (req.status != 0) ++eio_;
  if (in_flight_ > 0) --in_flight_;
  in_flight_level_.set(double(in_flight_));
  if (cq_ < cq_size_) ++cq_;
  else {
    ++backlog_;
    ++overflows_;
    c.compute(p_.overflow_cycles, cat);
  }
  cq_level_.set(double(cq_ + backlog_));
  if (sq_task_ && c.task() == sq_task_) ++polled_;
  else ++irq_completions_;
  const size_t o = req.origin;
  if (o < task_.size() && task_[o] && task_[o]->blocked_on_io() && !slot_wait_[o]) waited_[o] = 1;
  done->io_done(c, req);
}

// The process back from its wait with `events` CQEs: reaped in user space;
// if it had slept in io_uring_enter(GETEVENTS), that call's cost; if CQEs
// overflowed, the io_uring_enter that flushes the backlog into the freed room.
void IoUring::collect(CpuCtx& c, size_t events, size_t) {
  const auto& k = os_.params().cost;
  const size_t o = caller(c, nullptr);
  if (waited_[o]) {
    waited_[o] = 0;
    c.compute(k.syscall + p_.wait_cycles, CpuCat::System);
    ++wait_enters_;
  }
  c.compute(p_.cqe_cycles * double(events), CpuCat::User);
  reaped_ += events;
  per_reap_.add(double(events));
  const size_t from_cq = std::min(cq_, events);
  cq_ -= from_cq;
  size_t flushed = std::min(backlog_, events - from_cq);  // delivered from the backlog: flushed by this call
  backlog_ -= flushed;
  const size_t more = std::min(backlog_, cq_size_ - cq_);
  backlog_ -= more;
  cq_ += more;
  flushed += more;
  if (flushed > 0) {
    c.compute(k.syscall + p_.flush_per_cqe * double(flushed), CpuCat::System);
    ++flush_enters_;
  }
  cq_level_.set(double(cq_ + backlog_));
}

void IoUring::reset_stats() {
  sq_level_.reset();
  cq_level_.reset();
  in_flight_level_.reset();
  awake_.reset();
  per_reap_.clear();
  sq_busy_s_ = 0;
  submitted_ = reaped_ = submit_enters_ = wait_enters_ = wakeup_enters_ = sq_wait_enters_ = flush_enters_ = 0;
  overflows_ = polls_ = empty_polls_ = polled_ = irq_completions_ = sq_wakeups_ = sq_sleeps_ = eio_ = 0;
}

void IoUring::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "io_uring");
  g.add("sq_entries", double(sq_size_), "count", StatKind::Setting, "SQ ring size (io_uring_setup: a power of two)");
  g.add("cq_entries", double(cq_size_), "count", StatKind::Setting, "CQ ring size (io_uring_setup: a power of two)");
  g.add("submit_rate", double(submitted_) / window_s, "1/s", StatKind::Rate, "SQEs written by the application");
  g.add("reap_rate", double(reaped_) / window_s, "1/s", StatKind::Rate, "CQEs reaped by the application");
  g.add("cqes_per_reap", per_reap_.count() ? per_reap_.mean() : 0, "count", StatKind::Distribution,
        "CQEs reaped per return from the wait (mean)");
  const uint64_t enters = submit_enters_ + wait_enters_ + wakeup_enters_ + sq_wait_enters_ + flush_enters_;
  g.add("syscall_rate", double(enters) / window_s, "1/s", StatKind::Rate, "io_uring_enter calls, all kinds");
  g.add("submit_syscall_rate", double(submit_enters_) / window_s, "1/s", StatKind::Rate,
        "io_uring_enter(to_submit) calls (none with sqpoll)");
  g.add("wait_syscall_rate", double(wait_enters_) / window_s, "1/s", StatKind::Rate,
        "io_uring_enter(GETEVENTS) calls that slept for a CQE");
  g.add("in_flight", in_flight_level_.mean(), "count", StatKind::Level, "requests submitted and not yet completed");
  g.add("cq_depth", cq_level_.mean(), "count", StatKind::Level, "CQEs posted and not yet reaped (overflow list included)");
  g.add("cq_overflows", double(overflows_), "count", StatKind::Counter,
        "CQEs that found the CQ full (kept on the overflow list: IORING_FEAT_NODROP)");
  g.add("flush_syscall_rate", double(flush_enters_) / window_s, "1/s", StatKind::Rate,
        "io_uring_enter calls flushing overflowed CQEs into the ring");
  g.add("irq_completion_rate", double(irq_completions_) / window_s, "1/s", StatKind::Rate,
        "CQEs posted from the HBAs' interrupt bottom halves");
  if (p_.sqpoll) {
    g.add("sq_depth", sq_level_.mean(), "count", StatKind::Level, "SQEs written and not yet taken by the SQ thread");
    g.add("wakeup_syscall_rate", double(wakeup_enters_) / window_s, "1/s", StatKind::Rate,
          "io_uring_enter(SQ_WAKEUP) calls: the SQ thread was asleep");
    g.add("sq_wait_syscall_rate", double(sq_wait_enters_) / window_s, "1/s", StatKind::Rate,
          "io_uring_enter(SQ_WAIT) calls: the SQ was full");
    g.add("sqpoll.busy", 100 * sq_busy_s_ / window_s, "%", StatKind::Fraction,
          "of one CPU: the SQ thread's passes (submitting, polling, spinning), the scheduler's passes apart");
    g.add("sqpoll.awake", 100 * awake_.mean(), "%", StatKind::Fraction, "time the SQ thread was not asleep");
    g.add("sqpoll.sleeps", double(sq_sleeps_), "count", StatKind::Counter,
          "times the SQ thread went to sleep after sq_thread_idle without work");
    g.add("sqpoll.wakeups", double(sq_wakeups_), "count", StatKind::Counter, "times a submitter woke the SQ thread");
  }
  if (p_.iopoll) {
    g.add("poll_rate", double(polls_) / window_s, "1/s", StatKind::Rate, "reply FIFO polls by the SQ thread (IOPOLL)");
    g.add("empty_polls", polls_ ? 100 * double(empty_polls_) / double(polls_) : 0, "%", StatKind::Fraction,
          "polls that found no reply");
    g.add("polled_completion_rate", double(polled_) / window_s, "1/s", StatKind::Rate,
          "CQEs posted by the SQ thread's polls (no interrupt)");
  }
  if (p_.report_errors) g.add("eio", double(eio_), "count", StatKind::Counter, "requests completed with an error (cqe res -EIO)");
}

} // namespace iosim
