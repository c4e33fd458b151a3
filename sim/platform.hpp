#pragma once
// Builds one platform from a Scenario: instantiates and binds the model/
// modules under "top" (top.host, top.pci, top.scsi0.bus, top.scsi0.disk3,
// top.card.qc, top.hba1, ...), wires the chosen I/O path and workload, and
// collects every module's Reporter. One Platform per process (SystemC
// elaborates once).
#include "model/card/io_card.hpp"
#include "model/common/ledger.hpp"
#include "model/hba/mpt_frames.hpp"
#include "model/host/async_driver.hpp"
#include "model/host/io_uring.hpp"
#include "model/host/kernel_aio.hpp"
#include "model/host/posix_aio.hpp"
#include "model/host/sync_driver.hpp"
#include "model/disk/disk.hpp"
#include "model/host/host_os.hpp"
#include "model/nvme/nvme_controller.hpp"
#include "model/nvme/nvme_driver.hpp"
#include "model/nvme/nvme_queues.hpp"
#include "model/nvme/pread_processes.hpp"
#include "model/net/net_client.hpp"
#include "model/net/net_stack.hpp"
#include "model/net/nic.hpp"
#include "model/workload/file_server.hpp"
#include "model/pcix/host_memory.hpp"
#include "model/pcix/pcix_bus.hpp"
#include "model/raid/raid0.hpp"
#include "model/workload/aio_processes.hpp"
#include "model/workload/async_processes.hpp"
#include "model/workload/storage_initiator.hpp"
#include "model/workload/stream_clients.hpp"
#include "model/workload/sync_processes.hpp"
#include "sim/scenario.hpp"

#include <memory>
#include <vector>

namespace iosim {

class RequestTrace;

// One Ultra320 bus with its disks: top.scsiN.bus, top.scsiN.diskK.
class ScsiChannel : public sc_core::sc_module {
public:
  ScsiChannel(sc_core::sc_module_name name, const ScsiBusParams& bp, const DiskParams& dp, int disks);
  ScsiBus bus;
  std::vector<std::unique_ptr<Disk>> disks;
  // Disk k's SCSI id: 0..6, 8..15; id 7 is the adapter's (highest priority).
  static int target_id(int k) { return k < 7 ? k : k + 1; }
};

class Platform : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(Platform);
  Platform(sc_core::sc_module_name name, const Scenario& sc, RequestLedger& ledger);
  ~Platform() override;
  const std::vector<Reporter*>& reporters() const { return reporters_; }
  IoTally& tally() { return *tally_; }
  void stop_workload();   // stop issuing; what is in flight still completes
  uint64_t capacity_blocks() const { return geo_.capacity_blocks(); }

private:
  void start();  // SC_METHOD at time 0: the workload's first requests
  void build_sync(const Scenario& sc, RequestLedger& ledger);
  void build_async(const Scenario& sc, RequestLedger& ledger);
  void build_storage(const Scenario& sc, RequestLedger& ledger);
  void name_request_trace(RequestTrace& t, const Scenario& sc);
  void build_block_path(const Scenario& sc);  // SyncDriver + frames + HBAs: sync, posix_aio, kaio
  void build_posix_aio(const Scenario& sc, RequestLedger& ledger);
  void build_kaio(const Scenario& sc, RequestLedger& ledger);
  void build_uring(const Scenario& sc, RequestLedger& ledger);
  template <class Stack> void bind_aio_workload(const Scenario& sc, RequestLedger& ledger, Stack& stack);
  template <class Stack, class Params>
  Stack& stack_on_block_path(const Scenario& sc, std::unique_ptr<Stack>& stack, const char* name, Params p);
  void build_nvme(const Scenario& sc, RequestLedger& ledger);
  void build_file_server(const Scenario& sc, RequestLedger& ledger);  // issue 8: NIC + TCP + client

  static constexpr uint64_t kMemSize = 0xE0000000ull;   // host RAM window in bus space
  static constexpr uint64_t kHbaBase = 0xE0000000ull;   // LSI register BARs, 64 KiB each
  static constexpr uint64_t kCardBase = 0xF0000000ull;  // I/O card memory window
  static constexpr uint64_t kNicBase = 0xE8000000ull;   // NIC register BAR (file server)

  PcixBus pci_;
  HostMemory mem_;
  std::vector<std::unique_ptr<ScsiChannel>> ch_;
  std::vector<std::pair<int, int>> members_;  // RAID0 member k -> (bus, target id)
  Raid0Geometry geo_;
  // host side (sync, async)
  std::unique_ptr<PciMaster> cpu_master_;
  std::unique_ptr<PciPio> pio_;
  std::unique_ptr<HostOs> os_;
  // sync
  std::vector<std::unique_ptr<PciMaster>> hba_dma_master_;
  std::vector<std::unique_ptr<PciDma>> hba_dma_;
  std::vector<std::unique_ptr<ScsiInitiator>> hba_scsi_;
  std::vector<std::unique_ptr<Lsi53c1030>> hba_;
  std::unique_ptr<MptFrameMemory> frames_;
  std::unique_ptr<SyncDriver> sync_drv_;
  std::unique_ptr<SyncProcesses> sync_wl_;
  // async
  std::unique_ptr<IoCard> card_;
  std::unique_ptr<AsyncDriver> async_drv_;
  std::unique_ptr<AsyncProcesses> async_wl_;
  // storage only
  std::vector<std::unique_ptr<ScsiInitiator>> raw_scsi_;
  std::unique_ptr<Raid0Volume> volume_;
  std::unique_ptr<StorageInitiator> storage_wl_;
  // posix_aio, kaio (over the sync path's block layer), their closed-loop workload
  std::unique_ptr<PosixAio> posix_aio_;
  std::unique_ptr<KernelAio> kaio_;
  std::unique_ptr<IoUring> uring_;  // uring (issue 8)
  std::unique_ptr<AioProcesses> aio_wl_;
  // streams (either host path)
  std::unique_ptr<StreamClients> stream_wl_;
  // nvme (platform.device: nvme)
  std::unique_ptr<PciMaster> nvme_dma_master_;
  std::unique_ptr<PciDma> nvme_dma_;
  std::unique_ptr<NvmeQueueMemory> nvme_queues_;
  std::unique_ptr<NvmeController> nvme_;
  std::unique_ptr<NvmeDriver> nvme_drv_;
  std::unique_ptr<PreadProcesses> nvme_wl_;

  // file server (workload.kind: file_server): the NIC, its rings, the host's
  // TCP sender, the client at the far end, the serving processes
  std::unique_ptr<PciMaster> nic_dma_master_;
  std::unique_ptr<PciDma> nic_dma_;
  std::unique_ptr<NicRings> nic_rings_;
  std::unique_ptr<Nic> nic_;
  std::unique_ptr<NetStack> net_;
  std::unique_ptr<NetClient> client_;
  std::unique_ptr<FileServer> file_wl_;

  IoTally* tally_ = nullptr;
  std::vector<Reporter*> reporters_;
};

} // namespace iosim
