#pragma once
// Kernel AIO (Linux 2.6 fs/aio.c; Solaris kaio has the same shape, aioread
// queued by the kernel and aiowait reaping): submission without a blocked
// thread. io_submit (one system call, a cost per iocb) runs the request
// through the block layer (the SyncDriver beneath: md RAID0, elevator,
// mptscsih) in the caller's context and returns. The completion's bottom half
// calls aio_complete, which writes an io_event into the context's completion
// ring and wakes a reaper waiting in io_getevents(min_nr, nr, timeout) once
// min_nr events are there; a reaper takes up to nr events per call. The
// context holds at most nr_events requests in flight or unreaped: beyond it
// io_submit fails with EAGAIN and the caller waits (HostIoIf::wait_for_slot)
// until a reaper frees room.
//
// Reapers: `reapers` threads of the application loop on io_getevents and hand
// each event to the workload; with reapers 0 each issuing process reaps its
// own completions (the closed-loop AIO workload's io_getevents, AioIf::collect)
// and the completion goes from aio_complete straight to it.
//
// Links: workload --HostIoIf/AioIf--> KernelAio --sd (HostIoIf)--> SyncDriver;
//        SyncDriver --done (IoDoneIf)--> KernelAio --done--> workload.
#include "model/host/aio_if.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"
#include "model/stats/stats.hpp"

#include <deque>
#include <memory>
#include <vector>

namespace iosim {

// Keys below platform.kaio; cycles of the host CPU.
struct KernelAioParams {
  int nr_events = 1024;            // io_setup(nr_events): the application's choice (the system limit, fs.aio-max-nr, is 65536)
  int reapers = 1;                 // threads looping on io_getevents (a choice); 0: the issuing processes reap their own
  int min_nr = 1;                  // io_getevents(min_nr, ...): events to wait for (a choice)
  int nr = 64;                     // io_getevents(..., nr, ...): most events taken per call (a choice)
  double timeout_s = 0;            // io_getevents' timeout; 0: none (min_nr > 1 needs one, or the last events wait forever)
  double submit_per_iocb = 1500;   // io_submit per iocb: copy_from_user, aio_get_req, fget, aio_setup_iocb, aio_run_iocb (estimate)
  double complete_cycles = 800;    // aio_complete: ctx_lock, kmap_atomic of the ring page, io_event write, tail, put_req (estimate)
  double getevents_cycles = 600;   // io_getevents' read_events: wait queue, ring head and tail (estimate; its syscall apart)
  double getevents_per_event = 300;  // aio_read_evt: one 32 B io_event copied to the user (estimate)
  bool report_errors = false;      // add eio to the stats (scenarios with faults)
};

class KernelAio : public sc_core::sc_module, public HostIoIf, public AioIf, public IoDoneIf, public Reporter {
public:
  sc_core::sc_port<HostIoIf> sd;    // the block layer beneath (SyncDriver)
  sc_core::sc_port<IoDoneIf> done;  // completions, to the workload

  KernelAio(sc_core::sc_module_name name, HostOs& os, const KernelAioParams& p);
  void start();  // the reaper threads' first io_getevents

  // HostIoIf: io_submit of one iocb; false (EAGAIN): nr_events reached, nothing queued.
  bool submit(CpuCtx& c, IoRequest& req) override;
  void wait_for_slot(CpuCtx& c, Burst retry) override;
  // AioIf: io_submit of n iocbs; io_getevents by the issuing process.
  size_t room() const override;
  void submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) override;
  void collect(CpuCtx& c, size_t events, size_t listed) override;
  bool caller_reaps() const override { return p_.reapers == 0; }
  // IoDoneIf, from the SyncDriver's bottom half: aio_complete.
  void io_done(CpuCtx& c, IoRequest& req) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Reaper {
    Task* task = nullptr;
    bool waiting = false;
    sc_core::sc_time deadline;
    std::unique_ptr<sc_core::sc_event> timeout;
  };
  void getevents(CpuCtx& c, size_t r);              // a reaper's io_getevents call
  void sleep(CpuCtx& c, size_t r);                  // ... waiting for min_nr events
  void take(CpuCtx& c, size_t r, bool timed_out);   // ... with enough events, or timed out
  void on_timeout(size_t r);
  void release(CpuCtx& c, size_t n);                // n events reaped: room for n more

  HostOs& os_;
  KernelAioParams p_;
  size_t active_ = 0;                  // submitted and not yet reaped (<= nr_events)
  std::deque<IoRequest*> ring_;        // completed, not yet reaped (reaper threads)
  size_t unreaped_ = 0;                // idem, reaped by the issuing processes (reapers 0)
  std::vector<Reaper> reapers_;
  std::deque<size_t> waiting_;         // reapers asleep in io_getevents
  std::vector<std::pair<Task*, Burst>> slot_waiters_;
  std::vector<IoRequest*> batch_;      // a reaper's events, delivered after the call returns
  LevelTracker ring_level_, active_level_;
  Samples per_call_;
  uint64_t submitted_ = 0, eagain_ = 0, calls_ = 0, wakeups_ = 0, timeouts_ = 0, eio_ = 0;
};

} // namespace iosim
