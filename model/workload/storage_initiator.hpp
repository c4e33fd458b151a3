#pragma once
// Storage-only load, no host model: issues reads/writes straight into a block
// device (a disk behind its SCSI initiator, or the RAID0 volume) either closed
// loop at a fixed queue depth or open loop at a fixed rate (Poisson). Lets the
// storage side be measured and tested on its own.
//
// Open loop, at most `max_outstanding` requests are in flight: an arrival
// beyond that is dropped and counted (statistic `dropped`), not queued. The
// arrival process stays the offered Poisson stream whatever the device does
// (blocking would shift every later arrival), and memory stays bounded: each
// request in flight holds ~770 B (pool entry, ledger, queues), and a rate
// above what the device serves otherwise grows it without end (100k/s on the
// x342: 88 MB after 2 s, 370 MB after 10 s, issue 11).
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
  // max_outstanding: the open-loop bound (ignored closed loop, where the
  // queue depth bounds it).
  StorageInitiator(sc_core::sc_module_name name, uint64_t capacity_blocks, const AccessParams& ap, int queue_depth,
                   double rate_per_s, uint64_t seed, RequestLedger& ledger,
                   uint64_t max_outstanding = kDefaultMaxOutstanding);
  void stop() { stopping_ = true; }

  // workload.max_outstanding's default: 1024 requests (~0.8 MB). Far above
  // what a run below saturation keeps in flight (the x342's 4 disks hold 256
  // tagged commands), and a full bound of 1 MiB reads on one disk still
  // drains in ~22 s (1024 x 1 MiB at the inner zone's 49 MB/s), well inside
  // run.drain_limit's 120 s.
  static constexpr uint64_t kDefaultMaxOutstanding = 1024;

  uint64_t dropped() const { return dropped_; }         // in the window
  uint64_t in_flight() const { return in_flight_; }
  uint64_t peak_in_flight() const { return peak_; }      // in the window

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void start_closed();
  void arrivals();
  void launch(IoRequest& r);

  IoPool pool_;
  AccessPattern pattern_;
  Rng gaps_;
  int qd_;
  double rate_;
  uint64_t max_outstanding_;
  uint64_t in_flight_ = 0, peak_ = 0, dropped_ = 0;
  bool stopping_ = false;
};

} // namespace iosim
