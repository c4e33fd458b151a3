#include "model/nvme/pread_processes.hpp"

#include <cmath>

using namespace sc_core;

namespace iosim {

PreadProcesses::PreadProcesses(sc_module_name name, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
                               int processes, uint64_t seed, RequestLedger& ledger, double slice_s,
                               uint64_t buffer_base)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), stack("stack"), io_wait("io_wait"), os_(os),
      procs_(size_t(processes)), pattern_(ap, capacity_blocks, Rng(seed, std::string(sc_module::name()))),
      slice_s_(slice_s) {
  const std::string n = sc_module::name();
  for (size_t i = 0; i < procs_.size(); ++i) {
    procs_[i].task = os.create_task(n + ".proc" + std::to_string(i));
    procs_[i].req.host_buffer = buffer_base + uint64_t(i) * ap.block_bytes;
    procs_[i].req.origin = uint32_t(i);
  }
}

void PreadProcesses::start() {
  for (size_t i = 0; i < procs_.size(); ++i)
    os_.wake(procs_[i].task, [this, i](CpuCtx& c) { run(c, i); });
}

// The end of the CPU time a process that never blocks may use from `from`:
// the next timer tick (CFS checks preemption there), or slice_s.
sc_time PreadProcesses::slice_end(const sc_time& from) const {
  double s = slice_s_;
  const double hz = os_.params().hz;
  if (s <= 0) {
    if (hz <= 0) s = 1e-3;
    else {
      const double t = from.to_seconds(), period = 1.0 / hz;
      return sc_time((std::floor(t / period) + 1) * period, SC_SEC);
    }
  }
  return from + sc_time(s, SC_SEC);
}

void PreadProcesses::run(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  const auto& k = os_.params().cost;
  const sc_time until = slice_end(c.local_time());
  for (;;) {
    if (stopping_) { os_.exit(c); return; }
    c.compute(k.user_per_io, CpuCat::User);
    c.compute(k.syscall, CpuCat::System);
    pattern_.fill(p.req);
    p.req.status = 0;
    IoTally::issue(p.req);
    if (!stack->submit(c, p.req)) throw std::logic_error(std::string(name()) + ": the stack refused a read");
    p.in_wait = true;
    p.inline_done = false;
    io_wait->wait_io(c, p.req);
    p.in_wait = false;
    if (!p.inline_done) return;  // blocked or sleeping: resumed through io_done
    done(p.req);
    if (c.local_time() >= until) {  // the tick: let the others run
      os_.requeue(c, [this, i](CpuCtx& c2) { run(c2, i); });
      return;
    }
  }
}

void PreadProcesses::io_done(CpuCtx& c, IoRequest& req) {
  const size_t i = req.origin;
  Proc& p = procs_[i];
  if (c.task() == p.task) {  // reaped by the process itself (polled)
    if (p.in_wait) { p.inline_done = true; return; }
    // After a hybrid sleep: a new burst of the process; the read returns here.
    done(p.req);
    run(c, i);
    return;
  }
  // Completed in an interrupt: wake the reader.
  c.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
  c.sync();
  os_.wake(p.task, [this, i](CpuCtx& c2) { resume(c2, i); });
}

void PreadProcesses::resume(CpuCtx& c, size_t i) {
  c.sync();
  done(procs_[i].req);
  run(c, i);
}

} // namespace iosim
