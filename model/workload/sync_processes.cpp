#include "model/workload/sync_processes.hpp"

namespace iosim {

SyncProcesses::SyncProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap,
                             uint64_t capacity_blocks, int processes, uint64_t seed, RequestLedger& ledger,
                             uint64_t buffer_base)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), stack("stack"), os_(os),
      procs_(size_t(processes)), pattern_(ap, capacity_blocks, Rng(seed, std::string(sc_module::name()))) {
  const std::string n = sc_module::name();
  for (size_t i = 0; i < procs_.size(); ++i) {
    procs_[i].task = os.create_task(n + ".proc" + std::to_string(i));
    procs_[i].req.host_buffer = buffer_base + uint64_t(i) * ap.block_bytes;
    procs_[i].req.origin = uint32_t(i);
  }
}

void SyncProcesses::start() {
  for (size_t i = 0; i < procs_.size(); ++i)
    os_.wake(procs_[i].task, [this, i](CpuCtx& c) { issue(c, i); });
}

void SyncProcesses::issue(CpuCtx& c, size_t i) {
  if (stopping_) { os_.exit(c); return; }
  const auto& k = os_.params().cost;
  Proc& p = procs_[i];
  c.compute(k.user_per_io, CpuCat::User);
  c.compute(k.syscall, CpuCat::System);
  pattern_.fill(p.req);
  p.req.status = 0;
  IoTally::issue(p.req);
  stack->submit(c, p.req);
  os_.block(c, true);
}

void SyncProcesses::io_done(CpuCtx& bh, IoRequest& req) {
  const size_t i = req.origin;
  bh.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
  bh.sync();
  os_.wake(procs_[i].task, [this, i](CpuCtx& c2) { resume(c2, i); });
}

// Back from the read: the syscall returns (its cost was charged at entry).
void SyncProcesses::resume(CpuCtx& c, size_t i) {
  c.sync();
  done(procs_[i].req);
  issue(c, i);
}

} // namespace iosim
