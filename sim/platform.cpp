#include "sim/platform.hpp"

#include "model/common/hierarchy.hpp"
#include "model/stats/request_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

namespace {
// The SCSI bus phases of one command's two connections (selection with the
// command, reselection with the last data and status), for the closed-form
// round-time bound (model/common/cm_bounds.hpp): from the bus's parameters.
double scsi_path_s(const ScsiBusParams& s) {
  return 2 * (s.bus_free_delay_s + s.arbitration_delay_s + s.bus_set_delay_s + s.bus_settle_delay_s +
              s.initiator_latency_s);
}
}  // namespace

ScsiChannel::ScsiChannel(sc_module_name name, const ScsiBusParams& bp, const DiskParams& dp, int n)
    : sc_module(name), bus("bus", bp) {
  for (int i = 0; i < n; ++i) {
    disks.emplace_back(new Disk(("disk" + std::to_string(i)).c_str(), dp));
    bind_scsi_target(bus, target_id(i), *disks.back());
  }
}

Platform::Platform(sc_module_name name, const Scenario& sc, RequestLedger& ledger)
    : sc_module(name), pci_("pci", sc.platform.pci), mem_("mem", sc.platform.memory) {
  const PlatformConfig& p = sc.platform;
  // Targets on the PCI bus, in bind order: host memory first.
  pci_.isock.bind(mem_.socket);
  pci_.map(0, 0, kMemSize, "mem");
  pci_.name_master(0, "host");
  if (p.device == PlatformDevice::Nvme) {  // no SCSI side: the host, the link and the SSD
    build_nvme(sc, ledger);
    reporters_.push_back(&pci_);
    reporters_.push_back(tally_);
    if (RequestTrace* t = request_trace()) name_request_trace(*t, sc);
    SC_METHOD(start);
    return;
  }

  std::vector<uint64_t> caps;
  for (int b = 0; b < p.buses; ++b) {
    ch_.emplace_back(new ScsiChannel(("scsi" + std::to_string(b)).c_str(), p.scsi, p.disk, p.disks_per_bus));
    reporters_.push_back(&ch_.back()->bus);
  }
  // RAID0 member k sits on bus k % buses, so consecutive stripe units alternate
  // buses (the usual layout; the paper does not say).
  for (int k = 0; k < p.buses * p.disks_per_bus; ++k) {
    members_.emplace_back(k % p.buses, ScsiChannel::target_id(k / p.buses));
    caps.push_back(ch_[size_t(k % p.buses)]->disks[size_t(k / p.buses)]->capacity_blocks());
  }
  for (auto& c : ch_)
    for (auto& d : c->disks) reporters_.push_back(d.get());
  // Faults (issue 11): each entry adds to its disk's DiskFaults.
  {
    std::vector<DiskFaults> df(size_t(p.buses * p.disks_per_bus));
    for (const FaultConfig& f : sc.faults) {
      if (is_card_fault(f.kind)) continue;  // build_async
      DiskFaults& d = df[size_t(f.bus * p.disks_per_bus + f.disk)];
      if (f.kind == FaultKind::DiskFailure) {
        d.fail_at_s = std::min(d.fail_at_s, f.at_s);
        continue;
      }
      if (f.kind == FaultKind::DiskHang) {  // issue 11: a drive that stops answering
        d.hang_at_s = f.at_s;
        d.hang_until_s = f.at_s + f.duration_s;
        d.recover_on_reset = f.recover_on_reset;
        ch_[size_t(f.bus)]->bus.trace_rst();  // its bus may be reset: RST in the waveform
        continue;
      }
      d.sector_probability = f.probability;
      d.bad_blocks.insert(d.bad_blocks.end(), f.blocks.begin(), f.blocks.end());
      d.media_from_s = f.at_s;
      d.retries = f.retries;
      d.recover = f.recover;
      d.awre = f.awre;
    }
    for (size_t i = 0; i < df.size(); ++i) {
      if (!df[i].any()) continue;
      std::sort(df[i].bad_blocks.begin(), df[i].bad_blocks.end());
      df[i].bad_blocks.erase(std::unique(df[i].bad_blocks.begin(), df[i].bad_blocks.end()), df[i].bad_blocks.end());
      ch_[i / size_t(p.disks_per_bus)]->disks[i % size_t(p.disks_per_bus)]->set_faults(df[i], sc.run.seed);
    }
  }
  geo_ = make_raid0_geometry(caps, p.stripe_bytes);

  // The host CPUs reach devices through the host bridge: master 0.
  cpu_master_.reset(new PciMaster("host_bridge", p.host_bridge));
  cpu_master_->socket.bind(pci_.tsock);
  if (sc.workload.kind == WorkloadKind::Storage) build_storage(sc, ledger);
  else {
    pio_.reset(new PciPio(*cpu_master_));
    os_.reset(new HostOs("host", p.host));
    os_->pio.bind(*pio_);
    reporters_.push_back(os_.get());
    if (sc.workload.kind == WorkloadKind::FileServer) build_file_server(sc, ledger);  // issue 8
    else if (p.io_path == IoPath::Sync) build_sync(sc, ledger);
    else if (p.io_path == IoPath::PosixAio) build_posix_aio(sc, ledger);
    else if (p.io_path == IoPath::Kaio) build_kaio(sc, ledger);
    else if (p.io_path == IoPath::Uring) build_uring(sc, ledger);
    else build_async(sc, ledger);
  }
  reporters_.push_back(&pci_);
  reporters_.push_back(tally_);
  if (RequestTrace* t = request_trace()) name_request_trace(*t, sc);
  SC_METHOD(start);
}

Platform::~Platform() = default;

void Platform::build_sync(const Scenario& sc, RequestLedger& ledger) {
  if (sc.workload.kind != WorkloadKind::Closed && sc.workload.kind != WorkloadKind::Streams)
    throw std::invalid_argument("the sync path runs the closed-loop workload (workload.kind: closed) or streams");
  build_block_path(sc);
  if (sc.workload.kind == WorkloadKind::Streams) {  // a blocking process per stream, or a pool (streams.pool)
    stream_wl_.reset(new StreamClients("workload", *os_, sc.workload.streams, geo_.capacity_blocks(), true, 0,
                                       sc.run.seed, sc.run.warmup_s + sc.run.duration_s, ledger));
    stream_wl_->stack.bind(*sync_drv_);
    sync_drv_->done.bind(*stream_wl_);
    tally_ = stream_wl_.get();
    return;
  }
  sync_wl_.reset(new SyncProcesses("workload", *os_, sc.workload.access, geo_.capacity_blocks(),
                                   sc.workload.processes, sc.run.seed, ledger));
  sync_wl_->stack.bind(*sync_drv_);
  sync_drv_->done.bind(*sync_wl_);
  tally_ = sync_wl_.get();
}

// The Linux block path every stack but the card's shares: the md RAID0 +
// elevator + SCSI mid-layer + mptscsih driver (top.host.sd), its MPT frame
// pool in host memory and the LSI 53C1030 HBAs on PCI, one per SCSI bus.
// The caller binds the driver's `done` (its upper layer).
void Platform::build_block_path(const Scenario& sc) {
  const PlatformConfig& p = sc.platform;
  std::vector<uint64_t> bases;
  std::vector<DiskRoute> routes;
  for (const auto& [bus, id] : members_) routes.push_back({bus, id});
  for (int b = 0; b < p.buses; ++b) bases.push_back(kHbaBase + uint64_t(b) * 0x10000);
  {
    ChildScope in_mem(mem_);  // the frame pool is host memory: top.mem.mpt_frames
    frames_.reset(new MptFrameMemory("mpt_frames"));
  }
  {
    ChildScope in_host(*os_);  // the driver runs in the host's kernel: top.host.sd
    SyncDriverParams sp = p.sync;
    sp.round_bound = CmDiskBound::of(p.disk, scsi_path_s(p.scsi));
    sp.report_errors = !sc.faults.empty();
    sync_drv_.reset(new SyncDriver("sd", *os_, sp, geo_, routes, bases));
  }
  sync_drv_->frames.bind(*frames_);
  for (int b = 0; b < p.buses; ++b) {
    const std::string n = "hba" + std::to_string(b);
    hba_dma_master_.emplace_back(new PciMaster((n + "_dma").c_str(), PciMasterParams::device()));
    hba_dma_master_.back()->socket.bind(pci_.tsock);
    pci_.name_master(1 + b, n);
    hba_dma_.emplace_back(new PciDma(*hba_dma_master_.back()));
    ScsiInitiatorParams ip;
    ip.per_target_limit = p.sync.queue_depth;
    ip.port_limit = p.sync.can_queue;
    hba_scsi_.emplace_back(new ScsiInitiator((n + "_scsi").c_str(), ip));
    bind_scsi_initiator(ch_[size_t(b)]->bus, *hba_scsi_.back());
    Lsi53c1030Params hp = p.hba;
    hp.reply_frames_base = p.hba.reply_frames_base + uint64_t(b) * 0x10000;  // each chip its own reply frames
    hp.report_errors = !sc.faults.empty();
    for (const FaultConfig& f : sc.faults)  // issue 11: a master abort on this chip's DMA (model/hba/README.md)
      if (f.kind == FaultKind::PciMasterAbort && f.target == n) {
        EventFault e;
        e.probability = f.probability;
        if (f.probability > 0) e.from_s = f.at_s;
        else e.at_s = f.at_s;
        hba_dma_master_.back()->set_abort_fault(e, sc.run.seed);
        hp.report_master_aborts = true;
      }
    hba_.emplace_back(new Lsi53c1030(n.c_str(), hp));
    Lsi53c1030& hba = *hba_.back();
    hba.dma.bind(*hba_dma_.back());
    hba.frames.bind(*frames_);
    hba.scsi.bind(hba_scsi_.back()->port());
    hba.scsi_tm.bind(*hba_scsi_.back());  // task management (issue 11)
    hba.irq.bind(os_->irq_line(b));  // the driver's ISR for adapter b is on line b
    pci_.isock.bind(hba.regs);
    pci_.map(1 + b, bases[size_t(b)], 0x10000, n);
    reporters_.push_back(&hba);
    reporters_.push_back(hba_scsi_.back().get());
  }
  reporters_.push_back(sync_drv_.get());
}

// The workload over an asynchronous stack on the block path (posix_aio,
// kaio): open loop (the async test program) or closed loop with iodepth.
template <class Stack>
void Platform::bind_aio_workload(const Scenario& sc, RequestLedger& ledger, Stack& stack) {
  if (sc.workload.kind == WorkloadKind::Open) {
    async_wl_.reset(new AsyncProcesses("workload", *os_, sc.workload.access, geo_.capacity_blocks(),
                                       sc.workload.processes, sc.workload.rate, sc.run.seed, ledger));
    async_wl_->stack.bind(stack);
    stack.done.bind(*async_wl_);
    tally_ = async_wl_.get();
    return;
  }
  if (sc.workload.kind != WorkloadKind::Closed)
    throw std::invalid_argument("the posix_aio and kaio paths run the open or closed workload");
  aio_wl_.reset(new AioProcesses("workload", *os_, sc.workload.access, geo_.capacity_blocks(), sc.workload.processes,
                                 sc.workload.iodepth, sc.workload.batch, sc.run.seed, ledger));
  aio_wl_->stack.bind(stack);
  aio_wl_->aio.bind(stack);
  stack.done.bind(*aio_wl_);
  tally_ = aio_wl_.get();
}

// A host I/O stack over the sync driver's block layer: the block path, then
// the stack as a child of the host (top.host.<name>), its `sd` port on the
// driver and the driver's completions back to it.
template <class Stack, class Params>
Stack& Platform::stack_on_block_path(const Scenario& sc, std::unique_ptr<Stack>& stack, const char* name, Params p) {
  build_block_path(sc);
  p.report_errors = !sc.faults.empty();
  {
    ChildScope in_host(*os_);
    stack.reset(new Stack(name, *os_, p));
  }
  stack->sd.bind(*sync_drv_);
  sync_drv_->done.bind(*stack);
  reporters_.push_back(stack.get());
  return *stack;
}

// POSIX AIO in the C library (top.host.paio): its helper threads read through
// the sync driver.
void Platform::build_posix_aio(const Scenario& sc, RequestLedger& ledger) {
  bind_aio_workload(sc, ledger, stack_on_block_path(sc, posix_aio_, "paio", sc.platform.posix_aio));
}

// Kernel AIO (top.host.kaio): io_submit into the sync driver's block layer,
// aio_complete from its bottom half.
void Platform::build_kaio(const Scenario& sc, RequestLedger& ledger) {
  bind_aio_workload(sc, ledger, stack_on_block_path(sc, kaio_, "kaio", sc.platform.kaio));
}

// io_uring-style rings (top.host.uring, issue 8): SQEs into the sync
// driver's block layer (by io_uring_enter or the SQ thread), CQEs from its
// bottom half or, with IOPOLL, from the SQ thread's polls of the HBAs.
void Platform::build_uring(const Scenario& sc, RequestLedger& ledger) {
  IoUring& u = stack_on_block_path(sc, uring_, "uring", sc.platform.uring);
  u.blk.bind(*sync_drv_);  // IOPOLL: the SQ thread polls the HBAs
  bind_aio_workload(sc, ledger, u);
}

void Platform::build_async(const Scenario& sc, RequestLedger& ledger) {
  const PlatformConfig& p = sc.platform;
  if (sc.workload.kind != WorkloadKind::Open && sc.workload.kind != WorkloadKind::Streams)
    throw std::invalid_argument("the async path runs the open-loop workload (workload.kind: open) or streams");
  IoCardParams cp;
  cp.queue_ctrl = p.queue_ctrl;
  cp.firmware = p.firmware;
  cp.tags_per_disk = p.card_tags_per_disk;
  cp.firmware.tags_per_disk = p.card_tags_per_disk;  // the bound on a firmware backlog's commands out per disk
  cp.firmware.round_bound = CmDiskBound::of(p.disk, scsi_path_s(p.scsi));
  cp.firmware.report_errors = !sc.faults.empty();
  cp.firmware.irq = p.async.completion != CardCompletion::Poll;  // issue 8: the firmware rings its doorbell
  cp.bar_base = kCardBase;
  // Card faults (issue 11): the firmware's stalls and lost ring updates, the
  // DMA engine's master aborts (model/card/README.md, "Faults").
  for (const FaultConfig& f : sc.faults) {
    CardFaults& cf = cp.firmware.faults;
    if (f.kind == FaultKind::FirmwareStall) cf.stalls.push_back({f.at_s, f.duration_s});
    if (f.kind != FaultKind::LostRingUpdate && f.kind != FaultKind::PciMasterAbort) continue;
    if (f.target != "card") continue;  // (an LSI HBA's: build_block_path)
    EventFault& e = f.kind == FaultKind::LostRingUpdate ? cf.lost_update : cf.master_abort;
    e.probability = f.probability;
    if (f.probability > 0) e.from_s = f.at_s;
    else e.at_s = f.at_s;
  }
  std::sort(cp.firmware.faults.stalls.begin(), cp.firmware.faults.stalls.end(),
            [](const CardFaults::Stall& a, const CardFaults::Stall& b) { return a.at_s < b.at_s; });
  cp.firmware.seed = sc.run.seed;
  card_.reset(new IoCard("card", cp, int(ch_.size()), members_, geo_));
  for (size_t b = 0; b < ch_.size(); ++b) bind_scsi_initiator(ch_[b]->bus, card_->controller(b));
  card_->dma_master.socket.bind(pci_.tsock);
  pci_.name_master(1, "card");
  pci_.isock.bind(card_->mem.bar);
  pci_.map(1, kCardBase, card_->mem.layout().bar_bytes(), "card");  // rings + the messaging unit's page
  // The card's INTA# (issue 8): the host line after the HBAs' (0 .. buses-1).
  // Always bound; raised only with platform.async.completion irq or hybrid.
  const int card_irq_line = p.buses;
  card_->irq.bind(os_->irq_line(card_irq_line));
  for (Reporter* r : card_->reporters()) reporters_.push_back(r);
  AsyncDriverParams ap = p.async;
  ap.irq_line = card_irq_line;
  ap.bar_base = kCardBase;
  ap.report_errors = !sc.faults.empty();
  {
    ChildScope in_host(*os_);  // top.host.aio
    async_drv_.reset(new AsyncDriver("aio", *os_, ap, card_->mem.layout()));
  }
  reporters_.push_back(async_drv_.get());
  if (sc.workload.kind == WorkloadKind::Streams) {  // workload.processes issuers, never blocking on a read
    stream_wl_.reset(new StreamClients("workload", *os_, sc.workload.streams, geo_.capacity_blocks(), false,
                                       sc.workload.processes, sc.run.seed, sc.run.warmup_s + sc.run.duration_s,
                                       ledger));
    stream_wl_->stack.bind(*async_drv_);
    async_drv_->done.bind(*stream_wl_);
    tally_ = stream_wl_.get();
    return;
  }
  async_wl_.reset(new AsyncProcesses("workload", *os_, sc.workload.access, geo_.capacity_blocks(),
                                     sc.workload.processes, sc.workload.rate, sc.run.seed, ledger));
  async_wl_->stack.bind(*async_drv_);
  async_drv_->done.bind(*async_wl_);
  tally_ = async_wl_.get();
}

void Platform::build_storage(const Scenario& sc, RequestLedger& ledger) {
  std::vector<BlockDevice*> devs;
  for (size_t b = 0; b < ch_.size(); ++b) {
    raw_scsi_.emplace_back(new ScsiInitiator(("adapter" + std::to_string(b)).c_str()));
    bind_scsi_initiator(ch_[b]->bus, *raw_scsi_.back());
    reporters_.push_back(raw_scsi_.back().get());
  }
  // The views' capacities are the disks' (asked of the disks: the ports are
  // not bound until elaboration ends).
  std::vector<uint64_t> caps;
  for (size_t k = 0; k < members_.size(); ++k) {
    const auto [bus, id] = members_[k];
    if (sc.workload.target == StorageTarget::Bus && bus != 0) continue;
    devs.push_back(&raw_scsi_[size_t(bus)]->target(id));
    caps.push_back(ch_[size_t(bus)]->disks[k / ch_.size()]->capacity_blocks());
  }
  BlockDevice* target = devs[0];
  const uint64_t target_blocks = caps[0];
  if (sc.workload.target != StorageTarget::Disk) {  // raid0: every disk; bus: the disks of bus 0, striped
    volume_.reset(new Raid0Volume("raid0", caps, sc.platform.stripe_bytes));
    for (BlockDevice* d : devs) volume_->members.bind(*d);
    reporters_.push_back(volume_.get());
    target = volume_.get();
  }
  storage_wl_.reset(new StorageInitiator("workload", volume_ ? volume_->capacity_blocks() : target_blocks, sc.workload.access,
                                         sc.workload.queue_depth, sc.workload.rate, sc.run.seed, ledger,
                                         sc.workload.max_outstanding));
  storage_wl_->device.bind(*target);
  tally_ = storage_wl_.get();
}

// The per-request trace names the stack and, per request, the disks it
// touched: the RAID0 members its range maps onto (or the one disk a storage
// run addresses), as scsiB.diskK.
void Platform::name_request_trace(RequestTrace& t, const Scenario& sc) {
  if (sc.platform.device == PlatformDevice::Nvme) {  // one SSD
    t.set_stack(std::string("nvme_") + to_string(sc.platform.nvme.driver.completion));
    t.set_router([](const IoRequest&, std::string& out) { out += "nvme"; });
    return;
  }
  const bool storage = sc.workload.kind == WorkloadKind::Storage;
  t.set_stack(storage ? std::string("storage_") + to_string(sc.workload.target) : to_string(sc.platform.io_path));
  std::vector<std::string> names;
  for (size_t k = 0; k < members_.size(); ++k)
    if (!storage || sc.workload.target != StorageTarget::Bus || members_[k].first == 0)
      names.push_back(fmt::format("scsi{}.disk{}", members_[k].first, k / size_t(sc.platform.buses)));
  if (storage && sc.workload.target == StorageTarget::Disk) {
    t.set_router([n = names[0]](const IoRequest&, std::string& out) { out += n; });
    return;
  }
  const Raid0Geometry g = volume_ ? volume_->geometry() : geo_;
  t.set_router([g, names, pieces = std::vector<Raid0Piece>()](const IoRequest& r, std::string& out) mutable {
    if (r.blocks == 0 || r.lba + r.blocks > g.capacity_blocks()) return;  // out of range: it touched none
    raid0_map(g, r.lba, r.blocks, pieces);
    for (size_t i = 0; i < pieces.size(); ++i) out += (i ? ";" : "") + names[pieces[i].member];
  });
}

// One PCIe NVMe SSD on a current host (issue 8, deliverable 6): the link is
// the PCI bus model with two masters (host bridge 0, the SSD 1) and two
// targets (host memory, the SSD's BAR); SQs and CQs in host memory
// (top.mem.nvme_queues); CQ q's MSI-X vector on HostOs line q.
void Platform::build_nvme(const Scenario& sc, RequestLedger& ledger) {
  const PlatformConfig& p = sc.platform;
  const NvmeParams& np = p.nvme;
  if (sc.workload.kind != WorkloadKind::Closed)
    throw std::invalid_argument("the nvme platform runs the closed-loop workload (workload.kind: closed)");
  cpu_master_.reset(new PciMaster("host_bridge", p.host_bridge));
  cpu_master_->socket.bind(pci_.tsock);
  pio_.reset(new PciPio(*cpu_master_));
  os_.reset(new HostOs("host", p.host));
  os_->pio.bind(*pio_);
  reporters_.push_back(os_.get());
  const int queues = np.device.queues > 0 ? np.device.queues : p.host.cpus;
  {
    ChildScope in_mem(mem_);  // the rings are host memory: top.mem.nvme_queues
    nvme_queues_.reset(new NvmeQueueMemory("nvme_queues", queues, np.device.queue_entries));
  }
  const bool irq = np.driver.completion == NvmeCompletion::Interrupt;  // poll/hybrid: poll queues, no vector
  nvme_.reset(new NvmeController("nvme", np.device, std::vector<bool>(size_t(queues), irq)));
  nvme_dma_master_.reset(new PciMaster("nvme_dma", np.device.dma()));
  nvme_dma_master_->socket.bind(pci_.tsock);
  pci_.name_master(1, "nvme");
  nvme_dma_.reset(new PciDma(*nvme_dma_master_));
  nvme_->dma.bind(*nvme_dma_);
  nvme_->queues.bind(*nvme_queues_);
  pci_.isock.bind(nvme_->bar);
  pci_.map(1, kHbaBase, NvmeController::kBarBytes, "nvme");
  for (int q = 0; q < queues; ++q) nvme_->msix.bind(os_->irq_line(q));
  reporters_.push_back(nvme_.get());
  {
    ChildScope in_host(*os_);  // the driver runs in the host's kernel: top.host.nvme
    nvme_drv_.reset(new NvmeDriver("nvme", *os_, np.driver, queues, kHbaBase, 0));
  }
  nvme_drv_->queues.bind(*nvme_queues_);
  reporters_.push_back(nvme_drv_.get());
  nvme_wl_.reset(new PreadProcesses("workload", *os_, sc.workload.access, nvme_->capacity_blocks(),
                                    sc.workload.processes, sc.run.seed, ledger, np.driver.slice_s));
  nvme_wl_->stack.bind(*nvme_drv_);
  nvme_wl_->io_wait.bind(*nvme_drv_);
  nvme_drv_->done.bind(*nvme_wl_);
  tally_ = nvme_wl_.get();
}

// A file server (issue 8, deliverable 2): a 3c59x-class NIC on the PCI bus
// (master 1, its registers target 1 at kNicBase, INTA# on the host line
// after the HBAs' and the card's), its descriptor lists in host memory
// (top.mem.nic_rings), the host's TCP sender and driver (top.host.net), the
// client at the far end of the link (top.client) and the serving processes.
// The file is in the page cache, or (source: disk) on the RAID0 volume, read
// through the sync path's block layer and HBAs (build_block_path).
void Platform::build_file_server(const Scenario& sc, RequestLedger& ledger) {
  const PlatformConfig& p = sc.platform;
  const int line = p.buses + 1;
  const bool from_disk = sc.workload.file_server.source == FileSource::Disk;
  if (from_disk) build_block_path(sc);  // the HBAs take PCI masters and targets 1 .. buses
  const int idx = from_disk ? p.buses + 1 : 1;
  {
    ChildScope in_mem(mem_);
    nic_rings_.reset(new NicRings("nic_rings", p.nic));
  }
  nic_.reset(new Nic("nic", p.nic));
  nic_dma_master_.reset(new PciMaster("nic_dma", PciMasterParams::device()));
  nic_dma_master_->socket.bind(pci_.tsock);
  pci_.name_master(idx, "nic");
  nic_dma_.reset(new PciDma(*nic_dma_master_));
  nic_->dma.bind(*nic_dma_);
  nic_->rings.bind(*nic_rings_);
  nic_->irq.bind(os_->irq_line(line));
  pci_.isock.bind(nic_->regs);
  pci_.map(idx, kNicBase, Nic::kBarBytes, "nic");
  reporters_.push_back(nic_.get());
  NetStackParams np = p.net;
  np.irq_line = line;
  np.bar_base = kNicBase;
  {
    ChildScope in_host(*os_);  // the stack runs in the host's kernel: top.host.net
    net_.reset(new NetStack("net", *os_, np, p.nic, p.sync.copy_bandwidth, sc.workload.file_server.connections));
  }
  net_->rings.bind(*nic_rings_);
  reporters_.push_back(net_.get());
  client_.reset(new NetClient("client", p.client, p.nic, sc.workload.file_server.connections));
  nic_->wire.bind(*client_);
  client_->wire.bind(*nic_);
  reporters_.push_back(client_.get());
  FileReadCosts rc;
  rc.page_lookup_cycles = p.sync.page_lookup_cycles;  // the buffered read path's find_get_page
  rc.copy_bandwidth = p.sync.copy_bandwidth;           // and its copy_to_user rate
  file_wl_.reset(new FileServer("workload", *os_, sc.workload.file_server, p.net.cost, rc, ledger,
                                from_disk ? geo_.capacity_blocks() : 0));
  file_wl_->sock.bind(*net_);
  net_->done.bind(*file_wl_);
  if (from_disk) {  // the file on the RAID0 volume, read through the sync path
    file_wl_->disk.bind(*sync_drv_);
    sync_drv_->done.bind(*file_wl_);
  }
  tally_ = file_wl_.get();
}

void Platform::start() {
  if (file_wl_) file_wl_->start();
  if (nvme_wl_) nvme_wl_->start();
  if (sync_wl_) sync_wl_->start();
  if (kaio_) kaio_->start();
  if (uring_) uring_->start();
  if (aio_wl_) aio_wl_->start();
  if (async_wl_) {
    if (async_drv_) async_drv_->start();
    async_wl_->start();
  }
  if (stream_wl_) {
    if (async_drv_) async_drv_->start();
    stream_wl_->start();
  }
}

void Platform::stop_workload() {
  if (file_wl_) file_wl_->stop();
  if (nvme_wl_) nvme_wl_->stop();
  if (sync_wl_) sync_wl_->stop();
  if (async_wl_) async_wl_->stop();
  if (aio_wl_) aio_wl_->stop();
  if (storage_wl_) storage_wl_->stop();
  if (stream_wl_) stream_wl_->stop();
  tally_->stop_counting();
}

} // namespace iosim
