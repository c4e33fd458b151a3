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
// interrupts on this path.
//
// Links: workload --HostIoIf--> AsyncDriver --(PIO through HostOs::pio)--> card;
//        AsyncDriver --done--> workload (IoDoneIf), from the polling thread.
#include "model/card/ring_layout.hpp"
#include "model/common/io_pool.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/host_os.hpp"

#include <vector>

namespace iosim {

struct AsyncDriverParams {
  double poll_period_s = 0.1;    // paper: the polling thread wakes every 100 ms
  double submit_cycles = 1500;   // driver submit: build the record in registers, bookkeeping (estimate)
  double complete_cycles = 1500; // per completion: callback, mark the buffer done (estimate)
  bool report_errors = false;    // add eio to the stats (scenarios with faults)
  uint64_t bar_base = 0xF0000000;  // where the card's memory window sits in bus space
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
  void start();   // create and start the polling thread

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void poll(CpuCtx& c);
  uint64_t req_addr(uint32_t i, uint32_t field) const { return p_.bar_base + layout_.req_rec(i) + field; }
  uint64_t cpl_addr(uint32_t i, uint32_t field) const { return p_.bar_base + layout_.cpl_rec(i) + field; }

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
  int v_poll_ = -1, v_polls_ = -1, v_batch_ = -1, v_blocked_ = -1;  // VCD signal ids
  uint64_t vcd_polls_ = 0;  // never reset: the waveform counts from time 0
};

} // namespace iosim
