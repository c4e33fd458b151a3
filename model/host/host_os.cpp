#include "model/host/host_os.hpp"

#include <algorithm>
#include "model/stats/vcd.hpp"

#include <stdexcept>

using namespace sc_core;

namespace iosim {

// ---------------------------------------------------------------- CpuCtx
void CpuCtx::compute(double cycles, CpuCat cat, bool false_computation) {
  const double s = os_.cycles_to_s(cycles);
  if (s <= 0) return;
  if (os_.cpus_[cpu_].v_state >= 0) trace(cat);
  pending_s_ += s;
  cat_ = cat;
  if (!pending_.empty() && pending_.back().cat == cat && pending_.back().false_comp == false_computation)
    pending_.back().s += s;
  else
    pending_.push_back({cat, s, false_computation});
}

void CpuCtx::sync() {
  if (pending_s_ <= 0) return;
  const double s = pending_s_;
  pending_s_ = 0;
  auto& cpu = os_.cpus_[size_t(cpu_)];
  cpu.spending.swap(pending_);
  pending_.clear();
  cpu.spend_t0 = sc_time_stamp();
  cpu.spend_skip_s = 0;
  wait(sc_time(s, SC_SEC));
  HostOs::add_spent(cpu.acc, cpu.spending, cpu.spend_skip_s, s);
  cpu.spending.clear();
}

void CpuCtx::begin_stall() {
  auto& cpu = os_.cpus_[size_t(cpu_)];
  cpu.stalled = true;
  cpu.stall_since = sc_time_stamp();
}

void CpuCtx::end_stall() {
  auto& cpu = os_.cpus_[size_t(cpu_)];
  const double s = (sc_time_stamp() - cpu.stall_since).to_seconds();
  (cat_ == CpuCat::User ? cpu.acc.user : cat_ == CpuCat::System ? cpu.acc.system : cpu.acc.irq) += s;
  cpu.stalled = false;
}

// Compute is spent lazily, so the code starting now really starts once the
// accrued time has passed: scheduled ahead in the waveform.
void CpuCtx::trace(CpuCat cat) {
  if (VcdWriter* w = vcd_writer()) w->schedule(os_.cpus_[cpu_].v_state, uint64_t(cat) + 1, vcd_ps(local_time()));
}

// The CPU is stalled for the whole round trip: charged to the code that read.
uint64_t CpuCtx::pio_read(uint64_t addr, unsigned len) {
  sync();
  begin_stall();
  const uint64_t v = os_.pio->read(addr, len);
  end_stall();
  return v;
}

// Posted: returns after the CPU's hand-off cost (or a stall on a full buffer).
void CpuCtx::pio_write(uint64_t addr, const void* data, unsigned len) {
  sync();
  begin_stall();
  os_.pio->write(addr, data, len);
  end_stall();
}

void CpuCtx::lock(SpinLock& l) {
  sync();
  ++l.acquisitions;
  if (l.held) {
    ++l.contended;
    const sc_time t0 = sc_time_stamp();
    begin_stall();
    while (l.held) wait(l.released);
    end_stall();
    l.spin_s += (sc_time_stamp() - t0).to_seconds();
  }
  l.held = true;
}

void CpuCtx::unlock(SpinLock& l) {
  sync();
  l.held = false;
  l.released.notify(SC_ZERO_TIME);
}

// ---------------------------------------------------------------- HostOs
HostOs::HostOs(sc_module_name name, const HostParams& p)
    : sc_module(name), pio("pio"), p_(p), cpus_(size_t(p.cpus)) {
  if (p.cpus < 1) throw std::invalid_argument("host.cpus must be >= 1");
  for (int i = 0; i < p.cpus; ++i) {
    cpus_[size_t(i)].ctx.reset(new CpuCtx(*this, i));
    if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only
      // 0 idle, then CpuCat + 1 (traces/cpu_state.txt says the same for VCD viewers).
      cpus_[size_t(i)].v_state = w->add(std::string(this->name()) + ".cpu" + std::to_string(i), "state", 2,
                                        {"idle", "user", "system", "irq"});
      w->set(cpus_[size_t(i)].v_state, 0);
    }
    sc_spawn([this, i] { cpu_thread(i); }, sc_gen_unique_name("cpu"));
  }
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only
    const std::string tasks = std::string(this->name()) + ".tasks";
    v_running_ = w->add(tasks, "running", 8);
    v_runnable_ = w->add(tasks, "runnable", 16);
    v_io_blocked_ = w->add(tasks, "io_blocked", 16);
    trace_tasks();
  }
  SC_METHOD(timer_method);
  sensitive << timer_ev_;
  dont_initialize();
  if (p.hz > 0) {
    SC_METHOD(tick_method);
    sensitive << tick_ev_;
    dont_initialize();
    tick_ev_.notify(sc_time(1.0 / p.hz, SC_SEC));
  }
}

Task* HostOs::create_task(const std::string& name, bool kernel) {
  tasks_.emplace_back(new Task(name));
  tasks_.back()->kernel_ = kernel;
  if (!kernel) ++user_tasks_;
  return tasks_.back().get();
}

void HostOs::trace_tasks() {
  VcdWriter* w = vcd_writer();
  if (!w) return;
  w->set(v_running_, uint64_t(running_));
  w->set(v_runnable_, runq_.size());
  w->set(v_io_blocked_, uint64_t(io_blocked_));
}

void HostOs::note_idle_state() {
  const sc_time now = sc_time_stamp();
  // False idle (the paper): a CPU in the idle loop while every process of the
  // workload is blocked on I/O, so nobody can issue more.
  if (all_blocked()) false_idle_s_ += idle_cpus_ * (now - fi_last_).to_seconds();
  fi_last_ = now;
}

void HostOs::kick_idle_cpu() {
  for (auto& c : cpus_)
    if (c.idle) { c.work.notify(SC_ZERO_TIME); return; }
}

void HostOs::wake(Task* t, Burst next) {
  if (t->state_ == Task::State::Runnable || t->state_ == Task::State::Running)
    throw std::logic_error("wake() of task '" + t->name + "' that is not blocked or sleeping");
  note_idle_state();
  ++counts_.wakeups;
  t->io_woken_ = t->state_ == Task::State::Blocked && t->io_wait_;
  if (t->io_woken_) ++counts_.io_wakeups;
  if (t->state_ == Task::State::Blocked && t->io_wait_) --io_blocked_;
  t->io_wait_ = false;
  t->state_ = Task::State::Runnable;
  t->next_ = std::move(next);
  runq_.push_back(t);
  trace_tasks();
  kick_idle_cpu();
}

Task* HostOs::running(CpuCtx& c, const char* what) {
  if (!c.task_) throw std::logic_error(std::string(what) + "() outside a task");
  return c.task_;
}

void HostOs::block(CpuCtx& c, bool io_wait) {
  Task* t = running(c, "block");
  note_idle_state();
  t->state_ = Task::State::Blocked;
  t->io_wait_ = io_wait;
  if (io_wait) ++io_blocked_;
  trace_tasks();
}

void HostOs::sleep_until(CpuCtx& c, sc_time when, Burst next) {
  Task* t = running(c, "sleep_until");
  t->state_ = Task::State::Sleeping;
  t->next_ = std::move(next);
  timers_.emplace(when, t);
  arm_timer();
}

void HostOs::requeue(CpuCtx& c, Burst next) {
  Task* t = running(c, "requeue");
  note_idle_state();
  t->state_ = Task::State::Runnable;
  t->next_ = std::move(next);
  runq_.push_back(t);
  trace_tasks();
}

void HostOs::exit(CpuCtx& c) {
  if (!c.task_) return;
  note_idle_state();
  c.task_->state_ = Task::State::Exited;
  if (!c.task_->kernel_) --user_tasks_;
}

void HostOs::arm_timer() {
  if (timers_.empty()) return;
  const sc_time now = sc_time_stamp(), at = timers_.begin()->first;
  timer_ev_.notify(at > now ? at - now : SC_ZERO_TIME);  // an earlier notify wins
}

// Expired sleeps: the timer bottom half wakes the task (its cost on a CPU).
void HostOs::timer_method() {
  const sc_time now = sc_time_stamp();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    Task* t = timers_.begin()->second;
    timers_.erase(timers_.begin());
    // The task's next burst stays in the sleeping task until the wakeup
    // (capturing it would allocate per sleep).
    raise_irq([this, t](CpuCtx& c) {
      c.compute(p_.cost.wakeup, CpuCat::Irq);
      c.sync();
      wake(t, std::move(t->next_));
    });
  }
  arm_timer();
}

void HostOs::tick_method() {
  for (size_t i = 0; i < cpus_.size(); ++i) {
    ++counts_.ticks;
    cpus_[i].irqs.push_back({[this](CpuCtx& c) { c.compute(p_.cost.timer_tick, CpuCat::Irq); }, false});
    cpus_[i].work.notify(SC_ZERO_TIME);
  }
  tick_ev_.notify(sc_time(1.0 / p_.hz, SC_SEC));
}

IrqIf& HostOs::irq_line(int n) {
  if (n < 0) throw std::invalid_argument(std::string(name()) + ": negative interrupt line");
  while (lines_.size() <= size_t(n)) lines_.emplace_back(new IrqLine(*this, int(lines_.size())));
  return *lines_[size_t(n)];
}

void HostOs::request_irq(int n, Burst handler) {
  if (n < 0) throw std::invalid_argument(std::string(name()) + ": negative interrupt line");
  if (handlers_.size() <= size_t(n)) handlers_.resize(size_t(n) + 1);
  handlers_[size_t(n)] = std::move(handler);
}

HostOs::IrqLine::IrqLine(HostOs& os, int n) : os_(os), n_(n) {
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only
    v_pending_ = w->add(std::string(os.name()) + ".irq", "line" + std::to_string(n), 8);
    w->set(v_pending_, 0);
  }
}

void HostOs::IrqLine::raise() {
  if (size_t(n_) >= os_.handlers_.size() || !os_.handlers_[size_t(n_)])
    throw std::logic_error(std::string(os_.name()) + ": interrupt on line " + std::to_string(n_) + " with no handler");
  const Burst& h = os_.handlers_[size_t(n_)];
  ++os_.counts_.interrupts;  // its entry cost is charged when a CPU takes it (cpu_thread)
  if (v_pending_ < 0) {
    os_.raise_irq([&h](CpuCtx& c) { h(c); });
    return;
  }
  vcd_writer()->set(v_pending_, ++pending_);
  // The line's count drops when its handler has run (the CPU's time spent:
  // cpu_thread syncs right after a handler anyway, so timing is unchanged).
  os_.raise_irq([this, &h](CpuCtx& c) {
    h(c);
    c.sync();
    vcd_writer()->set(v_pending_, --pending_);
  });
}

void HostOs::raise_irq(Burst handler) {
  int cpu = 0;
  if (p_.irq_affinity == IrqAffinity::RoundRobin) { cpu = next_irq_cpu_; next_irq_cpu_ = (next_irq_cpu_ + 1) % p_.cpus; }
  auto& c = cpus_[size_t(cpu)];
  c.irqs.push_back({std::move(handler), true});
  c.work.notify(SC_ZERO_TIME);
}

void HostOs::cpu_thread(int i) {
  Cpu& cpu = cpus_[size_t(i)];
  CpuCtx& ctx = *cpu.ctx;
  for (;;) {
    if (!cpu.irqs.empty()) {
      PendingIrq irq = std::move(cpu.irqs.front());
      cpu.irqs.pop_front();
      ctx.task_ = nullptr;
      if (irq.entry) ctx.compute(p_.cost.irq_entry, CpuCat::Irq);  // interrupt entry (not the timer tick's)
      irq.handler(ctx);
      ctx.sync();
      continue;
    }
    if (!runq_.empty()) {
      note_idle_state();
      Task* t = runq_.front();
      runq_.pop_front();
      // 2.4 schedule(): goodness() over every runnable task, then switch_to().
      ctx.compute(p_.cost.sched_base + p_.cost.sched_per_task * double(runq_.size() + 1), CpuCat::System, true);
      if (cpu.last != t) {
        ctx.compute(p_.cost.ctx_switch, CpuCat::System, true);
        ++counts_.ctx_switches;
        if (t->io_woken_) ++counts_.io_ctx_switches;
      }
      t->io_woken_ = false;
      cpu.last = t;
      t->state_ = Task::State::Running;
      ctx.task_ = t;
      ++running_;
      trace_tasks();
      Burst b = std::move(t->next_);
      b(ctx);
      ctx.sync();
      --running_;
      trace_tasks();
      if (t->state_ == Task::State::Running)
        throw std::logic_error("task '" + t->name + "' burst ended without block/sleep/exit");
      ctx.task_ = nullptr;
      continue;
    }
    note_idle_state();
    cpu.idle = true;
    ++idle_cpus_;
    cpu.idle_since = sc_time_stamp();
    if (VcdWriter* w = vcd_writer(); w && cpu.v_state >= 0) w->set(cpu.v_state, 0);
    wait(cpu.work);
    note_idle_state();
    --idle_cpus_;
    cpu.idle = false;
    cpu.acc.idle += (sc_time_stamp() - cpu.idle_since).to_seconds();
  }
}

void HostOs::reset_stats() {
  note_idle_state();
  false_idle_s_ = 0;
  counts_ = Counts{};
  const sc_time now = sc_time_stamp();
  window_start_ = now;
  for (auto& c : cpus_) {
    c.acc = Account{};
    if (c.idle) c.idle_since = now;
    if (c.stalled) c.stall_since = now;
    if (!c.spending.empty()) c.spend_skip_s = (now - c.spend_t0).to_seconds();
  }
}

// Adds the part [from_s, to_s) of a burst spent in order, segment by segment.
void HostOs::add_spent(Account& a, const std::vector<CpuCtx::Spend>& v, double from_s, double to_s) {
  double t = 0;
  for (const auto& x : v) {
    const double lo = std::max(t, from_s), hi = std::min(t + x.s, to_s);
    t += x.s;
    if (hi <= lo) continue;
    (x.cat == CpuCat::User ? a.user : x.cat == CpuCat::System ? a.system : a.irq) += hi - lo;
    if (x.false_comp) a.false_comp += hi - lo;
  }
}

HostOs::Account HostOs::account(int i) const {
  const Cpu& c = cpus_[size_t(i)];
  Account a = c.acc;
  const sc_time now = sc_time_stamp();
  if (c.idle) a.idle += (now - c.idle_since).to_seconds();
  if (c.stalled)
    (c.ctx->cat_ == CpuCat::User ? a.user : c.ctx->cat_ == CpuCat::System ? a.system : a.irq) +=
        (now - c.stall_since).to_seconds();
  if (!c.spending.empty()) add_spent(a, c.spending, c.spend_skip_s, (now - c.spend_t0).to_seconds());
  return a;
}

double HostOs::false_idle_s() const {
  double s = false_idle_s_;
  if (all_blocked()) s += idle_cpus_ * (sc_time_stamp() - fi_last_).to_seconds();
  return s;
}

void HostOs::report(Stats& out, double window_s) const {
  const std::string n = name();
  double busy = 0, fc = 0;
  for (int i = 0; i < p_.cpus; ++i) {
    const Account a = account(i);
    const std::string c = n + ".cpu" + std::to_string(i);
    StatGroup g = out.group(c, "cpu");
    g.add("user", 100 * a.user / window_s, "%", StatKind::Fraction, "time in user code");
    g.add("system", 100 * a.system / window_s, "%", StatKind::Fraction, "time in the kernel (syscalls, scheduler, drivers)");
    g.add("irq", 100 * a.irq / window_s, "%", StatKind::Fraction, "time in interrupt handlers and bottom halves");
    g.add("idle", 100 * a.idle / window_s, "%", StatKind::Fraction, "time in the idle loop");
    busy += a.user + a.system + a.irq;
    fc += a.false_comp;
  }
  StatGroup g = out.group(n, "host_os");
  g.add("busy", 100 * busy / (window_s * p_.cpus), "%", StatKind::Fraction, "mean CPU utilisation");
  g.add("false_computation", 100 * fc / (window_s * p_.cpus), "%", StatKind::Fraction, "scheduler passes and context switches caused by blocking I/O");
  g.add("false_idle", 100 * false_idle_s() / (window_s * p_.cpus), "%", StatKind::Fraction, "CPU idle while every process is blocked on I/O");
  // Rates over the window (issue 8, `iosim compare`); counted where the
  // costs are charged, so they explain the CPU time above.
  g.add("interrupt_rate", double(counts_.interrupts) / window_s, "1/s", StatKind::Rate,
        "device interrupts taken (IRQ lines raised; timer ticks and timer wakeups not included)");
  g.add("context_switch_rate", double(counts_.ctx_switches) / window_s, "1/s", StatKind::Rate,
        "context switches (a CPU switching to a task other than the one it ran last)");
  g.add("wakeup_rate", double(counts_.wakeups) / window_s, "1/s", StatKind::Rate,
        "tasks made runnable (a blocked or sleeping task woken)");
  g.add("io_context_switch_rate", double(counts_.io_ctx_switches) / window_s, "1/s", StatKind::Rate,
        "context switches to a task woken from an I/O wait (the blocking read's)");
  g.add("io_wakeup_rate", double(counts_.io_wakeups) / window_s, "1/s", StatKind::Rate,
        "wakeups of a task blocked on I/O");
  g.add("timer_tick_rate", double(counts_.ticks) / window_s, "1/s", StatKind::Rate, "timer interrupts, all CPUs (HZ x CPUs)");
}

} // namespace iosim
