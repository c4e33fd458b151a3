#pragma once
// The paper's async test program: P processes issuing random reads at a given
// aggregate rate (open loop, Poisson arrivals). A process never waits for its
// reads — the polling thread marks each buffer done — except when the request
// ring is full: then it blocks until a poll frees slots (async becomes sync).
#include "model/host/async_driver.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <vector>

namespace iosim {

class AsyncProcesses : public IoTally {
public:
  AsyncProcesses(std::string name, HostOs& os, AsyncDriver& drv, const AccessParams& ap,
                 uint64_t capacity_blocks, int processes, double rate_per_s, uint64_t seed,
                 RequestLedger& ledger, uint64_t buffer_base = 0x40000000);
  void start();
  void stop() { stopping_ = true; }

private:
  struct Proc { Task* task; Rng rng; sc_core::sc_time next; };
  void arrive(CpuCtx& c, size_t i);
  void continue_after(CpuCtx& c, size_t i);

  HostOs& os_;
  AsyncDriver& drv_;
  AccessPattern pattern_;
  std::vector<Proc> procs_;
  double mean_gap_s_;
  uint64_t buffer_base_, block_bytes_, next_buf_ = 0;
  bool stopping_ = false;
};

} // namespace iosim
