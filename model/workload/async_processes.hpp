#pragma once
// The paper's async test program: P processes issuing random reads at a given
// aggregate rate (open loop, Poisson arrivals). A process never waits for its
// reads — the polling thread marks each buffer done — except when the request
// ring is full: then it blocks until a poll frees slots (async becomes sync).
//
// Links: `stack` (the host I/O stack); it receives completions as the stack's
// IoDoneIf. Requests come from a pool: nothing is allocated per I/O.
#include "model/common/io_pool.hpp"
#include "model/host/host_io_if.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <vector>

namespace iosim {

class AsyncProcesses : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<HostIoIf> stack;

  AsyncProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
                 int processes, double rate_per_s, uint64_t seed, RequestLedger& ledger,
                 uint64_t buffer_base = 0x40000000);
  void start();
  void stop() { stopping_ = true; }

  void io_done(CpuCtx& c, IoRequest& req) override;  // the poller marked the buffer done

private:
  struct Proc { Task* task; Rng rng; sc_core::sc_time next; };
  void arrive(CpuCtx& c, size_t i);
  void continue_after(CpuCtx& c, size_t i);

  HostOs& os_;
  IoPool pool_;
  AccessPattern pattern_;
  std::vector<Proc> procs_;
  double mean_gap_s_;
  uint64_t buffer_base_, block_bytes_, next_buf_ = 0;
  bool stopping_ = false;
};

} // namespace iosim
