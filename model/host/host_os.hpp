#pragma once
// The host: N CPUs running processes, kernel threads and interrupt handlers, with
// the OS costs that the paper blames (scheduler passes, context switches,
// interrupt entry, wakeups) spent as CPU time.
//
// Each CPU is one SC_THREAD that takes work in priority order: pending
// interrupts (handler + bottom half, run to completion), then a runnable task
// from the shared run queue (paying a schedule() pass that grows with the run
// queue, and a context switch when the task differs from the last one on that
// CPU). A task runs one *burst* (straight-line code: compute, PIO, submit) and
// then blocks, sleeps or stays runnable. Bursts are short (microseconds) against
// a 10 ms time slice, so running them without preemption is a fair model.
//
// Accounting per CPU: user, system, interrupt, idle (they add up to elapsed),
// plus the paper's losses: false computation (scheduling and switching caused
// by blocking I/O) and false idle (a CPU idle while every process is blocked on
// I/O, so nobody can issue more).
#include "model/common/irq.hpp"
#include "model/host/host_params.hpp"
#include "model/host/pio_port.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace iosim {

class HostOs;
class Task;

enum class CpuCat { User = 0, System = 1, Irq = 2 };

// A kernel spinlock (2.4's io_request_lock, a driver's ring lock). A CPU that
// finds it held spins: the time is CPU time of the spinning code.
struct SpinLock {
  bool held = false;
  sc_core::sc_event released;
  uint64_t acquisitions = 0, contended = 0;
  double spin_s = 0;
};

// Handed to code running on a CPU. compute() is lazy: time accrues and is spent
// (wait) at the next sync point, so a burst of ten small costs is one wait.
class CpuCtx {
public:
  void compute(double cycles, CpuCat cat, bool false_computation = false);
  void sync();  // spend the accrued time now (before any visible side effect)
  uint64_t pio_read(uint64_t addr, unsigned len);
  void pio_write(uint64_t addr, const void* data, unsigned len);
  void lock(SpinLock& l);
  void unlock(SpinLock& l);
  int cpu() const { return cpu_; }
  // Where this CPU's code has got to: simulated time plus compute not yet spent.
  sc_core::sc_time local_time() const { return sc_core::sc_time_stamp() + sc_core::sc_time(pending_s_, sc_core::SC_SEC); }
  HostOs& os() { return os_; }
  Task* task() const { return task_; }

private:
  friend class HostOs;
  // A stall (PIO round trip, spinning on a lock) is charged to the category of
  // the code that stalled, as it elapses (see HostOs::Cpu).
  void begin_stall();
  void end_stall();
  void trace(CpuCat cat);  // VCD: the CPU runs `cat` code from local_time() on
  CpuCtx(HostOs& os, int cpu) : os_(os), cpu_(cpu) {}
  HostOs& os_;
  int cpu_;
  Task* task_ = nullptr;
  double pending_s_ = 0;
  CpuCat cat_ = CpuCat::System;
  struct Spend { CpuCat cat; double s; bool false_comp; };
  std::vector<Spend> pending_;  // accrued, in order, not yet spent
};

using Burst = std::function<void(CpuCtx&)>;

class Task {
public:
  enum class State { Runnable, Running, Blocked, Sleeping, Exited };
  const std::string name;
  State state() const { return state_; }
  bool blocked_on_io() const { return state_ == State::Blocked && io_wait_; }

private:
  friend class HostOs;
  explicit Task(std::string n) : name(std::move(n)) {}
  State state_ = State::Sleeping;
  bool kernel_ = false;
  bool io_wait_ = false;
  bool io_woken_ = false;  // made runnable from an I/O wait, not yet scheduled (HostOs::Counts)
  Burst next_;
};

class HostOs : public sc_core::sc_module, public Reporter {
public:
  // CPU loads and stores to device registers go out through the host bridge.
  sc_core::sc_port<PioPort> pio;

  SC_HAS_PROCESS(HostOs);
  HostOs(sc_core::sc_module_name name, const HostParams& p);

  // Interrupt controller inputs (the IO-APIC's pins): a device's
  // sc_port<IrqIf> is bound to irq_line(n); a driver attaches its handler to
  // line n with request_irq (as Linux drivers do). Raising a line with no
  // handler is an error.
  IrqIf& irq_line(int n);
  void request_irq(int n, Burst handler);

  // kernel: a kernel thread (the polling thread), not a process of the
  // workload; false idle looks at the workload's processes only.
  Task* create_task(const std::string& name, bool kernel = false);
  // Make a task runnable with the burst it will run when scheduled. The caller
  // (an interrupt's bottom half, another task, a timer) pays p.cost.wakeup.
  void wake(Task* t, Burst next);
  // Inside a task's burst: what happens after it. block(): wait for I/O (someone
  // will wake() it); sleep_until(): a timer wakes it; stay(): runnable again.
  void block(CpuCtx& c, bool io_wait = true);
  void sleep_until(CpuCtx& c, sc_core::sc_time when, Burst next);
  void exit(CpuCtx& c);
  void requeue(CpuCtx& c, Burst next);  // stay runnable (back of the run queue)
  // A device raises an interrupt: the handler runs on a CPU chosen by the
  // affinity policy, before any task work waiting there.
  void raise_irq(Burst handler);

  const HostParams& params() const { return p_; }
  double cycles_to_s(double c) const { return c / p_.clock_hz; }
  int runnable() const { return int(runq_.size()); }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;
  // Per-CPU seconds by category since the last reset: user, system, irq, idle.
  struct Account { double user = 0, system = 0, irq = 0, idle = 0, false_comp = 0; };
  Account account(int cpu) const;
  double false_idle_s() const;
  // Event counts since the last reset (issue 8: what `iosim compare` reports
  // per second): device interrupts taken (an IRQ line raised, paying the
  // interrupt entry; timer ticks and timer-expiry wakeups not included),
  // context switches (a CPU switching to a task other than the one it ran
  // last, paying ctx_switch), wakeups (a blocked or sleeping task made
  // runnable) and timer ticks; of the switches and wakeups, those to or of a
  // task that was blocked on I/O (the blocking read's cost; a process
  // sleeping on a timer, e.g. an open-loop issuer, is not one).
  struct Counts {
    uint64_t interrupts = 0, ctx_switches = 0, wakeups = 0, ticks = 0;
    uint64_t io_ctx_switches = 0, io_wakeups = 0;
  };
  const Counts& counts() const { return counts_; }

private:
  friend class CpuCtx;
  // Time is charged as it elapses, not when it is accrued, so that a window
  // boundary falling inside a burst, a stall or an idle period splits it
  // exactly: per CPU, user + system + irq + idle = the window.
  struct PendingIrq {
    Burst handler;
    bool entry;  // pay the interrupt entry cost first (device interrupts)
  };
  struct Cpu {
    std::unique_ptr<CpuCtx> ctx;
    std::deque<PendingIrq> irqs;
    sc_core::sc_event work;
    Task* last = nullptr;
    bool idle = false;
    sc_core::sc_time idle_since;
    Account acc;                              // finished time since the last reset
    std::vector<CpuCtx::Spend> spending;      // the burst being spent (CpuCtx::sync)
    sc_core::sc_time spend_t0;                // when it started
    double spend_skip_s = 0;                  // its part before the window (already elapsed at reset)
    bool stalled = false;
    sc_core::sc_time stall_since;             // stall start, or the reset if later
    int v_state = -1;  // VCD signal: 0 idle, 1 user, 2 system, 3 irq (CpuCat + 1)
  };
  static void add_spent(Account& a, const std::vector<CpuCtx::Spend>& v, double from_s, double to_s);
  void cpu_thread(int i);
  void timer_method();
  void tick_method();
  void arm_timer();
  void kick_idle_cpu();
  void note_idle_state();
  static Task* running(CpuCtx& c, const char* what);  // the task a burst runs for  // integrate false idle before any change of its condition

  class IrqLine : public IrqIf {
  public:
    IrqLine(HostOs& os, int n);
    void raise() override;
  private:
    HostOs& os_;
    int n_;
    // VCD: interrupts raised on this line whose handler has not finished
    // (top.host.irq.lineN: waiting for a CPU or running); -1 without a waveform.
    int v_pending_ = -1;
    uint64_t pending_ = 0;
  };
  // VCD (--vcd only): how many workload and kernel tasks are running on a
  // CPU, runnable (in the run queue) and blocked on I/O: where the sync
  // path's losses show (every process blocked, a CPU idle: false idle).
  void trace_tasks();
  int running_ = 0;
  int v_running_ = -1, v_runnable_ = -1, v_io_blocked_ = -1;
  HostParams p_;
  std::vector<std::unique_ptr<IrqLine>> lines_;
  std::vector<Burst> handlers_;
  std::vector<Cpu> cpus_;
  std::vector<std::unique_ptr<Task>> tasks_;
  std::deque<Task*> runq_;
  std::multimap<sc_core::sc_time, Task*> timers_;
  sc_core::sc_event timer_ev_, tick_ev_;
  int next_irq_cpu_ = 0, io_blocked_ = 0, idle_cpus_ = 0, user_tasks_ = 0;
  bool all_blocked() const { return user_tasks_ > 0 && io_blocked_ == user_tasks_; }
  double false_idle_s_ = 0;
  Counts counts_;
  sc_core::sc_time fi_last_;
  sc_core::sc_time window_start_;
};

} // namespace iosim
