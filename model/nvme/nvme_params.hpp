#pragma once
// Parameters of the NVMe SSD platform (issue 8, deliverable 6): the SSD's
// controller and media, its PCIe link, the host's NVMe driver and its
// completion mode. SI units (seconds, bytes, bytes/s); host costs in cycles of
// the host CPU. Every default names its source or is marked estimate/fitted;
// the table with scenario keys is in model/nvme/README.md.
#include "model/common/enum_names.hpp"
#include "model/pcix/pci_master.hpp"
#include "model/pcix/pcix_params.hpp"

#include <cstdint>

namespace iosim {

// How the host learns that a command completed.
//  interrupt: MSI-X -> nvme_irq -> blk_mq_complete_request -> wake the process;
//  poll:      the process spins on its completion queue (preadv2 RWF_HIPRI,
//             blk_poll / nvme_poll), on a poll queue without an interrupt
//             (Linux 5.0+ nvme.poll_queues);
//  hybrid:    the process first sleeps about half the mean completion time
//             (Linux 4.10+ io_poll_delay = 0, blk_mq_poll_nsecs), then spins.
enum class NvmeCompletion { Interrupt, Poll, Hybrid };
template <> struct EnumNames<NvmeCompletion> {
  static constexpr std::array<std::pair<NvmeCompletion, const char*>, 3> table{
      {{NvmeCompletion::Interrupt, "interrupt"}, {NvmeCompletion::Poll, "poll"}, {NvmeCompletion::Hybrid, "hybrid"}}};
};

// The SSD. Defaults: Intel Optane SSD DC P4800X 375 GB (PCIe 3.0 x4, NVMe).
struct NvmeDeviceParams {
  uint64_t capacity_bytes = 375000000000ull;  // 375 GB (Intel product brief, via AnandTech review 11209)
  // Media organisation: the SLL3D controller has 7 channels; 375 GB is 28
  // 128 Gbit 3D XPoint dies, 4 per channel (AnandTech review 11209;
  // estimate where the brief is silent).
  int channels = 7;
  int dies_per_channel = 4;
  // A read is spread over this many channels (one die on each, same way):
  // estimate. With all 7, the channels' sum is the sequential read spec
  // (2400 MB/s) and a 4 kB random read at depth saturates at 2.4e9 / 4096 =
  // 586k IOPS: the spec says 550k (QD16), AnandTech measured 584.8k (QD16).
  int stripe_channels = 7;
  // One channel's data rate: sequential read 2400 MB/s (spec) / 7 channels.
  double channel_rate = 2.4e9 / 7;
  // Media read time of one die (tR) for its piece: estimate (3D XPoint is
  // read in ~100s of ns at the die; the controller's ECC and buffering are
  // in here too).
  double t_read = 1.0e-6;
  // Controller front end per command (SQE decode, LBA lookup, scheduling),
  // taken as a pipelined latency that does not limit throughput: fitted so a
  // QD1 4 kB read on the interrupt path has AnandTech's measured mean of
  // 8.9 us (review 11209, "4kB Random Read at QD1").
  double t_command = 1.0e-6;
  // Controller back end per completion (CQE build): estimate.
  double t_complete = 0.2e-6;
  uint32_t queue_entries = 1024;  // entries per I/O SQ/CQ: Linux nvme io_queue_depth default 1024
  int queues = 0;                 // I/O queue pairs; 0 = one per host CPU (Linux nvme's default)
  // PCIe: Gen3 x4 = 8 GT/s per lane, 128b/130b encoding (PCIe 3.0 base spec).
  int lanes = 4;
  double lane_rate = 8e9 / 8;  // B/s per lane before encoding: 8 GT/s x 1 bit (key lane_rate: 8Gbit/s)
  uint64_t max_payload = 256;       // MPS: common platform setting (PCIe spec allows 128-4096)
  uint64_t max_read_request = 512;  // MRRS: Linux's default 512 B (pcie_set_readrq)
  // The link as the PCI/PCI-X bus model (see README: what that ignores).
  PcixBusParams link() const {
    PcixBusParams b;
    b.mode = PciMode::PciX;  // reads are split transactions, as PCIe's non-posted reads with completions
    b.width_bytes = 8;
    b.clock_hz = double(lanes) * lane_rate * 128.0 / 130.0 / double(b.width_bytes);
    // Per transaction, 3 cycles of 8 B = 24 B: a PCIe 3.0 TLP's framing token
    // (4 B), sequence number (2 B), header (12-16 B) and LCRC (4 B) are
    // 22-26 B (PCIe 3.0 base spec, 2.2 and 4.2.2). No turnaround on a link.
    b.arb_cycles = 1;
    b.addr_cycles = 1;
    b.attr_cycles = 0;
    b.decode_cycles = 1;
    b.turnaround_cycles = 0;
    return b;
  }
  PciMasterParams dma() const {
    PciMasterParams m = PciMasterParams::device();
    m.max_burst_bytes = max_payload;
    m.max_read_bytes = max_read_request;
    return m;
  }
  // Upper bound on 4 kB-class random read IOPS from the media: the channels'
  // bandwidth and the dies' occupancy (a die is busy for tR and its piece's
  // transfer), whichever is lower.
  double iops_bound(uint64_t bytes) const {
    const double piece = double(bytes) / double(stripe_channels);
    const double by_channels = double(channels) * channel_rate / double(bytes);
    const double die_busy = t_read + piece / channel_rate;
    const double by_dies = double(channels) * double(dies_per_channel) / double(stripe_channels) / die_busy;
    return by_channels < by_dies ? by_channels : by_dies;
  }
};

// The host's NVMe driver (Linux blk-mq + drivers/nvme/host/pci.c), in host
// CPU cycles. Sources in model/nvme/README.md; all estimates for a ~3 GHz core.
struct NvmeDriverParams {
  NvmeCompletion completion = NvmeCompletion::Interrupt;
  double submit_cycles = 3000;     // bio + blk_mq_get_request + nvme_queue_rq (DMA map, SQE build): ~1 us (estimate)
  double isr_cycles = 600;         // nvme_irq entry and CQ scan, per interrupt (estimate, ~0.2 us)
  double complete_cycles = 2400;   // per CQE: nvme_handle_cqe, blk_mq_end_request, bio end, DMA unmap (~0.8 us, estimate)
  double poll_entry_cycles = 300;  // blk_poll / nvme_poll set-up per call (estimate, ~0.1 us)
  double poll_check_cycles = 150;  // one poll loop iteration: CQE phase-bit load (cache miss) + cpu_relax (estimate)
  // Hybrid: blk_stat's window over which the mean completion time is taken
  // (blk-mq.c: blk_stat_activate_msecs(q->poll_cb, 100)).
  double hybrid_window_s = 0.1;
  double hybrid_sleep_s = 0;       // > 0: fixed sleep (io_poll_delay > 0); 0: half the mean (adaptive)
  double slice_s = 0;              // a spinning process yields the CPU at the next timer tick (0: 1/HZ)
};

} // namespace iosim

namespace iosim {

// platform.nvme: the SSD and the host driver.
struct NvmeParams {
  NvmeDeviceParams device;
  NvmeDriverParams driver;
};

} // namespace iosim
