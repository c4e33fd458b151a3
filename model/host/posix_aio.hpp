#pragma once
// POSIX AIO, library style (glibc's sysdeps/pthread/aio_misc.c; Solaris'
// library AIO has the same shape): no kernel support, a pool of user threads
// each doing a blocking pread on the caller's behalf.
//
// aio_read (submit): the caller takes __aio_requests_mutex and enqueues the
// request under its file descriptor. glibc serves one request per descriptor
// at a time: a request whose descriptor is already being worked on waits
// behind it (aio_misc.c: "It makes no sense to start another thread since
// this new thread would fight with the running thread"); otherwise it goes
// on the run list and a thread takes it — a new one is created while fewer
// than aio_threads exist and none is idle, else an idle one is signalled.
// A worker: pread (syscall, the SyncDriver's block layer, blocked until the
// bottom half wakes it, a context switch back), then under the mutex sets the
// aiocb's error code and notifies (__aio_notify): SIGEV_NONE (the caller
// polls aio_error or waits in aio_suspend), SIGEV_SIGNAL (a signal to the
// process), SIGEV_THREAD (a new thread per notification runs the callback);
// then the descriptor's next request joins the run list and the worker takes
// the run list's head, or waits idle (pthread_cond_timedwait) for up to
// aio_idle_time and then exits.
//
// Links: workload --HostIoIf/AioIf--> PosixAio --sd (HostIoIf)--> SyncDriver;
//        SyncDriver --done (IoDoneIf)--> PosixAio --done--> workload.
#include "model/common/io_request.hpp"
#include "model/common/enum_names.hpp"
#include "model/host/aio_if.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"
#include "model/stats/stats.hpp"

#include <deque>
#include <map>
#include <vector>

namespace iosim {

// sigevent.sigev_notify of the requests.
enum class AioNotify { None, Signal, Thread };
template <> struct EnumNames<AioNotify> {
  static constexpr std::array<std::pair<AioNotify, const char*>, 3> table{
      {{AioNotify::None, "none"}, {AioNotify::Signal, "signal"}, {AioNotify::Thread, "thread"}}};
};

// Keys below platform.posix_aio; cycles of the host CPU.
struct PosixAioParams {
  int threads = 20;                // aio_init's aio_threads: glibc default 20 (aio_misc.c `optim`)
  int num = 64;                    // aio_num: request-list entries allocated at first use; then rows of 32 (ENTRIES_PER_ROW)
  double idle_time_s = 1;          // aio_idle_time: an idle thread exits after 1 s (glibc default)
  int fds_per_process = 1;         // descriptors each issuing process spreads its requests over (it opened the device that often; it uses an idle one when it has one)
  AioNotify notify = AioNotify::None;
  double call_cycles = 300;        // aio_read / lio_listio entry: argument checks, aiocb fields (estimate)
  double enqueue_cycles = 600;     // __aio_enqueue_request: mutex, descriptor list walk, get_elem, insert (estimate)
  // LinuxThreads (glibc 2.2 on Linux 2.4) pthread_getschedparam is two system
  // calls (sched_getscheduler, sched_getparam), made by every enqueue to set
  // the request's priority; NPTL (Linux 2.6) needs none: set 0.
  int sched_param_syscalls = 2;
  double thread_create_cycles = 40000;  // pthread_create under LinuxThreads: request to the manager thread, clone(), stack (estimate ~32 us)
  double thread_exit_cycles = 10000;    // a helper thread's exit (estimate ~8 us)
  double pool_grow_cycles = 2000;       // get_elem's calloc of a new row of 32 entries (estimate)
  double complete_cycles = 500;    // worker after pread: mutex, error code, remove from the lists, free the entry (estimate)
  double signal_send_cycles = 1500;     // SIGEV_SIGNAL: kill() -> send_sig_info, besides the syscall (estimate)
  double signal_handle_cycles = 3000;   // signal delivery: frame setup, handler, sigreturn (estimate, lmbench lat_sig class)
  double callback_cycles = 500;    // SIGEV_THREAD: the notification function itself (estimate)
  double suspend_cycles = 800;     // aio_suspend: mutex, wait list, the condition wait (estimate; its syscall charged apart)
  double suspend_per_aiocb = 150;  // aio_suspend, per listed aiocb: __aio_find_req + wait-list entry (estimate)
  double return_cycles = 100;      // aio_error + aio_return of a completed aiocb: reads of its fields (estimate)
  bool report_errors = false;      // add eio to the stats (scenarios with faults)
};

class PosixAio : public sc_core::sc_module, public HostIoIf, public AioIf, public IoDoneIf, public Reporter {
public:
  sc_core::sc_port<HostIoIf> sd;    // the blocking read path beneath (SyncDriver)
  sc_core::sc_port<IoDoneIf> done;  // completions, to the workload

  PosixAio(sc_core::sc_module_name name, HostOs& os, const PosixAioParams& p);

  // HostIoIf: aio_read. Always accepted (glibc queues without limit).
  bool submit(CpuCtx& c, IoRequest& req) override;
  void wait_for_slot(CpuCtx& c, Burst retry) override;  // never needed: throws
  // AioIf: lio_listio(LIO_NOWAIT), aio_suspend + aio_return.
  size_t room() const override;
  void submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) override;
  void collect(CpuCtx& c, size_t events, size_t listed) override;
  // IoDoneIf, from the SyncDriver's bottom half: a worker's pread is back.
  void io_done(CpuCtx& c, IoRequest& req) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Worker {
    Task* task = nullptr;
    IoRequest* cur = nullptr;
    bool idle = false, exited = false;
    sc_core::sc_time idle_since;
  };
  struct Fd { IoRequest* head = nullptr; std::deque<IoRequest*> queued; };  // head: running or on the run list

  void enqueue(CpuCtx& c, IoRequest& req);
  void expire_idle();                  // threads idle for aio_idle_time have exited
  void start_thread(CpuCtx& c, IoRequest* first);
  void signal_idle(CpuCtx& c);
  void next_work(CpuCtx& c, size_t w, bool may_idle = false);
  void run(CpuCtx& c, size_t w, IoRequest& req);
  void finish(CpuCtx& c, size_t w);
  void notify(CpuCtx& c, IoRequest& req);
  void count_thread(int delta);

  HostOs& os_;
  PosixAioParams p_;
  SpinLock mutex_;                     // __aio_requests_mutex
  std::map<uint64_t, Fd> fds_;         // the `requests` list, by descriptor
  std::deque<IoRequest*> runlist_;     // equal priorities: FIFO (add_request_to_runlist)
  std::vector<Worker> workers_;
  std::deque<size_t> idle_;            // idle workers, longest idle first
  std::vector<Task*> notifiers_;       // SIGEV_THREAD threads, parked between notifications
  std::vector<uint32_t> next_fd_;      // per issuing process: its next descriptor (round robin)
  int nthreads_ = 0;
  size_t entries_ = 0, pool_ = 0;      // request-list entries in use, allocated
  LevelTracker threads_level_, runlist_level_;
  uint64_t submitted_ = 0, created_ = 0, exited_ = 0, fd_waits_ = 0, wakeups_ = 0, signals_ = 0,
           notify_threads_ = 0, eio_ = 0;
  int threads_max_ = 0;
  size_t notify_tasks_ = 0;
};

} // namespace iosim
