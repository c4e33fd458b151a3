#include "model/common/io_sched.hpp"

#include "model/common/io_sched_elevator.hpp"
#include "model/common/io_sched_fifo.hpp"
#include "model/common/io_sched_gss.hpp"
#include "model/common/io_sched_scan_edf.hpp"

namespace iosim {

std::unique_ptr<IoSchedIf> make_io_sched(const IoSchedParams& p) {
  switch (p.kind) {
    case IoSchedKind::Elevator: return std::make_unique<ElevatorSched>();
    case IoSchedKind::Fifo: return std::make_unique<FifoSched>();
    case IoSchedKind::Round: return std::make_unique<GssSched>(1);
    case IoSchedKind::ScanEdf: return std::make_unique<ScanEdfSched>(p.edf_quantum_s);
    case IoSchedKind::Gss: return std::make_unique<GssSched>(p.gss_groups);
  }
  throw std::logic_error("unknown I/O scheduler");
}

}  // namespace iosim
