#pragma once
// The paper's sync test program: N processes, each in a loop of one blocking
// random read (read() on the RAID0 device): enter the kernel, queue the
// request, sleep until the completion interrupt's bottom half wakes it, go
// again. Closed loop: at most N requests in flight.
//
// Links: `stack` (the host I/O stack it reads through); it receives
// completions as the stack's IoDoneIf (bind the stack's `done` to it).
#include "model/host/host_io_if.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <vector>

namespace iosim {

class SyncProcesses : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<HostIoIf> stack;

  SyncProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
                int processes, uint64_t seed, RequestLedger& ledger, uint64_t buffer_base = 0x40000000);
  void start();              // every process issues its first read at time 0
  void stop() { stopping_ = true; }

  void io_done(CpuCtx& c, IoRequest& req) override;  // in the bottom half: wake the reader

private:
  struct Proc { Task* task; IoRequest req; };
  void issue(CpuCtx& c, size_t i);
  void resume(CpuCtx& c, size_t i);

  HostOs& os_;
  std::vector<Proc> procs_;
  AccessPattern pattern_;
  bool stopping_ = false;
};

} // namespace iosim
