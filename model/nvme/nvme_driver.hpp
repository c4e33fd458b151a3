#pragma once
// The host's NVMe driver, Linux style (blk-mq + drivers/nvme/host/pci.c), as
// the HostIoIf of a workload, with three completion modes (NvmeCompletion):
//
//  submit (all modes, in the process's read() burst): blk-mq allocates the
//  request and nvme_queue_rq builds the 64 B SQE in the CPU's queue pair's SQ
//  (host memory) and writes the SQ tail doorbell (one posted PIO write).
//
//  interrupt: the process blocks; the CQ's MSI-X vector runs `isr` on a CPU
//    (HostOs interrupt line irq_base + q): it consumes every new CQE (phase
//    tag), ends each request, writes the CQ head doorbell and completes the
//    request through `done` (the workload wakes the process).
//  poll:      the process spins in its own burst (blk_poll -> nvme_poll) until
//    its CQE is visible, burning CPU: no interrupt, no sleep, no wakeup.
//  hybrid:    the process first sleeps (an hrtimer: HostOs::sleep_until; the
//    timer interrupt's wakeup and a schedule() follow) for half the mean
//    completion time of the previous 100 ms window, then spins as in poll.
//    With no completion in the previous window it spins at once (Linux's
//    blk_mq_poll_nsecs returns 0 then).
//
// In the polled modes a completion reaped by the process itself reaches the
// workload's io_done on the process's own CpuCtx (c.task() is the process):
// the workload continues without a wakeup. The spinning is a stall of the
// CPU charged as system time (CpuCtx::lock on a flag that the CQE's arrival
// in host memory releases: one SystemC wait per spin, not one per poll loop
// iteration), plus poll_check_cycles for the iteration that sees the CQE.
//
// Links: workload --HostIoIf/IoWaitIf--> NvmeDriver --done--> workload;
//        queues: the SQ/CQ contents (NvmeQueueMemory); doorbells by PIO
//        through HostOs::pio; NvmeController::msix[q] --> HostOs::irq_line(irq_base + q).
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"
#include "model/nvme/nvme_controller.hpp"
#include "model/nvme/nvme_params.hpp"
#include "model/nvme/nvme_queues.hpp"

#include <unordered_map>
#include <vector>

namespace iosim {

// The part of read() after the request is queued: how the process waits.
class IoWaitIf : public virtual sc_core::sc_interface {
public:
  // Called in the process's burst right after submit(). Either the stack
  // blocks or sleeps the task (it is resumed later through IoDoneIf), or it
  // completes the request inline: IoDoneIf::io_done on this same CpuCtx.
  virtual void wait_io(CpuCtx& c, IoRequest& req) = 0;
};

class NvmeDriver : public sc_core::sc_module, public HostIoIf, public IoWaitIf, public Reporter {
public:
  sc_core::sc_port<IoDoneIf> done;        // completions, to the workload
  sc_core::sc_port<NvmeQueueIf> queues;   // the SQs and CQs in host memory

  SC_HAS_PROCESS(NvmeDriver);
  // `queues_n` I/O queue pairs (queue q serves CPU q % queues_n), the
  // controller's BAR at `bar_base`, CQ q's vector on HostOs line irq_base + q.
  NvmeDriver(sc_core::sc_module_name name, HostOs& os, const NvmeDriverParams& p, int queues_n, uint64_t bar_base,
             int irq_base);

  bool submit(CpuCtx& c, IoRequest& req) override;
  void wait_for_slot(CpuCtx& c, Burst retry) override;  // never needed (the loader bounds the processes): throws
  void wait_io(CpuCtx& c, IoRequest& req) override;
  void isr(CpuCtx& c, int q);  // nvme_irq for CQ q (interrupt mode)

  const NvmeDriverParams& params() const { return p_; }
  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  enum class St : uint8_t { Free, Submitted, Landed, Reaped };
  struct Cmd {
    IoRequest* req = nullptr;
    int q = 0;
    St st = St::Free;
    SpinLock cqe;            // held until the CQE is visible in host memory (the spin waits on it)
    sc_core::sc_time start;  // blk_mq_start_request: for the hybrid mode's completion-time mean
  };
  struct Queue {
    uint32_t sq_tail = 0, sq_head = 0, cq_head = 0, snoop = 0;
    bool phase = true, snoop_phase = true;
    uint32_t outstanding = 0;
    SpinLock lock;           // the CQ's poll/irq lock (nvme_queue cq_poll_lock)
  };

  void snoop_method();                        // a CQE became visible: release its spinner
  void poll_and_finish(CpuCtx& c, uint16_t cid, bool after_sleep = false);  // spin until the CQE is there, reap, complete inline
  void reap(CpuCtx& c, int q, CpuCat cat, std::vector<uint16_t>* reaped);
  double hybrid_sleep_s();                    // blk_mq_poll_nsecs

  HostOs& os_;
  NvmeDriverParams p_;
  uint64_t bar_base_;
  std::vector<Queue> q_;
  std::vector<Cmd> cmds_;
  std::vector<uint16_t> free_;
  std::unordered_map<const IoRequest*, uint16_t> cid_of_;
  std::vector<uint16_t> scratch_;
  // Hybrid: completion-time statistics of the current and the last window.
  sc_core::sc_time win_end_;
  double win_sum_ = 0, last_mean_ = 0;
  uint64_t win_n_ = 0, last_n_ = 0;
  // statistics
  uint64_t submitted_ = 0, interrupts_ = 0, irq_cqes_ = 0, empty_irqs_ = 0, polls_ = 0, reaped_ = 0,
           sleeps_ = 0, slept_past_ = 0, doorbells_ = 0;
  double spin_s_ = 0, sleep_s_ = 0;
};

} // namespace iosim
