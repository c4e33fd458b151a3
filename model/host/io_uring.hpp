#pragma once
// An io_uring-style stack (Axboe, "Efficient IO with io_uring", kernel.dk/
// io_uring.pdf, 2019; Linux 5.x io_uring/): a submission ring (SQ) and a
// completion ring (CQ) in host memory shared by the application and the
// kernel, over the same Linux block layer, mptscsih and LSI 53C1030 HBAs as
// `sync` and `kaio` (the SyncDriver beneath). One ring, shared by the
// workload's processes (threads of one application).
//
// The application writes SQEs (user time, no syscall) and reaps CQEs (user
// time, no syscall). Submission, as io_uring_setup chose:
//   - default: io_uring_enter(to_submit) per batch: one syscall, then per SQE
//     the kernel's io_submit_sqes work and the block layer, in the caller's
//     context (as kaio's io_submit);
//   - SQPOLL: a kernel thread (top.host.uring.sqpoll) polls the SQ tail and
//     submits what it finds in its own context; it occupies a CPU while it
//     polls (each pass that finds nothing spins `poll_gap` of system time)
//     and, after `sq_thread_idle` without work, sets IORING_SQ_NEED_WAKEUP
//     and sleeps; the next submitter then pays io_uring_enter(SQ_WAKEUP) (a
//     syscall and a wakeup). A full SQ: io_uring_enter(SQ_WAIT), the caller
//     sleeps until the thread has consumed entries.
// Completion:
//   - default: the HBA's interrupt, the SyncDriver's bottom half, then
//     io_cqring_fill_event into the CQ and a wakeup of the process waiting in
//     io_uring_enter(GETEVENTS) (as kaio's aio_complete);
//   - IOPOLL (with SQPOLL here): the HBAs' reply interrupts are masked and the
//     SQ thread polls their reply FIFOs while requests are in flight
//     (io_do_iopoll -> BlockPollIf::poll), completing them in its context. The
//     2.4-era Fusion-MPT driver has no poll hook: a "what if" on the x342.
// A process that finds CQEs reaps them in user space; one that finds none
// waits in io_uring_enter(GETEVENTS) (a syscall; the closed AIO workload's
// wait, AioIf::collect).
//
// CQ overflow: Linux 5.5+ (IORING_FEAT_NODROP, commit 1d7bb1d50fb4 "io_uring:
// add support for backlogged CQ ring"): a CQE that finds the CQ full is kept
// on the kernel's overflow list (a kmalloc'd entry) and flushed into the CQ
// when the application enters the kernel with room in the ring. iosim counts
// each overflow and charges the backlog entry and, to the next reap, the
// io_uring_enter that flushes it; the request itself reaches the workload at
// once (the delay until that flush and the -EBUSY that 5.5-5.18 return to
// submitters while the backlog is non-empty are not modelled: README).
//
// Links: workload --HostIoIf/AioIf--> IoUring --sd (HostIoIf)--> SyncDriver;
//        IoUring --blk (BlockPollIf, IOPOLL)--> SyncDriver;
//        SyncDriver --done (IoDoneIf)--> IoUring --done--> workload.
#include "model/host/aio_if.hpp"
#include "model/host/block_poll_if.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"
#include "model/stats/stats.hpp"

#include <deque>
#include <unordered_map>
#include <vector>

namespace iosim {

// Keys below platform.uring; cycles of the host CPU.
struct IoUringParams {
  // io_uring_setup(entries): the application's choice; Linux rounds it up to
  // a power of two, at most IORING_MAX_ENTRIES (32768).
  int sq_entries = 128;
  // 0: twice sq_entries (io_uring_setup's default; IORING_SETUP_CQSIZE picks
  // another, up to IORING_MAX_CQ_ENTRIES = 65536), rounded up likewise.
  int cq_entries = 0;
  bool sqpoll = false;  // IORING_SETUP_SQPOLL
  // io_uring_params.sq_thread_idle 0 -> HZ jiffies = 1 s (io_uring/sqpoll.c
  // io_sq_offload_create: `if (!ctx->sq_thread_idle) ctx->sq_thread_idle = HZ`).
  double sq_thread_idle_s = 1;
  bool iopoll = false;  // IORING_SETUP_IOPOLL (needs sqpoll here: the workload's wait sleeps)
  // A polling loop that found nothing (the SQ thread at the SQ tail; IOPOLL
  // also at each HBA's reply FIFO, one PIO read) spins this long before it
  // looks again. Linux loops without a pause (cond_resched between passes);
  // iosim spends the spin in slices so as not to simulate every pass: the CPU
  // stays charged, a pick-up waits up to one slice (estimate: model
  // resolution, 10 us against the disks' milliseconds).
  double poll_gap_s = 10e-6;
  double sqe_cycles = 100;        // user: fill a 64 B SQE, its SQ array slot, the tail store with its barrier (estimate)
  double cqe_cycles = 60;         // user: read a 16 B CQE, advance the head (estimate)
  double submit_per_sqe = 1500;   // io_submit_sqes per SQE: io_get_sqe, io_init_req, fget, kiocb setup, issue:
                                  // kaio's io_submit work per iocb (platform.kaio.cost.submit_per_iocb: estimate)
  double complete_cycles = 800;   // io_cqring_fill_event + commit + ev_posted: kaio's aio_complete (estimate)
  double wait_cycles = 600;       // io_cqring_wait: prepare_to_wait, the CQ tail check: kaio's read_events (estimate)
  double overflow_cycles = 500;   // io_cqring_event_overflow: kmalloc an io_overflow_cqe, list add (estimate)
  double flush_per_cqe = 300;     // io_cqring_overflow_flush per entry: copy into the CQ, kfree (estimate)
  bool report_errors = false;     // add eio to the stats (scenarios with faults)

  // Ring sizes as io_uring_setup makes them.
  static int round_pow2(int n) {
    int r = 1;
    while (r < n) r <<= 1;
    return r;
  }
  int sq_size() const { return round_pow2(sq_entries); }
  int cq_size() const { return round_pow2(cq_entries > 0 ? cq_entries : 2 * sq_size()); }
};

class IoUring : public sc_core::sc_module, public HostIoIf, public AioIf, public IoDoneIf, public Reporter {
public:
  sc_core::sc_port<HostIoIf> sd;      // the block layer beneath (SyncDriver)
  sc_core::sc_port<BlockPollIf> blk;  // its completion queues, polled with IOPOLL
  sc_core::sc_port<IoDoneIf> done;    // completions, to the workload

  IoUring(sc_core::sc_module_name name, HostOs& os, const IoUringParams& p);
  void start();  // the SQ thread's first pass (SQPOLL)

  // HostIoIf: one SQE (io_uring_get_sqe + submit); false: the SQ is full (SQPOLL).
  bool submit(CpuCtx& c, IoRequest& req) override;
  void wait_for_slot(CpuCtx& c, Burst retry) override;
  // AioIf: n SQEs and one submission; the wait and the reaping.
  size_t room() const override;
  void submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) override;
  void collect(CpuCtx& c, size_t events, size_t listed) override;
  // IoDoneIf, from the SyncDriver's bottom half (or the IOPOLL poll): a CQE.
  void io_done(CpuCtx& c, IoRequest& req) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void sq_pass(CpuCtx& c);                    // one pass of the SQ thread (io_sq_thread's loop)
  size_t caller(CpuCtx& c, const IoRequest* r);  // the calling process's index (its requests' origin)

  HostOs& os_;
  IoUringParams p_;
  const size_t sq_size_, cq_size_;
  std::deque<IoRequest*> sq_;  // SQPOLL: SQEs written, not yet consumed
  size_t in_flight_ = 0;       // submitted, not yet completed
  size_t cq_ = 0, backlog_ = 0;  // CQEs in the ring, and on the overflow list, not yet reaped
  // The SQ thread.
  Task* sq_task_ = nullptr;
  bool sq_awake_ = false, claimed_ = false;
  sc_core::sc_time sq_last_work_;
  // Per process (the requests' origin): its task, whether it waits in
  // io_uring_enter(GETEVENTS) for a CQE (set when one arrives while it is
  // blocked), whether it waits for SQ room.
  std::vector<Task*> task_;
  std::vector<char> waited_, slot_wait_;
  std::unordered_map<const Task*, size_t> origin_;
  std::vector<std::pair<Task*, Burst>> slot_waiters_;
  LevelTracker sq_level_, cq_level_, in_flight_level_, awake_;
  Samples per_reap_;
  double sq_busy_s_ = 0;
  uint64_t submitted_ = 0, reaped_ = 0, submit_enters_ = 0, wait_enters_ = 0, wakeup_enters_ = 0, sq_wait_enters_ = 0,
           flush_enters_ = 0, overflows_ = 0, polls_ = 0, empty_polls_ = 0, polled_ = 0, irq_completions_ = 0,
           sq_wakeups_ = 0, sq_sleeps_ = 0, eio_ = 0;
};

} // namespace iosim
