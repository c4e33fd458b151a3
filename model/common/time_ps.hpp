#pragma once
// Simulated time as integer picoseconds, exact at any time. SystemC keeps
// time as an integer count of its resolution (1 ps by default; iosim never
// changes it). The double ratio `t / sc_time(1, SC_PS)` and `sc_time(double
// ps, SC_PS)` are exact only below 2^53 ps (~9007 s simulated): beyond it a
// clock edge's time rounds to a neighbouring value, and a process waiting
// for an edge can be woken before it, again and again, at no time step (the
// 10^8-I/O soak met exactly that at ~9000 s).
#include <systemc>

#include <cstdint>
#include <stdexcept>

namespace iosim {

inline void require_ps_resolution() {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error("iosim needs SystemC's time resolution at its default, 1 ps");
}
inline uint64_t to_ps(const sc_core::sc_time& t) { return uint64_t(t.value()); }
inline sc_core::sc_time from_ps(uint64_t ps) { return sc_core::sc_time::from_value(ps); }

} // namespace iosim
