#include "model/host/posix_aio.hpp"

#include <stdexcept>

using namespace sc_core;

namespace iosim {

PosixAio::PosixAio(sc_module_name name, HostOs& os, const PosixAioParams& p)
    : sc_module(name), sd("sd"), done("done"), os_(os), p_(p) {
  if (p.threads < 1 || p.fds_per_process < 1 || p.num < 1)
    throw std::invalid_argument("posix_aio: threads, num and fds_per_process must be >= 1");
}

void PosixAio::count_thread(int delta) {
  nthreads_ += delta;
  threads_level_.set(nthreads_);
  threads_max_ = std::max(threads_max_, nthreads_);
}

bool PosixAio::submit(CpuCtx& c, IoRequest& req) {
  c.compute(p_.call_cycles, CpuCat::User);  // aio_read
  enqueue(c, req);
  return true;
}

void PosixAio::wait_for_slot(CpuCtx&, Burst) {
  throw std::logic_error(std::string(name()) + ": glibc's AIO queues every request (no limit to wait for)");
}

size_t PosixAio::room() const { return std::numeric_limits<size_t>::max(); }

// lio_listio(LIO_NOWAIT, list, n): one call, each request enqueued as aio_read's is.
void PosixAio::submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) {
  c.compute(p_.call_cycles, CpuCat::User);
  for (size_t i = 0; i < n; ++i) enqueue(c, *reqs[i]);
}

// aio_suspend over `listed` aiocbs (a system call to sleep on the condition),
// then aio_error + aio_return on each completed one.
void PosixAio::collect(CpuCtx& c, size_t events, size_t listed) {
  c.compute(os_.params().cost.syscall, CpuCat::System);
  c.compute(p_.suspend_cycles + p_.suspend_per_aiocb * double(listed), CpuCat::User);
  c.compute(p_.return_cycles * double(events), CpuCat::User);
}

// Idle threads wait in pthread_cond_timedwait for aio_idle_time and then
// exit. Applied lazily, when the pool is next consulted: a thread idle for
// that long is gone (its exit's few microseconds are not charged).
void PosixAio::expire_idle() {
  const sc_time now = sc_time_stamp();
  while (!idle_.empty() && (now - workers_[idle_.front()].idle_since).to_seconds() >= p_.idle_time_s) {
    workers_[idle_.front()].exited = true;
    idle_.pop_front();
    count_thread(-1);
    ++exited_;
  }
}

// __aio_enqueue_request, in the caller's context.
void PosixAio::enqueue(CpuCtx& c, IoRequest& req) {
  const auto& k = os_.params().cost;
  c.compute(k.syscall * p_.sched_param_syscalls, CpuCat::System);  // pthread_getschedparam (LinuxThreads)
  c.compute(p_.enqueue_cycles, CpuCat::User);
  c.lock(mutex_);
  expire_idle();
  if (++entries_ > pool_) {  // get_elem: a new row of request-list entries
    pool_ += pool_ == 0 ? size_t(p_.num) : 32;
    c.compute(p_.pool_grow_cycles, CpuCat::User);
  }
  if (next_fd_.size() <= req.origin) next_fd_.resize(size_t(req.origin) + 1, 0);
  // The process's descriptors: it uses one with nothing in progress when it
  // has one (the lowest after the last used), else the next in turn.
  const uint64_t first = uint64_t(req.origin) * uint64_t(p_.fds_per_process);
  const uint32_t n = uint32_t(p_.fds_per_process);
  uint32_t pick = next_fd_[req.origin] % n;
  for (uint32_t k = 0; k < n; ++k)
    if (!fds_.count(first + (next_fd_[req.origin] + k) % n)) { pick = (next_fd_[req.origin] + k) % n; break; }
  next_fd_[req.origin] = pick + 1;
  const uint64_t fd = first + pick;
  req.ext<AioCb>().fd = uint32_t(fd);
  ++submitted_;
  auto it = fds_.find(fd);
  if (it != fds_.end()) {  // the descriptor is worked on: wait behind its head
    it->second.queued.push_back(&req);
    ++fd_waits_;
    c.unlock(mutex_);
    return;
  }
  fds_[fd].head = &req;
  if (nthreads_ < p_.threads && idle_.empty()) {
    start_thread(c, &req);
  } else {
    runlist_.push_back(&req);
    runlist_level_.set(double(runlist_.size()));
    if (!idle_.empty()) signal_idle(c);
  }
  c.unlock(mutex_);
}

// pthread_create(handle_fildes_io, first): the new thread runs `first`, or
// (first == nullptr) takes the run list's head.
void PosixAio::start_thread(CpuCtx& c, IoRequest* first) {
  c.compute(p_.thread_create_cycles, CpuCat::System);
  c.sync();
  ++created_;
  count_thread(+1);
  const size_t w = workers_.size();
  workers_.push_back({});
  workers_[w].task = os_.create_task(std::string(name()) + ".thread" + std::to_string(w), true);
  ++wakeups_;
  os_.wake(workers_[w].task, [this, w, first](CpuCtx& c2) {
    if (first) run(c2, w, *first);
    else { c2.lock(mutex_); next_work(c2, w); }
  });
}

// pthread_cond_signal(&__aio_new_request_notification): LinuxThreads restarts
// the waiting thread with a signal (a kill() system call) and wakes it.
void PosixAio::signal_idle(CpuCtx& c) {
  const size_t w = idle_.front();
  idle_.pop_front();
  workers_[w].idle = false;
  c.compute(os_.params().cost.syscall + os_.params().cost.wakeup, c.task() ? CpuCat::System : CpuCat::Irq);
  c.sync();
  ++wakeups_;
  os_.wake(workers_[w].task, [this, w](CpuCtx& c2) { c2.lock(mutex_); next_work(c2, w); });
}

// With the mutex held: take the run list's head (waking or creating another
// thread when more is waiting), or go idle, or (woken with nothing to do) exit.
void PosixAio::next_work(CpuCtx& c, size_t w, bool may_idle) {
  expire_idle();
  if (runlist_.empty()) {
    if (may_idle) {
      workers_[w].idle = true;
      workers_[w].idle_since = sc_time_stamp();
      idle_.push_back(w);
    } else {  // the timed wait returned with an empty run list: the thread exits
      workers_[w].exited = true;
      count_thread(-1);
      ++exited_;
      c.compute(p_.thread_exit_cycles, CpuCat::System);
    }
    c.unlock(mutex_);
    os_.block(c, false);
    return;
  }
  IoRequest* next = runlist_.front();
  runlist_.pop_front();
  runlist_level_.set(double(runlist_.size()));
  if (!runlist_.empty()) {
    if (!idle_.empty()) signal_idle(c);
    else if (nthreads_ < p_.threads) start_thread(c, nullptr);
  }
  c.unlock(mutex_);
  run(c, w, *next);
}

// The worker's pread: a system call into the blocking path, asleep until the
// bottom half wakes it.
void PosixAio::run(CpuCtx& c, size_t w, IoRequest& req) {
  c.compute(os_.params().cost.syscall, CpuCat::System);
  req.ext<AioCb>().thread = uint32_t(w);
  workers_[w].cur = &req;
  sd->submit(c, req);
  // Not an I/O wait of the workload: false idle (HostOs) counts the
  // workload's processes blocked on I/O, and a helper thread is not one.
  os_.block(c, false);
}

void PosixAio::io_done(CpuCtx& bh, IoRequest& req) {
  const size_t w = req.ext<AioCb>().thread;
  bh.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
  bh.sync();
  ++wakeups_;
  os_.wake(workers_[w].task, [this, w](CpuCtx& c) { finish(c, w); });
}

// Back from pread (a context switch onto the worker, charged by HostOs).
void PosixAio::finish(CpuCtx& c, size_t w) {
  IoRequest& req = *workers_[w].cur;
  workers_[w].cur = nullptr;
  c.lock(mutex_);
  c.compute(p_.complete_cycles, CpuCat::User);
  if (req.status != 0) ++eio_;
  // __aio_remove_request: the descriptor's next request joins the run list
  // (before the notification, which may hand the request back to its owner).
  const uint64_t fd = req.ext<AioCb>().fd;
  auto it = fds_.find(fd);
  if (it == fds_.end() || it->second.head != &req) throw std::logic_error(std::string(name()) + ": request not at its descriptor's head");
  --entries_;
  if (it->second.queued.empty()) {
    fds_.erase(it);
  } else {
    IoRequest* n = it->second.queued.front();
    it->second.queued.pop_front();
    it->second.head = n;
    runlist_.push_back(n);
    runlist_level_.set(double(runlist_.size()));
  }
  notify(c, req);
  next_work(c, w, true);
}

// __aio_notify: the caller learns of the completion.
void PosixAio::notify(CpuCtx& c, IoRequest& req) {
  const auto& k = os_.params().cost;
  switch (p_.notify) {
    case AioNotify::None:  // aio_error sees it; an aio_suspend waiter is woken (the workload's io_done)
      done->io_done(c, req);
      return;
    case AioNotify::Signal:
      // kill() to the process, then its handler runs. The handler's cycles
      // are charged here, on the sending worker's CPU (a simplification: the
      // interrupted process's own CPU and a switch to it are not modelled).
      c.compute(k.syscall + p_.signal_send_cycles, CpuCat::System);
      c.compute(p_.signal_handle_cycles, CpuCat::User);
      ++signals_;
      done->io_done(c, req);
      return;
    case AioNotify::Thread: {
      // __aio_notify_only: pthread_create(notify_func_wrapper) per
      // notification; the new thread runs the callback and exits.
      c.compute(p_.thread_create_cycles, CpuCat::System);
      c.sync();
      ++notify_threads_;
      Task* t;
      if (notifiers_.empty()) {
        t = os_.create_task(std::string(name()) + ".notify" + std::to_string(notify_tasks_++), true);
      } else {
        t = notifiers_.back();
        notifiers_.pop_back();
      }
      IoRequest* r = &req;
      ++wakeups_;
      os_.wake(t, [this, t, r](CpuCtx& c2) {
        c2.compute(p_.callback_cycles, CpuCat::User);
        done->io_done(c2, *r);
        c2.compute(p_.thread_exit_cycles, CpuCat::System);
        notifiers_.push_back(t);  // a thread object to reuse: the next notification pays creation again
        os_.block(c2, false);
      });
      return;
    }
  }
}

void PosixAio::reset_stats() {
  threads_level_.reset();
  runlist_level_.reset();
  submitted_ = created_ = exited_ = fd_waits_ = wakeups_ = signals_ = notify_threads_ = eio_ = 0;
  threads_max_ = nthreads_;
  mutex_.spin_s = 0;
}

void PosixAio::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "posix_aio");
  g.add("submit_rate", double(submitted_) / window_s, "1/s", StatKind::Rate, "requests enqueued (aio_read, lio_listio)");
  g.add("threads", threads_level_.mean(), "count", StatKind::Level, "helper threads alive (mean)");
  g.add("threads.max", double(threads_max_), "count", StatKind::Level, "helper threads alive (most)");
  g.add("threads_created", double(created_), "count", StatKind::Counter, "pthread_create of helper threads");
  g.add("threads_exited", double(exited_), "count", StatKind::Counter, "helper threads that exited (idle for aio_idle_time)");
  g.add("runlist_depth", runlist_level_.mean(), "count", StatKind::Level, "requests waiting for a thread");
  g.add("fd_wait_rate", double(fd_waits_) / window_s, "1/s", StatKind::Rate, "requests queued behind a busy descriptor (one request per descriptor at a time)");
  g.add("wakeup_rate", double(wakeups_) / window_s, "1/s", StatKind::Rate,
        "tasks this stack made runnable (workers woken by the bottom half or signalled, threads started): each a switch onto it");
  g.add("mutex_spin", 100 * mutex_.spin_s / window_s, "%", StatKind::Fraction, "CPU time waiting for __aio_requests_mutex, in % of one CPU");
  if (p_.notify == AioNotify::Signal) g.add("signal_rate", double(signals_) / window_s, "1/s", StatKind::Rate, "SIGEV_SIGNAL notifications");
  if (p_.notify == AioNotify::Thread) g.add("notify_thread_rate", double(notify_threads_) / window_s, "1/s", StatKind::Rate, "SIGEV_THREAD threads started");
  if (p_.report_errors) g.add("eio", double(eio_), "count", StatKind::Counter, "requests ended with an error (pread returned -EIO)");
}

} // namespace iosim
