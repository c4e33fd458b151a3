#pragma once
// The links of a host I/O stack, as interfaces bound by the platform builder:
//   workload --sc_port<HostIoIf>--> driver --sc_port<IoDoneIf>--> workload.
// Both are called from code running on a host CPU (a task's burst, an
// interrupt's bottom half, a kernel thread), whose CpuCtx they are handed.
#include "model/common/io_request.hpp"
#include "model/host/host_os.hpp"

namespace iosim {

class HostIoIf : public virtual sc_core::sc_interface {
public:
  // Queue the request. false: the stack cannot take it now (the card's request
  // ring is full) and nothing was queued; the caller may wait_for_slot().
  virtual bool submit(CpuCtx& c, IoRequest& req) = 0;
  // Block the calling task until the stack may have room; `retry` runs then.
  virtual void wait_for_slot(CpuCtx& c, Burst retry) = 0;
};

class IoDoneIf : public virtual sc_core::sc_interface {
public:
  // The request is complete (status set); runs on the CPU that completed it.
  virtual void io_done(CpuCtx& c, IoRequest& req) = 0;
};

} // namespace iosim
