#pragma once
// The paper's sync test program: N processes, each in a loop of one blocking
// random read (read() on the RAID0 device): enter the kernel, queue the
// request, sleep until the completion interrupt's bottom half wakes it, go
// again. Closed loop: at most N requests in flight.
#include "model/host/sync_driver.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <vector>

namespace iosim {

class SyncProcesses : public IoTally {
public:
  SyncProcesses(std::string name, HostOs& os, SyncDriver& drv, const AccessParams& ap,
                uint64_t capacity_blocks, int processes, uint64_t seed, RequestLedger& ledger,
                uint64_t buffer_base = 0x40000000);
  void start();              // every process issues its first read at time 0
  void stop() { stopping_ = true; }

private:
  struct Proc { Task* task; IoRequest req; };
  void issue(CpuCtx& c, size_t i);
  void resume(CpuCtx& c, size_t i);

  HostOs& os_;
  SyncDriver& drv_;
  std::vector<Proc> procs_;
  AccessPattern pattern_;
  bool stopping_ = false;
};

} // namespace iosim
