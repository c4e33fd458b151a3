#pragma once
// Polled completion (issue 8, io_uring's IORING_SETUP_IOPOLL): a context
// outside the driver reaps a block device's completions by polling its
// completion queue instead of taking its interrupt (Linux blk_poll ->
// q->mq_ops->poll, e.g. nvme_poll over an interrupt-less poll queue).
// Implemented by the SyncDriver over the LSI 53C1030's reply FIFO: the
// Fusion-MPT driver of Linux 2.4 (mptbase/mptscsih) has no poll entry point,
// so on the x342 this is a "what if" (model/host/README.md, io_uring).
#include "model/host/host_os.hpp"

#include <cstdint>

namespace iosim {

class BlockPollIf : public virtual sc_core::sc_interface {
public:
  // Completion queues that can be polled (the HBAs).
  virtual int poll_queues() const = 0;
  // Turn queue q over to polling for good: its completion interrupt masked.
  virtual void poll_claim(CpuCtx& c, int q) = 0;
  // One poll of queue q from the caller's context: the replies found are
  // completed (bottom half included) and their requests' owners told through
  // the driver's `done`, all charged as system time of the caller. Returns
  // the replies taken (0: the queue was empty).
  virtual uint64_t poll(CpuCtx& c, int q) = 0;
};

}  // namespace iosim
