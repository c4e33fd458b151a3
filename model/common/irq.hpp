#pragma once
// An interrupt line as a declared link (VCML models interrupts as sockets):
// a device holds `sc_core::sc_port<IrqIf> irq` and the platform builder binds
// it to the interrupt controller's input (HostOs::irq_line(n)). raise() asserts
// the line: the controller runs the handler that the driver registered for it.
#include <systemc>

namespace iosim {

class IrqIf : public virtual sc_core::sc_interface {
public:
  virtual void raise() = 0;
};

} // namespace iosim
