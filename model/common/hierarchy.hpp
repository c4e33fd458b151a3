#pragma once
// Builds a module as a child of one that is already complete: a driver is part
// of the host it runs on (top.host.sd), though the platform builder creates it
// after the host. SystemC names and parents a module after the innermost
// module under construction; this pushes `parent` there for the scope's
// lifetime (sc_simcontext's public hierarchy_push / hierarchy_pop).
#include <systemc>

namespace iosim {

class ChildScope {
public:
  explicit ChildScope(sc_core::sc_module& parent) { sc_core::sc_get_curr_simcontext()->hierarchy_push(&parent); }
  ~ChildScope() { sc_core::sc_get_curr_simcontext()->hierarchy_pop(); }
  ChildScope(const ChildScope&) = delete;
  ChildScope& operator=(const ChildScope&) = delete;
};

} // namespace iosim
