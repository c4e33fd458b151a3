#pragma once
// What an application sees of an asynchronous I/O stack besides HostIoIf
// (one request per call: aio_read, io_submit of one iocb): submitting several
// requests in one call (lio_listio, io_submit of n iocbs) and collecting
// completions after waiting for them (aio_suspend + aio_error/aio_return,
// io_getevents). Implemented by PosixAio and KernelAio; used by the
// closed-loop AIO workload (model/workload/aio_processes.hpp), bound by the
// platform builder next to its HostIoIf port.
#include "model/host/host_io_if.hpp"

#include <cstddef>
#include <limits>

namespace iosim {

class AioIf : public virtual sc_core::sc_interface {
public:
  // How many requests a submission made now would accept (kernel AIO: the
  // context's nr_events limit, -EAGAIN beyond it); the caller asks right
  // before submitting, with no time passing in between.
  virtual size_t room() const = 0;
  // One call queueing reqs[0..n) (n <= room()).
  virtual void submit_batch(CpuCtx& c, IoRequest* const* reqs, size_t n) = 0;
  // The caller, back from waiting for completions, collects `events` of the
  // `listed` requests it waited on: the wait call's own cost (entry, return)
  // and per request what the API makes it do.
  virtual void collect(CpuCtx& c, size_t events, size_t listed) = 0;
  // Whether room is freed only by the callers' own reaping (kernel AIO with
  // no reaper threads: each process's io_getevents). A caller meeting EAGAIN
  // with requests of its own in flight then reaps before it submits again
  // (what an application must do: nobody else frees its room) instead of
  // sleeping until room appears.
  virtual bool caller_reaps() const { return false; }
};

// Which file descriptor a request was issued on and which helper thread
// serves it (POSIX AIO): the request's own record, as aiocb fields are.
struct AioCb {
  uint32_t fd;
  uint32_t thread;
};

} // namespace iosim
