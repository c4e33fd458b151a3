#pragma once
// The paper's host driver for the I/O card (BRIEF.md "Asynchronous path"):
// submit checks the status of the request record at P_HR (a PIO read across the
// bus), fills the record's fields (with the request's deadline and stream,
// for the firmware's schedulers: ring_layout.hpp) and sets its status valid
// last (posted PIO writes), advances P_HR and returns at once. If the record is still valid the
// ring is full and the caller must block: async degenerates into sync.
// The polling kernel thread wakes every period (paper: 100 ms), and from P_HC
// takes every valid completion in one batch: read status and callback, call the
// callback (mark the buffer done), set the status invalid, advance P_HC. No
// interrupts on the paper's path.
//
// Completion modes (issue 8, `platform.async.completion`), one drain for all:
//  - poll (the paper's, default): the polling thread above;
//  - irq: the card rings its doorbell (model/card/firmware.hpp) and its INTA#
//    runs this driver's handler (request_irq on `irq_line`): read the card's
//    interrupt status (PIO read), clear the doorbell (posted write), then the
//    bottom half drains the completion ring. Linux 2.4's do_IRQ never runs one
//    line's handler on two CPUs at once: an interrupt taken while the handler
//    runs elsewhere only makes that handler go round once more (IRQ_PENDING);
//  - hybrid (NAPI-like): the handler masks the card's interrupt (a posted
//    write to OIMR) and wakes a poll thread; each poll clears the doorbell and
//    drains at most `budget` completions, then polls again (at once, or after
//    `repoll` if set) while polls keep finding work; a poll that finds none
//    unmasks the interrupt (a completion posted meanwhile raises it at once).
//
// Links: workload --HostIoIf--> AsyncDriver --(PIO through HostOs::pio)--> card;
//        AsyncDriver --done--> workload (IoDoneIf), from the polling thread.
#include "model/card/ring_layout.hpp"
#include "model/common/io_pool.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"

#include <deque>
#include <limits>
#include <map>
#include <vector>

namespace iosim {

// How the host learns of completions on the card (issue 8).
enum class CardCompletion { Poll, Irq, Hybrid };
template <> struct EnumNames<CardCompletion> {
  static constexpr std::array<std::pair<CardCompletion, const char*>, 3> table{
      {{CardCompletion::Poll, "poll"}, {CardCompletion::Irq, "irq"}, {CardCompletion::Hybrid, "hybrid"}}};
};

// What the driver does with the requests outstanding on the card when it
// resets it (issue 11): send them again, or end them with -EIO.
enum class CardRecovery { Resubmit, Fail };
template <> struct EnumNames<CardRecovery> {
  static constexpr std::array<std::pair<CardRecovery, const char*>, 2> table{
      {{CardRecovery::Resubmit, "resubmit"}, {CardRecovery::Fail, "fail"}}};
};

struct AsyncDriverParams {
  double poll_period_s = 0.1;    // paper: the polling thread wakes every 100 ms
  double submit_cycles = 1500;   // driver submit: build the record in registers, bookkeeping (estimate)
  double complete_cycles = 1500; // per completion: callback, mark the buffer done (estimate)
  bool report_errors = false;    // add eio to the stats (scenarios with faults)
  uint64_t bar_base = 0xF0000000;  // where the card's memory window sits in bus space
  // Completion by interrupt (issue 8). poll: the paper's; the rest unused.
  CardCompletion completion = CardCompletion::Poll;
  int irq_line = 0;                // host interrupt line of the card's INTA# (set by the builder)
  uint64_t regs_offset = 0;        // the messaging unit's page in the BAR (ring::Layout::regs_base, set here)
  double isr_cycles = 800;         // handler body besides its PIO accesses: the estimate of mptscsih's ISR (platform.sync.cost.isr)
  double softirq_cycles = 1000;    // irq: raise and enter the bottom half that drains, per interrupt (estimate, ~0.8 us)
  // hybrid: completions one poll may take before it yields the CPU;
  // NAPI_POLL_WEIGHT, the weight most Linux drivers give netif_napi_add (64).
  int budget = 64;
  // hybrid: between two polls that keep finding work. 0: poll again at once
  // (back through the run queue: NAPI). A 2.4 kernel thread sleeps in whole
  // jiffies, 10 ms at HZ=100.
  double repoll_s = 0;
  // The card's watchdog (issue 11), on only in scenarios with card faults
  // (the builder sets `watchdog`). Every `watchdog_period_s` a kernel timer
  // reads the firmware's heartbeat (OMR0, a PIO read); unchanged since the
  // last check: the firmware is stalled. It also finds the oldest request
  // outstanding on the card; older than `request_timeout_s`: timed out. Either
  // way it resets the card and recovers what was outstanding.
  bool watchdog = false;
  // mpt2sas / mpt3sas poll their controller for a fault every
  // FAULT_POLLING_INTERVAL, 1000 ms (Linux drivers/scsi/mpt3sas/mpt3sas_base.c).
  double watchdog_period_s = 1.0;
  // Linux sd.c's SD_TIMEOUT, 30 * HZ: the block request timeout of a disk.
  double request_timeout_s = 30.0;
  CardRecovery recovery = CardRecovery::Resubmit;
  // A request is sent at most this many times; a reset that finds it at this
  // count ends it with -EIO. sd.c's SD_MAX_RETRIES, 5 (the midlayer retries
  // while ++retries < allowed).
  int tries = 5;
  // After the reset write, the driver re-reads the heartbeat every this long
  // until the firmware runs again (reads non-zero): one jiffy at HZ=100 (a
  // 2.4 kernel sleeps in jiffies).
  double reset_poll_s = 0.01;
};

class AsyncDriver : public sc_core::sc_module, public HostIoIf, public Reporter {
public:
  sc_core::sc_port<IoDoneIf> done;  // completions, to the workload

  AsyncDriver(sc_core::sc_module_name name, HostOs& os, const AsyncDriverParams& p, const ring::Layout& layout);
  // HostIoIf, from a process's burst. false: the ring is full, nothing was submitted.
  bool submit(CpuCtx& c, IoRequest& req) override;
  // A process that found the ring full sleeps here; the poller wakes it after
  // its next drain (slots may have freed by then).
  void wait_for_slot(CpuCtx& c, Burst retry) override;
  void start();   // poll: create and start the polling thread; irq, hybrid: request_irq (and the poll thread)

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void poll(CpuCtx& c);
  // The one drain of the completion ring (every mode): take at most `budget`
  // valid completions from P_HC, then wake the processes waiting for a
  // request slot. Costs are charged to `cat` (System in a thread, Irq in a
  // handler). Returns how many it took.
  uint64_t drain(CpuCtx& c, uint64_t budget, CpuCat cat);
  void isr(CpuCtx& c);           // irq, hybrid: the card's interrupt handler
  void napi_poll(CpuCtx& c);     // hybrid: one poll of the poll thread
  uint64_t reg_addr(uint32_t reg) const { return p_.bar_base + p_.regs_offset + reg; }
  uint64_t req_addr(uint32_t i, uint32_t field) const { return p_.bar_base + layout_.req_rec(i) + field; }
  uint64_t cpl_addr(uint32_t i, uint32_t field) const { return p_.bar_base + layout_.cpl_rec(i) + field; }
  // Fills the record at P_HR with `req` under a new context (its callback
  // field: the context, and the reset epoch in the upper 32 bits). false:
  // the ring is full. The caller holds nothing; costs go to `cat`.
  bool post_record(CpuCtx& c, IoRequest& req, int tries);
  // Watchdog and recovery (issue 11).
  void watchdog_check(CpuCtx& c);
  void reset_card(CpuCtx& c);
  void wait_ready(CpuCtx& c);
  void recover(CpuCtx& c);
  void flush_resubmits(CpuCtx& c);  // what a reset left to send again, as room frees
  void wake_waiting(CpuCtx& c, CpuCat cat);
  void next_check(CpuCtx& c);

  HostOs& os_;
  AsyncDriverParams p_;
  ring::Layout layout_;
  uint32_t p_hr_ = 0, p_hc_ = 0;  // the host's two pointers
  // The record's callback field: a context naming the request (the paper's
  // driver stores its callback's address there).
  ContextTable contexts_;
  SpinLock ring_lock_;            // serialises submitters on both CPUs
  Task* poller_ = nullptr;
  sc_core::sc_time next_poll_;
  std::vector<std::pair<Task*, Burst>> waiting_;
  uint64_t submitted_ = 0, full_ = 0, polls_ = 0, drained_ = 0, eio_ = 0;
  Samples batch_;
  // irq, hybrid
  Task* napi_ = nullptr;            // hybrid: the poll thread
  bool isr_busy_ = false, isr_again_ = false;    // 2.4 IRQ_INPROGRESS / IRQ_PENDING
  bool napi_active_ = false, napi_again_ = false;  // NAPI_STATE_SCHED, and an interrupt taken while it was set
  uint64_t isr_runs_ = 0, spurious_ = 0, isr_drained_ = 0;
  LevelTracker masked_;             // hybrid: card interrupt masked (the poll thread owns the ring)
  // Watchdog (issue 11): the requests outstanding on the card, by context.
  struct Outstanding { IoRequest* req; sc_core::sc_time submitted; uint64_t seq; int tries; };
  std::map<uint32_t, Outstanding> out_;
  std::deque<std::pair<IoRequest*, int>> resubmit_;  // (request, tries so far), in submission order
  uint64_t seq_ = 0;
  uint32_t epoch_ = 0;            // resets so far: the callback field's upper half
  bool resetting_ = false, have_hb_ = false, flushing_ = false;
  uint32_t last_hb_ = 0;
  Task* watchdog_ = nullptr;
  sc_core::sc_time next_wd_;
  LevelTracker reset_lv_;         // waveform `card_reset`: from the reset write to the recovery
  uint64_t wd_checks_ = 0, stalls_detected_ = 0, timeouts_ = 0, resets_ = 0, resubmitted_ = 0,
           reset_eio_ = 0, stale_ = 0;
  int v_wd_ = -1;                 // VCD: watchdog checks so far
  uint64_t vcd_wd_ = 0;
  int v_poll_ = -1, v_polls_ = -1, v_batch_ = -1, v_blocked_ = -1;  // VCD signal ids
  uint64_t vcd_polls_ = 0;  // never reset: the waveform counts from time 0
};

} // namespace iosim
