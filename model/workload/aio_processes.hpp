#pragma once
// A closed-loop test program for the asynchronous stacks (POSIX AIO, kernel
// AIO, io_uring): N processes, each keeping `iodepth` random reads outstanding. A
// process submits (aio_read / io_submit one at a time, or all at once with
// lio_listio / io_submit of n iocbs when `batch`), waits for any of its
// requests to complete (aio_suspend / io_getevents(1, iodepth)), collects
// what completed and submits as many new ones. With iodepth 1 and one process
// per request it issues what the sync test program issues, through another
// stack: the fair comparison of stacks at equal outstanding requests.
//
// The wait: a process with nothing completed blocks; the first completion
// (io_done, in whatever context the stack delivers it: a POSIX AIO worker or
// notification thread, kaio's aio_complete or a reaper, io_uring's CQ post)
// wakes it, paying the wakeup; completions that arrive while it runs are
// collected at its next wait.
// A kernel context full (EAGAIN) makes it wait for room (HostIoIf::wait_for_slot).
//
// Links: `stack` (HostIoIf: one request per call) and `aio` (AioIf: batches,
// collecting), both bound to the same stack; completions as its IoDoneIf.
#include "model/host/aio_if.hpp"
#include "model/host/host_io_if.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <memory>
#include <vector>

namespace iosim {

class AioProcesses : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<HostIoIf> stack;
  sc_core::sc_port<AioIf> aio;

  AioProcesses(sc_core::sc_module_name name, HostOs& os, const AccessParams& ap, uint64_t capacity_blocks,
               int processes, int iodepth, bool batch, uint64_t seed, RequestLedger& ledger,
               uint64_t buffer_base = 0x40000000);
  void start();
  void stop() { stopping_ = true; }

  void io_done(CpuCtx& c, IoRequest& req) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  enum class State { Running, WaitIo, WaitSlot, Exited };
  struct Proc {
    Task* task = nullptr;
    std::unique_ptr<IoRequest[]> reqs;
    std::vector<IoRequest*> free, completed;
    size_t outstanding = 0;
    State state = State::Running;
  };
  void refill(CpuCtx& c, size_t i);
  void wait(CpuCtx& c, size_t i);
  void handle(CpuCtx& c, size_t i);

  HostOs& os_;
  std::vector<Proc> procs_;
  AccessPattern pattern_;
  size_t iodepth_;
  bool batch_;
  bool stopping_ = false;
  std::vector<IoRequest*> scratch_;
  uint64_t wakeups_ = 0, waits_ = 0;
  Samples collected_;
};

} // namespace iosim
