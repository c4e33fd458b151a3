#pragma once
// The synchronous baseline's kernel I/O path, Linux 2.4 style: md RAID0 maps the
// request onto member disks; each member has a block-layer queue with an
// elevator (requests kept sorted by sector, served in one-way sweeps);
// the SCSI mid-layer dispatches while the device has fewer than its queue depth
// outstanding and the adapter fewer than can_queue; mptscsih's queuecommand
// builds a Fusion-MPT frame and posts its address with one PIO write. Each
// adapter's interrupt drains the reply FIFO, runs the bottom half for every
// reply (end_request, next dispatch) and wakes the process when its last piece
// is done.
#include "model/hba/lsi53c1030.hpp"
#include "model/host/host_os.hpp"
#include "model/raid/raid0.hpp"

#include <map>
#include <memory>
#include <vector>

namespace iosim {

struct SyncDriverParams {
  int queue_depth = 7;             // per device: 2.4 mptscsih cmd_per_lun (PARAMETERS.md)
  int can_queue = 63;              // per adapter: 2.4 mptscsih (PARAMETERS.md: 63 or 127)
  double md_map_cycles = 800;      // md raid0 make_request + remap (estimate)
  double elevator_cycles = 400;    // __make_request, elevator merge/insert base (estimate)
  double elevator_per_entry = 15;  // insertion scan per queued request (estimate)
  double queuecommand_cycles = 3000;  // scsi_dispatch_cmd + mptscsih_qcmd frame build (estimate)
  double isr_cycles = 800;         // mptscsih ISR body, excluding its PIO reads (estimate)
  double bottom_half_cycles = 5000;   // scsi_done -> softirq -> end_request -> unlock (estimate)
  uint64_t frames_base = 0x10000000;  // host physical address of the frame pool
};

struct DiskRoute { int adapter; int target; };

using IoWaiter = std::function<void(CpuCtx&, IoRequest&)>;

class SyncDriver : public Reporter {
public:
  SyncDriver(std::string name, HostOs& os, const SyncDriverParams& p, const Raid0Geometry& raid,
             std::vector<DiskRoute> routes, std::vector<uint64_t> adapter_reg_base);
  // From a process's burst: set up, map, queue, dispatch. `done` runs in the
  // bottom half that completes the request's last piece.
  void submit(CpuCtx& c, IoRequest& req, IoWaiter done);
  // The adapter's interrupt handler.
  void isr(CpuCtx& c, int adapter);
  const FrameTable& frames() const { return frames_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Parent { IoRequest* req; int remaining; IoWaiter done; };
  struct Piece { IoRequest req; Parent* parent; int dev; };
  struct Device {
    std::multimap<uint64_t, Piece*> elevator;
    uint64_t head = 0;  // last dispatched sector: the sweep goes up from here
    int outstanding = 0;
    LevelTracker queued, active;
  };
  struct Adapter { int outstanding = 0; std::vector<int> devices; size_t rr = 0; uint64_t reg_base = 0; };

  void dispatch(CpuCtx& c, int dev);
  void kick_adapter(CpuCtx& c, int a);

  std::string name_;
  HostOs& os_;
  SyncDriverParams p_;
  const Raid0Geometry& raid_;
  std::vector<DiskRoute> routes_;
  std::vector<Device> devs_;
  std::vector<Adapter> adapters_;
  std::vector<Piece*> contexts_;
  std::vector<uint32_t> free_ctx_;
  FrameTable frames_;
  SpinLock io_request_lock_;  // 2.4's global block-layer lock, held by submit, dispatch and the bottom half
  uint64_t dispatched_ = 0, isr_runs_ = 0, replies_ = 0;
};

} // namespace iosim
