#pragma once
// Storage-only load, no host model: issues reads/writes straight into a block
// device (a disk behind its SCSI initiator, or the RAID0 volume) either closed
// loop at a fixed queue depth or open loop at a fixed rate (Poisson). Lets the
// storage side be measured and tested on its own.
//
// Links: `device` (the block device it loads), bound by the builder.
#include "model/common/io_pool.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/io_tally.hpp"

#include <systemc>
#include <vector>

namespace iosim {

class StorageInitiator : public sc_core::sc_module, public IoTally {
public:
  sc_core::sc_port<BlockDevice> device;

  SC_HAS_PROCESS(StorageInitiator);
  // queue_depth > 0: closed loop; otherwise open loop at rate_per_s. Requests
  // fall in [0, capacity_blocks) of the device.
  StorageInitiator(sc_core::sc_module_name name, uint64_t capacity_blocks, const AccessParams& ap, int queue_depth,
                   double rate_per_s, uint64_t seed, RequestLedger& ledger);
  void stop() { stopping_ = true; }

private:
  void start_closed();
  void arrivals();
  void launch(IoRequest& r);

  IoPool pool_;
  AccessPattern pattern_;
  Rng gaps_;
  int qd_;
  double rate_;
  bool stopping_ = false;
};

} // namespace iosim
