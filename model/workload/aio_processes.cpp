#include "model/workload/aio_processes.hpp"

#include <algorithm>
#include <stdexcept>

namespace iosim {

AioProcesses::AioProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap,
                           uint64_t capacity_blocks, int processes, int iodepth, bool batch, uint64_t seed,
                           RequestLedger& ledger, uint64_t buffer_base)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), stack("stack"), aio("aio"), os_(os),
      procs_(size_t(processes)), pattern_(ap, capacity_blocks, Rng(seed, std::string(sc_module::name()))),
      iodepth_(size_t(iodepth)), batch_(batch) {
  if (processes < 1 || iodepth < 1) throw std::invalid_argument("aio workload needs processes >= 1 and iodepth >= 1");
  const std::string n = sc_module::name();
  for (size_t i = 0; i < procs_.size(); ++i) {
    Proc& p = procs_[i];
    p.task = os.create_task(n + ".proc" + std::to_string(i));
    p.reqs.reset(new IoRequest[iodepth_]);
    for (size_t j = 0; j < iodepth_; ++j) {
      IoRequest& r = p.reqs[j];
      r.host_buffer = buffer_base + (uint64_t(i) * iodepth_ + j) * ap.block_bytes;
      r.origin = uint32_t(i);
      p.free.push_back(&r);
    }
  }
}

void AioProcesses::start() {
  for (size_t i = 0; i < procs_.size(); ++i) os_.wake(procs_[i].task, [this, i](CpuCtx& c) { refill(c, i); });
}

// Submit a request in every free slot: as many as the stack has room for,
// in one call (batch) or one call each; wait for room for the rest.
void AioProcesses::refill(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  p.state = State::Running;
  while (!stopping_ && !p.free.empty()) {
    const size_t k = std::min(p.free.size(), batch_ ? aio->room() : std::min<size_t>(1, aio->room()));
    if (k == 0) {  // no room: io_submit returns EAGAIN; wait until the stack has room
      if (stack->submit(c, *p.free.back()))
        throw std::logic_error(std::string(name()) + ": stack took a request it had no room for");
      if (aio->caller_reaps() && p.outstanding > 0) {  // its own io_getevents frees the room: reap, then submit
        wait(c, i);
        return;
      }
      p.state = State::WaitSlot;
      stack->wait_for_slot(c, [this, i](CpuCtx& c2) { refill(c2, i); });
      return;
    }
    scratch_.clear();
    for (size_t j = 0; j < k; ++j) {
      IoRequest* r = p.free.back();
      p.free.pop_back();
      c.compute(os_.params().cost.user_per_io, CpuCat::User);
      pattern_.fill(*r);
      r->status = 0;
      IoTally::issue(*r);
      scratch_.push_back(r);
    }
    p.outstanding += k;
    if (batch_) {
      std::vector<IoRequest*> reqs;
      reqs.swap(scratch_);  // submit_batch may let another process run (and use scratch_)
      aio->submit_batch(c, reqs.data(), reqs.size());
      if (scratch_.empty()) scratch_.swap(reqs);
    } else {
      IoRequest* r = scratch_.front();
      if (!stack->submit(c, *r)) throw std::logic_error(std::string(name()) + ": stack refused a request it had room for");
    }
  }
  wait(c, i);
}

void AioProcesses::wait(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  if (!p.completed.empty()) { handle(c, i); return; }
  if (p.outstanding == 0) {  // stopping, all back
    p.state = State::Exited;
    os_.exit(c);
    return;
  }
  ++waits_;
  p.state = State::WaitIo;
  os_.block(c, true);
}

void AioProcesses::io_done(CpuCtx& c, IoRequest& req) {
  Proc& p = procs_[req.origin];
  p.completed.push_back(&req);
  if (p.state != State::WaitIo) return;  // running (collects at its next wait) or waiting for room
  p.state = State::Running;
  c.compute(os_.params().cost.wakeup, c.task() ? CpuCat::System : CpuCat::Irq, true);
  c.sync();
  ++wakeups_;
  const size_t i = req.origin;
  os_.wake(p.task, [this, i](CpuCtx& c2) { handle(c2, i); });
}

// Back from the wait: collect what completed, then reuse the slots.
void AioProcesses::handle(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  const size_t n = p.completed.size();
  aio->collect(c, n, p.outstanding);
  collected_.add(double(n));
  for (IoRequest* r : p.completed) {
    done(*r);
    p.free.push_back(r);
  }
  p.completed.clear();
  p.outstanding -= n;
  refill(c, i);
}

void AioProcesses::reset_stats() {
  IoTally::reset_stats();
  wakeups_ = waits_ = 0;
  collected_.clear();
}

void AioProcesses::report(Stats& out, double window_s) const {
  IoTally::report(out, window_s);
  StatGroup g = out.group(name(), "workload");
  g.add("wakeup_rate", double(wakeups_) / window_s, "1/s", StatKind::Rate, "processes woken from their wait for completions");
  g.add("per_wait", collected_.count() ? collected_.mean() : 0, "count", StatKind::Distribution,
        "completions collected per return from the wait");
}

} // namespace iosim
