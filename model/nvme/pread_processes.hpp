#pragma once
// The closed-loop test program of the NVMe platform: N processes, each in a
// loop of one O_DIRECT pread() of the block (fio's psync engine; with
// RWF_HIPRI when the stack polls). Like SyncProcesses, except that a read may
// return in the process's own burst: with a polled stack the process spins
// for its completion and goes on without sleeping or being woken.
//
// A process that completes its reads inline keeps its CPU until the next
// timer tick (where Linux's CFS would preempt it if others wait) or
// `slice_s`, then goes to the back of the run queue; a process whose read
// blocked or slept is woken (interrupt mode: by the ISR's bottom half; it pays
// the wakeup) or continues after its sleep (hybrid).
//
// Links: `stack` (HostIoIf) and `io_wait` (IoWaitIf), both the driver; it
// receives completions as the driver's IoDoneIf.
#include "model/host/host_io_if.hpp"
#include "model/nvme/nvme_driver.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <vector>

namespace iosim {

class PreadProcesses : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<HostIoIf> stack;
  sc_core::sc_port<IoWaitIf> io_wait;

  // slice_s: how long a process that never blocks keeps a CPU before
  // yielding (0: until the next timer tick, 1/HZ; 1 ms without ticks).
  PreadProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
                 int processes, uint64_t seed, RequestLedger& ledger, double slice_s = 0,
                 uint64_t buffer_base = 0x40000000);
  void start();
  void stop() { stopping_ = true; }

  void io_done(CpuCtx& c, IoRequest& req) override;

private:
  struct Proc { Task* task = nullptr; IoRequest req; bool in_wait = false, inline_done = false; };
  void run(CpuCtx& c, size_t i);     // the loop, in the process's burst
  void resume(CpuCtx& c, size_t i);  // woken after a blocking read
  sc_core::sc_time slice_end(const sc_core::sc_time& from) const;

  HostOs& os_;
  std::vector<Proc> procs_;
  AccessPattern pattern_;
  double slice_s_;
  bool stopping_ = false;
};

} // namespace iosim
