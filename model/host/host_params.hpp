#pragma once
// Host CPU and OS costs, in cycles of the host CPU. Defaults are the Linux 2.4 /
// Pentium III figures of PARAMETERS.md; the platform file overrides and cites.
#include "model/common/enum_names.hpp"

#include <string>

namespace iosim {

struct HostCosts {
  double syscall = 340;          // entry + exit: lmbench null syscall 0.34 us @1 GHz, x0.8 for 1.26 GHz
  double request_setup = 2500;   // block layer: get_request, buffer heads, kiobuf map (estimate)
  double request_per_page = 250; // per 4 KiB page mapped/pinned (estimate)
  double sched_base = 1000;      // schedule() fixed part (estimate, 2.4 scheduler)
  double sched_per_task = 120;   // goodness() per runnable task: 0.03-0.2 us (PARAMETERS.md)
  double ctx_switch = 2300;      // 1.6-1.9 us (lmbench, 2 procs) -> 1.8 us x 1.26 GHz
  double wakeup = 1300;          // try_to_wake_up + reschedule_idle (estimate ~1 us)
  double irq_entry = 500;        // entry/exit 0.2-0.5 us (PARAMETERS.md)
  double timer_tick = 4000;      // 2-5 us per tick (PARAMETERS.md)
  double user_per_io = 1000;     // the test program's own work per read (estimate)
};

// Which CPU takes a device interrupt.
enum class IrqAffinity { Cpu0, RoundRobin };  // RoundRobin: IO-APIC lowest-priority delivery
template <> struct EnumNames<IrqAffinity> {
  static constexpr std::array<std::pair<IrqAffinity, const char*>, 2> table{
      {{IrqAffinity::Cpu0, "cpu0"}, {IrqAffinity::RoundRobin, "round_robin"}}};
};

struct HostParams {
  int cpus = 2;                  // 2 x Pentium III (IBM x342)
  double clock_hz = 1.26e9;      // 1.26 GHz
  double hz = 100;               // timer interrupt rate: Linux 2.4 HZ=100
  IrqAffinity irq_affinity = IrqAffinity::RoundRobin;
  HostCosts cost;
};

} // namespace iosim
