#include "model/nvme/nvme_driver.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace sc_core;

namespace iosim {

NvmeDriver::NvmeDriver(sc_module_name name, HostOs& os, const NvmeDriverParams& p, int queues_n, uint64_t bar_base,
                       int irq_base)
    : sc_module(name), done("done"), queues("queues"), os_(os), p_(p), bar_base_(bar_base), q_(size_t(queues_n)) {
  if (queues_n < 1) throw std::invalid_argument(std::string(this->name()) + ": needs at least one I/O queue");
  if (p_.completion == NvmeCompletion::Interrupt)
    for (int q = 0; q < queues_n; ++q) os_.request_irq(irq_base + q, [this, q](CpuCtx& c) { isr(c, q); });
  SC_METHOD(snoop_method);  // runs once at start to arm itself on the queue memory's event
}

// Sized at the first submit: the queue depth comes from the bound queue memory.
bool NvmeDriver::submit(CpuCtx& c, IoRequest& req) {
  const uint32_t n = queues->entries();
  if (cmds_.empty()) {
    cmds_ = std::vector<Cmd>(n);  // command ids 0 .. n-1, unique over the queues
    for (uint32_t i = n; i-- > 0;) free_.push_back(uint16_t(i));
  }
  const int q = c.cpu() % int(q_.size());
  Queue& qq = q_[size_t(q)];
  if (qq.outstanding + 1 >= n || free_.empty()) return false;  // SQ full (one entry always stays empty)
  c.compute(p_.submit_cycles, CpuCat::System);
  const uint16_t cid = free_.back();
  free_.pop_back();
  Cmd& cmd = cmds_[cid];
  cmd.req = &req;
  cmd.q = q;
  cmd.st = St::Submitted;
  cmd.cqe.held = true;
  cmd.start = c.local_time();
  cid_of_[&req] = cid;
  NvmeSqe e;
  e.cid = cid;
  e.prp1 = req.host_buffer;
  e.slba = req.lba;
  e.nlb = req.blocks - 1;
  queues->write_sqe(q, qq.sq_tail, e);
  qq.sq_tail = (qq.sq_tail + 1) % n;
  ++qq.outstanding;
  ++submitted_;
  ++doorbells_;
  const uint32_t tail = qq.sq_tail;
  c.pio_write(bar_base_ + NvmeController::sq_tail_doorbell(q), &tail, 4);
  return true;
}

void NvmeDriver::wait_for_slot(CpuCtx&, Burst) {
  throw std::logic_error(std::string(name()) + ": an NVMe submission queue was full (more processes than entries)");
}

// blk_mq_poll_nsecs (Linux 4.10+, io_poll_delay = 0): half the mean
// completion time of the last window with samples; 0 (no sleep) before one.
double NvmeDriver::hybrid_sleep_s() {
  if (p_.hybrid_sleep_s > 0) return p_.hybrid_sleep_s;
  const sc_time now = sc_time_stamp();
  if (now >= win_end_) {
    if (win_n_ > 0) { last_mean_ = win_sum_ / double(win_n_); last_n_ = win_n_; }
    win_sum_ = 0;
    win_n_ = 0;
    const sc_time w(p_.hybrid_window_s, SC_SEC);
    while (win_end_ <= now) win_end_ += w;
  }
  return last_n_ ? last_mean_ / 2 : 0;
}

void NvmeDriver::wait_io(CpuCtx& c, IoRequest& req) {
  const auto it = cid_of_.find(&req);
  if (it == cid_of_.end()) throw std::logic_error(std::string(name()) + ": wait_io for a request it does not hold");
  const uint16_t cid = it->second;
  switch (p_.completion) {
  case NvmeCompletion::Interrupt:
    os_.block(c, true);
    return;
  case NvmeCompletion::Poll:
    poll_and_finish(c, cid);
    return;
  case NvmeCompletion::Hybrid: {
    const double s = hybrid_sleep_s();
    if (s <= 0) { poll_and_finish(c, cid); return; }
    ++sleeps_;
    sleep_s_ += s;
    os_.sleep_until(c, c.local_time() + sc_time(s, SC_SEC), [this, cid](CpuCtx& c2) { poll_and_finish(c2, cid, true); });
    return;
  }
  }
}

// A CQE's DMA write has ended: the spinner of its command (if any) sees it.
// This is the cache-coherent visibility of host memory, not CPU work.
void NvmeDriver::snoop_method() {
  next_trigger(queues->cqe_written());
  const uint32_t n = queues->entries();
  for (size_t q = 0; q < q_.size(); ++q) {
    Queue& qq = q_[q];
    for (;;) {
      const NvmeCqe e = queues->read_cqe(int(q), qq.snoop);
      if (e.phase != qq.snoop_phase) break;
      Cmd& cmd = cmds_.at(e.cid);
      if (cmd.st == St::Submitted) cmd.st = St::Landed;
      cmd.cqe.held = false;
      cmd.cqe.released.notify(SC_ZERO_TIME);
      qq.snoop = (qq.snoop + 1) % n;
      if (qq.snoop == 0) qq.snoop_phase = !qq.snoop_phase;
    }
  }
}

// nvme_process_cq: every CQE whose phase tag is current, in order; then the
// CQ head doorbell. `reaped` (interrupt mode) collects the command ids.
void NvmeDriver::reap(CpuCtx& c, int q, CpuCat cat, std::vector<uint16_t>* reaped) {
  Queue& qq = q_[size_t(q)];
  const uint32_t n = queues->entries();
  c.lock(qq.lock);
  uint32_t got = 0;
  for (;;) {
    const NvmeCqe e = queues->read_cqe(q, qq.cq_head);
    if (e.phase != qq.phase) break;
    c.compute(p_.complete_cycles, cat);
    Cmd& cmd = cmds_.at(e.cid);
    if (cmd.st == St::Free || cmd.st == St::Reaped)
      throw std::logic_error(std::string(name()) + ": CQE for command " + std::to_string(e.cid) + " not outstanding");
    cmd.st = St::Reaped;
    qq.sq_head = e.sq_head;
    --qq.outstanding;
    ++reaped_;
    // blk_stat: completion time from start to end of request, for hybrid polling.
    win_sum_ += (c.local_time() - cmd.start).to_seconds();
    ++win_n_;
    if (reaped) reaped->push_back(e.cid);
    qq.cq_head = (qq.cq_head + 1) % n;
    if (qq.cq_head == 0) qq.phase = !qq.phase;
    ++got;
  }
  if (got) {
    const uint32_t head = qq.cq_head;
    ++doorbells_;
    c.pio_write(bar_base_ + NvmeController::cq_head_doorbell(q), &head, 4);
  }
  c.unlock(qq.lock);
}

void NvmeDriver::poll_and_finish(CpuCtx& c, uint16_t cid, bool after_sleep) {
  Cmd& cmd = cmds_[cid];
  ++polls_;
  if (after_sleep && cmd.st != St::Submitted) ++slept_past_;  // the CQE was already there: slept too long
  c.compute(p_.poll_entry_cycles, CpuCat::System);
  if (cmd.st == St::Submitted) {  // spin until the CQE is in host memory
    const double before = cmd.cqe.spin_s;
    c.lock(cmd.cqe);
    spin_s_ += cmd.cqe.spin_s - before;
  }
  if (cmd.st != St::Reaped) {  // the iteration that sees the phase tag flip, then nvme_poll consumes the CQ
    c.compute(p_.poll_check_cycles, CpuCat::System);
    reap(c, cmd.q, CpuCat::System, nullptr);
  }
  IoRequest& req = *cmd.req;
  cmd.st = St::Free;
  cmd.req = nullptr;
  cid_of_.erase(&req);
  free_.push_back(cid);
  c.sync();
  done->io_done(c, req);
}

void NvmeDriver::isr(CpuCtx& c, int q) {
  ++interrupts_;
  c.compute(p_.isr_cycles, CpuCat::Irq);
  std::vector<uint16_t> got;
  got.swap(scratch_);
  got.clear();
  reap(c, q, CpuCat::Irq, &got);
  if (got.empty()) ++empty_irqs_;
  irq_cqes_ += got.size();
  for (uint16_t cid : got) {
    Cmd& cmd = cmds_[cid];
    IoRequest& req = *cmd.req;
    cmd.st = St::Free;
    cmd.req = nullptr;
    cid_of_.erase(&req);
    free_.push_back(cid);
    done->io_done(c, req);
  }
  got.clear();
  scratch_.swap(got);
}

void NvmeDriver::reset_stats() {
  submitted_ = interrupts_ = irq_cqes_ = empty_irqs_ = polls_ = reaped_ = sleeps_ = slept_past_ = doorbells_ = 0;
  spin_s_ = sleep_s_ = 0;
}

void NvmeDriver::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "nvme_driver");
  g.add("completion", double(int(p_.completion)), "1", StatKind::Setting, "0 interrupt, 1 poll, 2 hybrid");
  g.add("submitted", double(submitted_), "count", StatKind::Counter, "commands queued in the window");
  g.add("doorbell_rate", double(doorbells_) / window_s, "1/s", StatKind::Rate, "SQ tail and CQ head doorbell writes (PIO)");
  g.add("interrupt_rate", double(interrupts_) / window_s, "1/s", StatKind::Rate, "nvme_irq runs");
  g.add("cqes_per_interrupt", interrupts_ ? double(irq_cqes_) / double(interrupts_) : 0, "count",
        StatKind::Distribution, "completion queue entries reaped per interrupt (mean)");
  g.add("empty_interrupts", double(empty_irqs_), "count", StatKind::Counter, "interrupts that found no new CQE");
  g.add("poll_rate", double(polls_) / window_s, "1/s", StatKind::Rate, "blk_poll calls (one per polled read)");
  g.add("spin_per_poll", polls_ ? 1e6 * spin_s_ / double(polls_) : 0, "us", StatKind::Distribution,
        "per polled read: CPU time spinning for the CQE");
  g.add("spin", 100 * spin_s_ / window_s, "%", StatKind::Fraction, "CPU time spinning, in % of one CPU");
  g.add("hybrid_sleep_rate", double(sleeps_) / window_s, "1/s", StatKind::Rate, "hybrid-mode sleeps before polling");
  g.add("hybrid_sleep", sleeps_ ? 1e6 * sleep_s_ / double(sleeps_) : 0, "us", StatKind::Distribution,
        "mean sleep asked for (half the last window's mean completion time)");
  g.add("hybrid_slept_past", sleeps_ ? 100 * double(slept_past_) / double(sleeps_) : 0, "%", StatKind::Fraction,
        "hybrid sleeps that ended after the CQE had arrived (no spin left)");
}

} // namespace iosim
