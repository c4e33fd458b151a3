#include "model/workload/async_processes.hpp"

#include <algorithm>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

AsyncProcesses::AsyncProcesses(sc_module_name nm, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
                               int processes, double rate_per_s, uint64_t seed, RequestLedger& ledger,
                               uint64_t buffer_base)
    : sc_module(nm), IoTally(std::string(sc_module::name()), ledger), stack("stack"), os_(os),
      pattern_(ap, capacity_blocks, Rng(seed, std::string(sc_module::name()))),
      buffer_base_(buffer_base), block_bytes_(ap.block_bytes) {
  const std::string name = sc_module::name();
  if (processes < 1 || rate_per_s <= 0) throw std::invalid_argument("async workload needs processes >= 1 and a rate > 0");
  mean_gap_s_ = double(processes) / rate_per_s;
  for (int i = 0; i < processes; ++i)
    procs_.push_back({os.create_task(name + ".proc" + std::to_string(i)), Rng(seed, name + ".proc" + std::to_string(i)), SC_ZERO_TIME});
}

void AsyncProcesses::start() {
  for (size_t i = 0; i < procs_.size(); ++i) {
    procs_[i].next = sc_time(procs_[i].rng.exponential(mean_gap_s_), SC_SEC);
    os_.wake(procs_[i].task, [this, i](CpuCtx& c) { os_.sleep_until(c, procs_[i].next, [this, i](CpuCtx& c2) { arrive(c2, i); }); });
  }
}

void AsyncProcesses::arrive(CpuCtx& c, size_t i) {
  if (stopping_) { os_.exit(c); return; }
  const auto& k = os_.params().cost;
  c.compute(k.user_per_io, CpuCat::User);
  c.compute(k.syscall, CpuCat::System);
  IoRequest& req = pool_.acquire();
  pattern_.fill(req);
  req.origin = uint32_t(i);
  // Buffers are recycled round-robin from a 2 GiB region of host RAM: at least
  // 2048 buffers even at 1 MiB, more than the request ring can hold in flight.
  const uint64_t nbuf = std::max<uint64_t>(1, (2ull << 30) / block_bytes_);
  req.host_buffer = buffer_base_ + (next_buf_++ % nbuf) * block_bytes_;
  if (!stack->submit(c, req)) {
    // Ring full: nothing was submitted; block until the poller frees slots,
    // then try again.
    pool_.release(req);
    stack->wait_for_slot(c, [this, i](CpuCtx& c2) { arrive(c2, i); });
    return;
  }
  IoTally::issue(req);
  continue_after(c, i);
}

void AsyncProcesses::io_done(CpuCtx&, IoRequest& req) {
  done(req);
  pool_.release(req);
}

void AsyncProcesses::continue_after(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  p.next += sc_time(p.rng.exponential(mean_gap_s_), SC_SEC);
  if (p.next <= sc_time_stamp()) os_.requeue(c, [this, i](CpuCtx& c2) { arrive(c2, i); });  // behind schedule
  else os_.sleep_until(c, p.next, [this, i](CpuCtx& c2) { arrive(c2, i); });
}

} // namespace iosim
