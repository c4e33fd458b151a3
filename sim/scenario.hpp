#pragma once
// A scenario as typed, validated structs: the platform (one description for
// both I/O paths; they differ only in `io_path`), the workload, and the run
// controls. Filled from YAML by load_scenario() (sim/scenario_loader.cpp);
// every field has a default and SI units.
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/disk/disk_params.hpp"
#include "model/fault/fault.hpp"
#include "model/hba/lsi53c1030.hpp"
#include "model/nvme/nvme_params.hpp"
#include "model/net/net_params.hpp"
#include "model/host/async_driver.hpp"
#include "model/host/host_params.hpp"
#include "model/host/io_uring.hpp"
#include "model/host/kernel_aio.hpp"
#include "model/host/posix_aio.hpp"
#include "model/host/sync_driver.hpp"
#include "model/pcix/host_memory.hpp"
#include "model/pcix/pci_master.hpp"
#include "model/pcix/pcix_params.hpp"
#include "model/scsi/scsi_bus.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "model/workload/access_pattern.hpp"
#include "model/workload/stream_clients.hpp"
#include "sim/config/reader.hpp"

#include <limits>
#include <string>
#include <vector>

namespace iosim {

// The host I/O stack: the Linux 2.4 blocking read through LSI 53C1030 HBAs,
// or the paper's card with its rings; POSIX AIO in a library (a pool of
// threads doing blocking reads) or kernel AIO (io_submit / io_getevents),
// both over the sync stack's block layer and HBAs.
enum class IoPath { Sync, Async, PosixAio, Kaio, Uring };
template <> struct EnumNames<IoPath> {
  static constexpr std::array<std::pair<IoPath, const char*>, 5> table{
      {{IoPath::Sync, "sync"}, {IoPath::Async, "async"}, {IoPath::PosixAio, "posix_aio"}, {IoPath::Kaio, "kaio"},
       {IoPath::Uring, "uring"}}};
};
// closed: N blocking processes; open: a rate (Poisson); storage: no host model;
// streams: streaming clients with periods and deadlines (either host path).
// file_server (issue 8): processes serving a cached file to a client over
// TCP through the NIC (platform.net, workload.file_server).
enum class WorkloadKind { Closed, Open, Storage, Streams, FileServer };
template <> struct EnumNames<WorkloadKind> {
  static constexpr std::array<std::pair<WorkloadKind, const char*>, 5> table{
      {{WorkloadKind::Closed, "closed"}, {WorkloadKind::Open, "open"}, {WorkloadKind::Storage, "storage"},
       {WorkloadKind::Streams, "streams"}, {WorkloadKind::FileServer, "file_server"}}};
};
// Storage workload target: every disk (RAID0), the disks of bus 0 striped, or the first disk.
enum class StorageTarget { Raid0, Bus, Disk };
template <> struct EnumNames<StorageTarget> {
  static constexpr std::array<std::pair<StorageTarget, const char*>, 3> table{
      {{StorageTarget::Raid0, "raid0"}, {StorageTarget::Bus, "bus"}, {StorageTarget::Disk, "disk"}}};
};

// The storage device behind the host: the x342's SCSI disks (RAID0, either
// io_path), or one PCIe NVMe SSD with its own driver (issue 8, deliverable 6;
// platform.nvme, sim/platform.cpp build_nvme).
enum class PlatformDevice { Scsi, Nvme };
template <> struct EnumNames<PlatformDevice> {
  static constexpr std::array<std::pair<PlatformDevice, const char*>, 2> table{
      {{PlatformDevice::Scsi, "scsi"}, {PlatformDevice::Nvme, "nvme"}}};
};

struct PlatformConfig {
  IoPath io_path = IoPath::Async;
  HostParams host;
  PcixBusParams pci = PcixBusParams::preset("pcix-64-133");
  PciMasterParams host_bridge = PciMasterParams::host_cpu();
  HostMemoryParams memory;
  int buses = 2;                   // paper: two Ultra320 buses
  int disks_per_bus = 10;          // paper: 10 disks per bus
  ScsiBusParams scsi;
  DiskParams disk;
  uint64_t stripe_bytes = 8192ull * 1024;  // paper: 8192 KB stripe unit
  // sync path
  SyncDriverParams sync;
  Lsi53c1030Params hba;
  // async path
  AsyncDriverParams async;
  FirmwareParams firmware;
  QueueControllerParams queue_ctrl;
  int card_tags_per_disk = 64;     // commands the card keeps outstanding per disk
  // posix_aio / kaio paths (over the sync path's block layer and HBAs)
  PosixAioParams posix_aio;
  KernelAioParams kaio;
  // uring path (issue 8: io_uring-style rings over the same block layer)
  IoUringParams uring;
  // NVMe platform (platform.device: nvme): the SSD, its link and the driver.
  PlatformDevice device = PlatformDevice::Scsi;
  NvmeParams nvme;
  // Network path (issue 8; workload.kind: file_server): the NIC, the host's
  // TCP sender + driver, the client (model/net).
  NicParams nic;
  NetStackParams net;
  NetClientParams client;
};

struct WorkloadConfig {
  WorkloadKind kind = WorkloadKind::Open;
  AccessParams access;
  int processes = 16;
  double rate = 1000;              // requests/s (open, storage open loop)
  int queue_depth = 0;             // storage: > 0 closed loop at this depth
  uint64_t max_outstanding = 1024; // storage open loop: arrivals beyond this many in flight are dropped (StorageInitiator)
  StorageTarget target = StorageTarget::Raid0;  // storage workload only
  StreamParams streams;            // kind streams (workload.streams.*)
  // closed on the posix_aio / kaio paths (model/workload/aio_processes.hpp):
  int iodepth = 1;                 // requests each process keeps outstanding
  bool batch = false;              // submit them in one call (lio_listio, io_submit of n iocbs)
  FileServerParams file_server;    // kind file_server (workload.file_server.*)
};

struct RunConfig {
  uint64_t seed = 1;
  double warmup_s = 0.5;
  double duration_s = 2.0;
  double drain_limit_s = 120.0;    // after the window: every request must complete within this (a full ring of 1 MiB reads takes ~25 s)
  double vcd_begin_s = 0;
  double vcd_end_s = std::numeric_limits<double>::infinity();
  std::vector<std::string> vcd_signals;  // glob patterns; empty = all
};

// One entry of `faults:` (issue 11; model/fault/fault.hpp). target: a disk
// by its place under top, "scsi<b>.disk<i>".
struct FaultConfig {
  FaultKind kind = FaultKind::MediaError;
  std::string target;
  int bus = 0, disk = 0;
  double at_s = 0;                 // media_error: from then on; disk_failure: when
  double probability = 0;          // media_error: per sector read
  std::vector<uint64_t> blocks;    // media_error: LBAs on the disk, unreadable
  int retries = DiskFaults{}.retries;
  double recover = 0;
  bool awre = DiskFaults{}.awre;   // media_error: writes reassign grown defects (mode page 01h AWRE)
  // disk_hang: how long (infinity: forever). Card faults (issue 11; target
  // "card"): firmware_stall from at_s for duration_s (infinity: until the
  // host resets the card). lost_ring_update, pci_master_abort: `probability`
  // per completion / DMA write from at_s on, or (probability 0) once, at the
  // first event at or after at_s.
  double duration_s = std::numeric_limits<double>::infinity();
  bool recover_on_reset = false;   // disk_hang: a bus reset ends it
};

struct Scenario {
  std::string source;              // file it came from
  std::string name;
  PlatformConfig platform;
  WorkloadConfig workload;
  RunConfig run;
  // Provenance: every key the loader read, its value in SI units and where it
  // came from (default, file:line:col, --set); written into every results file.
  config::EffectiveConfig effective;
  std::vector<FaultConfig> faults;
};

// Loads, merges includes, applies --set overrides, validates. Throws
// config::ConfigError (file:line:col, key, hint) on any bad input.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets);
// The same from text (the loader's fuzz target, tests); includes resolve against `dir`.
Scenario load_scenario_string(const std::string& text, const std::string& name,
                              const std::vector<std::string>& sets = {}, const std::string& dir = ".");

} // namespace iosim
