// YAML -> Scenario. Every key the simulator understands is read here into the
// typed structs; each key's type, unit kind, default and bounds come from the
// key table (sim/keys.cpp, through Reader::get/read), and
// config::Reader::finish() then rejects anything left over (typos get a "did
// you mean"). The cross-key checks below are the loader's own. The key
// reference in scenarios/README.md is generated from the table.
#include "model/disk/disk_layout.hpp"
#include "model/disk/disksim_reader.hpp"
#include "model/raid/raid0.hpp"
#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "sim/config/units.hpp"
#include "sim/keys.hpp"
#include "sim/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace iosim {

using config::Bounds;
using config::Reader;

namespace {

// The host bridge disconnects DMA writes at a multiple of PCI-X's 128 B
// allowable disconnect boundary (model/pcix/host_memory.hpp); a smaller
// boundary is not a PCI-X bus, and 1 B makes every byte of a DMA write its
// own bus transaction (issue 11 measured x342 runs with it as hangs).
constexpr uint64_t kDisconnectBoundary = 128;

void load_host(const Reader& r, HostParams& h) {
  r.read("cpus", h.cpus);
  r.read("clock", h.clock_hz);
  r.read("timer_hz", h.hz);
  r.read("irq_affinity", h.irq_affinity);
  const Reader c = r.section("cost");
  auto& k = h.cost;
  c.read("syscall", k.syscall);
  c.read("request_setup", k.request_setup);
  c.read("request_per_page", k.request_per_page);
  c.read("sched_base", k.sched_base);
  c.read("sched_per_task", k.sched_per_task);
  c.read("ctx_switch", k.ctx_switch);
  c.read("wakeup", k.wakeup);
  c.read("irq_entry", k.irq_entry);
  c.read("timer_tick", k.timer_tick);
  c.read("user_per_io", k.user_per_io);
}

void load_pci(const Reader& r, PlatformConfig& p) {
  if (r.has("mode")) {
    const std::string m = r.get<std::string>("mode");
    p.pci = PcixBusParams::preset(m);
  }
  r.read("host_bridge_latency", p.host_bridge.host_bridge_latency);
  r.read("posted_write_cost", p.host_bridge.posted_write_cost);
  const Reader m = r.section("memory");
  m.read("bandwidth", p.memory.bandwidth);
  m.read("write_latency", p.memory.write_latency);
  m.read("read_latency", p.memory.read_latency);
  m.read("disconnect", p.memory.disconnect_bytes);
  if (p.memory.disconnect_bytes % kDisconnectBoundary)
    m.fail("disconnect",
           "must be 0 (never) or a multiple of " + std::to_string(kDisconnectBoundary) +
               " B, PCI-X's allowable disconnect boundary (got " + m.string("disconnect", "") + ")");
}

void load_scsi(const Reader& r, PlatformConfig& p) {
  r.read("buses", p.buses);
  r.read("disks_per_bus", p.disks_per_bus);
  auto& s = p.scsi;
  r.read("bus_free", s.bus_free_delay_s);
  r.read("arbitration", s.arbitration_delay_s);
  r.read("bus_set", s.bus_set_delay_s);
  r.read("settle", s.bus_settle_delay_s);
  r.read("qas", s.qas);
  r.read("fairness", s.fairness);
  r.read("retain_training", s.retain_training);
  r.read("initiator_latency", s.initiator_latency_s);
}

void load_disk(const Reader& r, DiskParams& d, SyntheticDiskSpec& g) {
  r.read("model", d.model);
  // A DiskSim drive file; loaded in check_scenario, once the scenario's own
  // keys are known good (read here so that finish() counts it as known).
  (void)r.get<std::string>("diskspecs");
  d.rpm = r.get<double>("rpm") * 60;  // rev/s -> rpm
  r.read("cylinders", g.cylinders);
  r.read("surfaces", g.surfaces);
  r.read("outer_blocks_per_track", g.outer_blocks_per_track);
  r.read("inner_blocks_per_track", g.inner_blocks_per_track);
  r.read("zones", g.zones);
  r.read("head_switch", d.head_switch);
  r.read("write_settle", d.write_settle);
  const Reader s = r.section("seek");
  s.read("single_cylinder", d.seek.single_cyl);
  s.read("a", d.seek.a);
  s.read("b", d.seek.b);
  s.read("c", d.seek.c);
  const Reader o = r.section("overheads");
  auto& v = d.overheads;
  const double read_miss = o.get<double>("read_miss");
  const double read_hit = o.get<double>("read_hit");
  const double write = o.get<double>("write");
  v.read_miss_after_read = v.read_miss_after_write = read_miss;
  v.read_hit_after_read = v.read_hit_after_write = read_hit;
  v.write_miss_after_read = v.write_miss_after_write = v.write_hit_after_read = v.write_hit_after_write = write;
  const Reader b = r.section("buffer");
  b.read("segments", d.buffer_segments);
  const uint64_t seg = b.get<uint64_t>("segment_size");
  const uint64_t ra = b.get<uint64_t>("read_ahead");
  if (seg < 512 || seg % 512) b.fail("segment_size", "must be a whole number of 512 B sectors, at least one");
  if (ra % 512) b.fail("read_ahead", "must be a whole number of 512 B sectors");
  d.segment_blocks = uint32_t(seg / 512);
  d.read_ahead_blocks = uint32_t(ra / 512);
  b.read("fast_write_level", d.fast_write_level);
  r.read("queue_depth", d.queue_depth);
  r.read("scheduler", d.scheduler);
  r.read("max_burst", d.max_burst_bytes);
  // The disk sends whole sectors per reconnection (model/disk/disk.cpp).
  if (d.max_burst_bytes % 512) r.fail("max_burst", "must be 0 (whole request) or a multiple of 512 B (whole sectors)");
  r.read("interface_sector_time", d.interface_sector_time);
}

// A disk queue's scheduling policy and its parameters (model/common/io_sched.hpp):
// `scheduler`, `gss_groups` (g, a count), `edf_quantum` (a time).
void load_io_sched(const Reader& r, IoSchedParams& s) {
  r.read("scheduler", s.kind);
  r.read("gss_groups", s.gss_groups);
  r.read("edf_quantum", s.edf_quantum_s);
}

void load_sync(const Reader& r, PlatformConfig& p) {
  auto& s = p.sync;
  r.read("queue_depth", s.queue_depth);
  r.read("can_queue", s.can_queue);
  load_io_sched(r, s.sched);
  const Reader c = r.section("cost");
  c.read("md_map", s.md_map_cycles);
  c.read("elevator", s.elevator_cycles);
  c.read("elevator_per_entry", s.elevator_per_entry);
  c.read("queuecommand", s.queuecommand_cycles);
  c.read("isr", s.isr_cycles);
  c.read("bottom_half", s.bottom_half_cycles);
  const Reader h = r.section("hba");
  auto& a = p.hba;
  h.read("iop_clock", a.iop_hz);
  h.read("iop_per_request", a.iop_cycles_per_request);
  h.read("iop_per_reply", a.iop_cycles_per_reply);
  h.read("coalesce_count", a.coalesce_count);
  h.read("coalesce_timeout", a.coalesce_timeout_s);
  // Completion mode (issue 8): irq (default) or hybrid interrupt-then-poll.
  r.read("completion", s.completion);
  const Reader y = r.section("hybrid");
  y.read("budget", s.budget);
  y.read("repoll", s.repoll_s);
  // Data path (issue 8): direct (default) or buffered through the page cache.
  r.read("io", s.io);
  r.read("page_cache", s.page_cache_bytes);
  r.read("copy_bandwidth", s.copy_bandwidth);
  r.read("readahead_pages", s.readahead_pages);
  c.read("page_lookup", s.page_lookup_cycles);
  c.read("page_alloc", s.page_alloc_cycles);
  c.read("page_reclaim", s.page_reclaim_cycles);
  r.read("bounce", s.bounce);
  c.read("bounce_page", s.bounce_page_cycles);
}

// Buffered reads (issue 8) are modelled for the blocking processes of the
// sync path only; the page-cache keys mean nothing without them.
void check_buffered(const Scenario& sc, const Reader& p, bool storage) {
  const auto& pf = sc.platform;
  const Reader s = p.section("sync");
  const SyncDriverParams s0;
  // Bounce buffers are the x342's 2.4 kernel's (its block layer under the LSI
  // driver): a property of the platform, so an async run accepts the key (the
  // card's driver DMAs to its own buffers and never calls create_bounce, as
  // on the real machine), but the storage workload has no host (and the
  // NVMe platform no sync section at all).
  if (pf.sync.bounce != SyncBounce::None && storage)
    s.fail("bounce", "bounce buffers are the host kernel's: workload.kind: storage has no host",
           "set platform.sync.bounce: none");
  if (pf.sync.bounce == SyncBounce::None && pf.sync.bounce_page_cycles != s0.bounce_page_cycles)
    s.section("cost").fail("bounce_page", "only with platform.sync.bounce: highmem (it is none)", "set platform.sync.bounce: highmem");
  if (pf.sync.io != SyncIo::Buffered) {
    const std::string why = "only with platform.sync.io: buffered (it is direct)";
    if (pf.sync.page_cache_bytes != s0.page_cache_bytes) s.fail("page_cache", why, "set platform.sync.io: buffered");
    if (pf.sync.readahead_pages != s0.readahead_pages) s.fail("readahead_pages", why, "set platform.sync.io: buffered");
    const Reader c = s.section("cost");
    if (pf.sync.page_alloc_cycles != s0.page_alloc_cycles) c.fail("page_alloc", why, "set platform.sync.io: buffered");
    if (pf.sync.page_reclaim_cycles != s0.page_reclaim_cycles) c.fail("page_reclaim", why, "set platform.sync.io: buffered");
    // The file server (issue 8) and the bounce copy use this rate too.
    if (pf.sync.copy_bandwidth != s0.copy_bandwidth && sc.workload.kind != WorkloadKind::FileServer &&
        pf.sync.bounce == SyncBounce::None)
      s.fail("copy_bandwidth", "only with platform.sync.io: buffered or bounce: highmem (they are direct, none)",
             "set platform.sync.io: buffered");
    return;
  }
  const bool file_from_disk =  // issue 8: the file server's reads go down the sync path too
      sc.workload.kind == WorkloadKind::FileServer && sc.workload.file_server.source == FileSource::Disk;
  if (file_from_disk) return;
  if (storage || pf.device != PlatformDevice::Scsi || pf.io_path != IoPath::Sync ||
      sc.workload.kind != WorkloadKind::Closed)
    s.fail("io", "buffered I/O is modelled for platform.io_path: sync with workload.kind: closed only",
           "set platform.sync.io: direct");
}

void load_async(const Reader& r, PlatformConfig& p) {
  auto& a = p.async;
  r.read("poll_period", a.poll_period_s);
  r.read("submit", a.submit_cycles);
  r.read("complete", a.complete_cycles);
  auto& q = p.queue_ctrl;
  r.read("ring_depth", q.depth);
  r.read("queue_controller", q.core);
  r.read("card_clock", q.clock_hz);
  r.read("tags_per_disk", p.card_tags_per_disk);
  const Reader f = r.section("firmware");
  auto& w = p.firmware;
  f.read("clock", w.cpu_hz);
  f.read("poll_interval", w.poll_interval_s);
  f.read("take", w.take_cycles);
  f.read("map", w.map_cycles);
  f.read("issue", w.issue_cycles);
  f.read("scsi_done", w.scsi_done_cycles);
  f.read("dma_setup", w.dma_setup_cycles);
  f.read("post", w.post_cycles);
  f.read("max_jobs", w.max_jobs);
  f.read("dma_channels", w.dma_channels);
  load_io_sched(f, w.sched);
  // Completion mode (issue 8): poll (the paper's, default), irq or hybrid.
  r.read("completion", a.completion);
  f.read("doorbell", w.doorbell_cycles);
  const Reader i = r.section("irq");
  i.read("coalesce_count", w.irq_coalesce_count);
  i.read("coalesce_timeout", w.irq_coalesce_timeout_s);
  i.read("isr", a.isr_cycles);
  i.read("softirq", a.softirq_cycles);
  const Reader y = r.section("hybrid");
  y.read("budget", a.budget);
  y.read("repoll", a.repoll_s);
}

// platform.posix_aio (model/host/posix_aio.hpp): read when it is the chosen
// stack or the section is there (so other stacks' results keep their keys).
void load_posix_aio(const Reader& r, PosixAioParams& a) {
  r.read("threads", a.threads);
  r.read("num", a.num);
  r.read("idle_time", a.idle_time_s);
  r.read("fds_per_process", a.fds_per_process);
  r.read("notify", a.notify);
  r.read("sched_param_syscalls", a.sched_param_syscalls);
  const Reader c = r.section("cost");
  c.read("call", a.call_cycles);
  c.read("enqueue", a.enqueue_cycles);
  c.read("thread_create", a.thread_create_cycles);
  c.read("thread_exit", a.thread_exit_cycles);
  c.read("pool_grow", a.pool_grow_cycles);
  c.read("complete", a.complete_cycles);
  c.read("signal_send", a.signal_send_cycles);
  c.read("signal_handle", a.signal_handle_cycles);
  c.read("callback", a.callback_cycles);
  c.read("suspend", a.suspend_cycles);
  c.read("suspend_per_aiocb", a.suspend_per_aiocb);
  c.read("return", a.return_cycles);
}

// platform.kaio (model/host/kernel_aio.hpp), read as posix_aio is.
void load_kaio(const Reader& r, KernelAioParams& k) {
  r.read("nr_events", k.nr_events);
  r.read("reapers", k.reapers);
  r.read("min_nr", k.min_nr);
  r.read("nr", k.nr);
  r.read("timeout", k.timeout_s);
  const Reader c = r.section("cost");
  c.read("submit_per_iocb", k.submit_per_iocb);
  c.read("complete", k.complete_cycles);
  c.read("getevents", k.getevents_cycles);
  c.read("getevents_per_event", k.getevents_per_event);
}

// platform.uring (model/host/io_uring.hpp), read as kaio is.
void load_uring(const Reader& r, IoUringParams& u) {
  r.read("sq_entries", u.sq_entries);
  r.read("cq_entries", u.cq_entries);
  r.read("sqpoll", u.sqpoll);
  r.read("sq_thread_idle", u.sq_thread_idle_s);
  r.read("iopoll", u.iopoll);
  r.read("poll_gap", u.poll_gap_s);
  const Reader c = r.section("cost");
  c.read("sqe", u.sqe_cycles);
  c.read("cqe", u.cqe_cycles);
  c.read("submit_per_sqe", u.submit_per_sqe);
  c.read("complete", u.complete_cycles);
  c.read("wait", u.wait_cycles);
  c.read("overflow", u.overflow_cycles);
  c.read("flush_per_cqe", u.flush_per_cqe);
}

// platform.nvme (platform.device: nvme; model/nvme/README.md has every key's
// source). Read only on an nvme platform, or when the section is there (to
// report it as out of place): other scenarios' configurations stay as they were.
void load_nvme(const Reader& r, PlatformConfig& p) {
  NvmeDeviceParams& d = p.nvme.device;
  r.read("capacity", d.capacity_bytes);
  r.read("channels", d.channels);
  r.read("dies_per_channel", d.dies_per_channel);
  r.read("stripe_channels", d.stripe_channels);
  r.read("channel_rate", d.channel_rate);
  r.read("t_read", d.t_read);
  r.read("t_command", d.t_command);
  r.read("t_complete", d.t_complete);
  r.read("queue_entries", d.queue_entries);
  r.read("queues", d.queues);
  r.read("lanes", d.lanes);
  r.read("lane_rate", d.lane_rate);
  r.read("max_payload", d.max_payload);
  r.read("max_read_request", d.max_read_request);
  NvmeDriverParams& v = p.nvme.driver;
  r.read("completion", v.completion);
  const Reader c = r.section("driver");
  c.read("submit", v.submit_cycles);
  c.read("isr", v.isr_cycles);
  c.read("complete", v.complete_cycles);
  c.read("poll_entry", v.poll_entry_cycles);
  c.read("poll_check", v.poll_check_cycles);
  c.read("hybrid_window", v.hybrid_window_s);
  c.read("hybrid_sleep", v.hybrid_sleep_s);
  c.read("slice", v.slice_s);
}

// platform.net (issue 8; model/net/README.md has every key's source). Read
// only for the file_server workload, or when the section is there (to
// report it as out of place): other scenarios' configurations stay as they were.
void load_net(const Reader& r, PlatformConfig& p) {
  r.read("link_rate", p.nic.link_rate);
  r.read("mtu", p.nic.mtu);
  r.read("framing", p.nic.framing_bytes);
  r.read("tx_ring", p.nic.tx_ring);
  r.read("rx_ring", p.nic.rx_ring);
  r.read("scatter_gather", p.nic.scatter_gather);
  r.read("csum_offload", p.nic.csum_offload);
  r.read("tx_coalesce", p.nic.tx_coalesce);
  r.read("tx_fifo", p.nic.tx_fifo_bytes);
  r.read("sndbuf", p.net.sndbuf);
  r.read("rwnd", p.net.rwnd);
  const Reader c = r.section("cost");
  NetCosts& k = p.net.cost;
  c.read("sendmsg", k.sendmsg);
  c.read("skb_alloc", k.skb_alloc);
  c.read("page_ref", k.page_ref);
  c.read("tx_per_segment", k.tx_per_segment);
  c.read("xmit", k.xmit);
  c.read("isr", k.isr);
  c.read("tx_free", k.tx_free);
  c.read("rx_frame", k.rx_frame);
  c.read("ack", k.ack);
  c.read("ack_free", k.ack_free);
  c.read("file_read", k.file_read);
  const Reader cl = r.section("client");
  cl.read("turnaround", p.client.turnaround);
  cl.read("delack", p.client.delack);
  cl.read("ack_every", p.client.ack_every);
}

// workload.file_server and platform.net's cross-key checks.
void check_net(const Reader& root, const Scenario& sc) {
  const Reader p = root.section("platform");
  const Reader w = root.section("workload");
  const PlatformConfig& pf = sc.platform;
  if (sc.workload.kind != WorkloadKind::FileServer) {
    if (p.has("net"))
      p.fail("net", "only with workload.kind: file_server", "set workload.kind: file_server, or remove platform.net");
    if (w.has("file_server"))
      w.fail("file_server", "only with workload.kind: file_server", "set workload.kind: file_server");
    return;
  }
  const Reader n = p.section("net"), f = w.section("file_server");
  if (pf.device != PlatformDevice::Scsi)
    p.fail("device", "the file server runs on the SCSI platform's host (platform.device: scsi)");
  if (sc.workload.file_server.chunk_bytes % kSectorBytes) f.fail("chunk", "must be a multiple of 512 B");
  if (sc.workload.file_server.source == FileSource::Disk && sc.workload.file_server.mode == ServeMode::Sendfile &&
      pf.sync.io == SyncIo::Buffered)
    f.fail("source", "sendfile from the disk is modelled as a direct read into the cache pages; platform.sync.io: "
                     "buffered would charge a copy_to_user sendfile does not make",
           "set platform.sync.io: direct");
  const uint64_t mss = pf.nic.mtu > pf.net.tcp_ip_header_bytes ? pf.nic.mtu - pf.net.tcp_ip_header_bytes : 0;
  if (pf.net.sndbuf < mss) n.fail("sndbuf", "smaller than one segment (" + std::to_string(mss) + " B)");
  if (pf.net.rwnd < mss) n.fail("rwnd", "smaller than one segment (" + std::to_string(mss) + " B)");
  if (pf.nic.tx_coalesce >= pf.nic.tx_ring)
    n.fail("tx_coalesce", "must be below tx_ring (" + std::to_string(pf.nic.tx_ring) +
                              "): a full ring would wait for an interrupt that never comes");
  if (pf.nic.tx_fifo_bytes < pf.nic.mtu + 18) n.fail("tx_fifo", "must hold one full frame (mtu + 18 B)");
}

// The nvme platform's cross-key checks (after finish(), like check_scenario,
// which hands over to this for an nvme platform: the SCSI side is not built).
void check_nvme(const Reader& root, Scenario& sc) {
  const Reader p = root.section("platform");
  const Reader n = p.section("nvme");
  const Reader w = root.section("workload");
  const Reader run = root.section("run");
  PlatformConfig& pf = sc.platform;
  const NvmeDeviceParams& d = pf.nvme.device;
  if (d.stripe_channels > d.channels)
    n.fail("stripe_channels", "a read cannot be spread over more channels (" + std::to_string(d.stripe_channels) +
                                  ") than the SSD has (channels: " + std::to_string(d.channels) + ")");
  if (d.max_payload & (d.max_payload - 1)) n.fail("max_payload", "must be a power of two (PCIe: 128 B .. 4096 B)");
  if (d.max_read_request & (d.max_read_request - 1))
    n.fail("max_read_request", "must be a power of two (PCIe: 128 B .. 4096 B)");
  if (sc.workload.kind != WorkloadKind::Closed)
    w.fail("kind", std::string("the nvme platform runs the closed workload (blocking or polled preads), not '") +
                       to_string(sc.workload.kind) + "'",
           "set workload.kind: closed");
  if (d.queues > pf.host.cpus)
    n.fail("queues", "more I/O queues (" + std::to_string(d.queues) + ") than host CPUs (" +
                         std::to_string(pf.host.cpus) + "): queue q serves CPU q, the rest would stay unused");
  // A queue keeps one entry empty (NVMe 1.3, 4.1.1), and every process may
  // sit on one CPU's queue: the processes must fit one SQ.
  if (uint64_t(sc.workload.processes) >= d.queue_entries)
    w.fail("processes", "more processes (" + std::to_string(sc.workload.processes) + ") than an NVMe queue holds (" +
                            std::to_string(d.queue_entries - 1) + " = platform.nvme.queue_entries - 1)",
           "raise platform.nvme.queue_entries or lower workload.processes");
  const uint64_t blocks = d.capacity_bytes / kSectorBytes;
  const uint64_t block = sc.workload.access.block_bytes / kSectorBytes;
  if (block > blocks) w.fail("block", "larger than the SSD (" + config::format_size(double(d.capacity_bytes)) + ")");
  // NLB is a 16-bit 0-based count of (here 512 B) logical blocks (NVMe 1.3, 6.9).
  if (block > 65536) w.fail("block", "larger than one NVMe read (65536 logical blocks of 512 B = 32 MiB)");
  if (sc.workload.access.align_bytes / kSectorBytes > blocks - block)
    w.fail("align", "leaves a single start position on the SSD: every request would be at block 0");
  if (!sc.faults.empty())
    root.fail("faults", "fault injection targets SCSI disks; the nvme platform has none",
              "remove the faults section");
  const auto& rc = sc.run;
  const double max_run = std::ldexp(1.0, 64) * 1e-12;
  if (rc.warmup_s + rc.duration_s + rc.drain_limit_s > max_run)
    run.fail("duration", "warmup + duration + drain_limit exceed SystemC's time range, 2^64 ps");
  if (rc.vcd_end_s < rc.vcd_begin_s)
    run.section("vcd").fail("to", "the VCD window ends (" + config::format_time(rc.vcd_end_s) + ") before it begins (" +
                                      config::format_time(rc.vcd_begin_s) + ", run.vcd.from)");
  // The link as the bus model (model/nvme/README.md).
  pf.pci = d.link();
}

// workload.streams (kind streams, model/workload/stream_clients.hpp). Read
// for every kind, so that a streams section under another kind is reported
// as misplaced rather than as unknown keys.
void load_streams(const Reader& w, WorkloadConfig& wc) {
  const Reader r = w.section("streams");
  StreamParams& s = wc.streams;
  r.read("count", s.count);
  r.read("period", s.period_s);
  // Either key, no default (check_streams wants one): read only when given,
  // so the effective configuration does not show an invalid 0 as a default.
  const double bitrate = r.has("bitrate") ? r.get<double>("bitrate") : 0;
  const uint64_t block = r.has("block") ? r.get<uint64_t>("block") : 0;
  r.read("buffer", s.buffer_periods);
  r.read("phase", s.phase);
  r.read("placement", s.placement);
  r.read("size_dist", s.size_dist);
  r.read("size_spread", s.size_spread);
  r.read("arrival_rate", s.arrival_rate);
  r.read("mean_duration", s.mean_duration_s);
  r.read("pool", s.pool);
  s.align_bytes = wc.access.align_bytes;
  // Whole sectors: a bitrate's block is rounded up to the next 512 B.
  s.block_bytes = r.has("block") ? block : uint64_t(std::ceil(bitrate * s.period_s / 512 - 1e-9)) * 512;
}

// The streams' cross-key checks, after Reader::finish() (a misspelt key is
// reported first, with its "did you mean").
void check_streams(const Reader& w, WorkloadConfig& wc) {
  const Reader r = w.section("streams");
  StreamParams& s = wc.streams;
  if (wc.kind != WorkloadKind::Streams) {
    if (w.has("streams"))
      w.fail("streams", std::string("only with workload.kind: streams (the kind is '") + to_string(wc.kind) + "')",
             "set workload.kind: streams, or remove the streams section");
    return;
  }
  if (r.has("bitrate") && r.has("block"))
    r.fail("block", "give either bitrate (block = bitrate x period) or block, not both");
  if (!r.has("bitrate") && !r.has("block"))
    w.fail(w.has("streams") ? "streams" : "kind", "streams need a bitrate (e.g. 1.5Mbit/s) or a block size per period",
           "set workload.streams.bitrate or workload.streams.block");
  if (s.block_bytes % 512) r.fail("block", "must be a multiple of 512 B");
  if (s.block_bytes == 0) r.fail("bitrate", "bitrate x period is below one byte");
  if (s.size_dist == StreamSizeDist::Constant && r.has("size_spread") && s.size_spread > 0)
    r.fail("size_spread", "has no effect with size_dist: constant", "set size_dist: uniform or normal");
  if (s.arrival_rate > 0 && !(s.mean_duration_s > 0))
    r.fail("arrival_rate", "stream arrivals need mean_duration (how long a stream plays)",
           "set workload.streams.mean_duration, e.g. 60s");
  if (s.arrival_rate == 0 && s.mean_duration_s > 0)
    r.fail("mean_duration", "has no effect without arrival_rate (streams then play for the whole run)");
}

void load_workload(const Reader& r, WorkloadConfig& w) {
  r.read("kind", w.kind);
  r.read("block", w.access.block_bytes);
  r.read("align", w.access.align_bytes);
  w.access.sequential = r.get<std::string>("pattern") == "sequential";
  r.read("write_fraction", w.access.write_fraction);
  r.read("processes", w.processes);
  r.read("rate", w.rate);
  r.read("queue_depth", w.queue_depth);
  r.read("max_outstanding", w.max_outstanding);
  r.read("target", w.target);
  // Closed loop on the asynchronous stacks: read only when given (the other
  // stacks' configurations do not list them); check_scenario says where they apply.
  if (r.has("iodepth")) r.read("iodepth", w.iodepth);
  if (r.has("batch")) r.read("batch", w.batch);
  if (w.access.block_bytes % 512) r.fail("block", "must be a multiple of 512 B");
  if (w.access.align_bytes % 512) r.fail("align", "must be a multiple of 512 B");
  // Other kinds read the section only when it is there (to report it as out
  // of place); they do not carry the streams defaults in their configuration.
  if (w.kind == WorkloadKind::Streams || r.has("streams")) load_streams(r, w);
  if (w.kind == WorkloadKind::FileServer || r.has("file_server")) {  // issue 8
    const Reader f = r.section("file_server");
    f.read("mode", w.file_server.mode);
    f.read("source", w.file_server.source);
    f.read("connections", w.file_server.connections);
    f.read("chunk", w.file_server.chunk_bytes);
  }
}

void load_run(const Reader& r, RunConfig& c) {
  r.read("seed", c.seed);
  r.read("warmup", c.warmup_s);
  r.read("duration", c.duration_s);
  r.read("drain_limit", c.drain_limit_s);
  const Reader v = r.section("vcd");
  v.read("from", c.vcd_begin_s);
  if (v.has("to")) v.read("to", c.vcd_end_s);
  // Comma-separated glob patterns on "scope.name", e.g. "top.card.*,top.scsi0.bus.*".
  const std::string sig = v.get<std::string>("signals");
  for (size_t a = 0; a < sig.size();) {
    size_t b = sig.find(',', a);
    if (b == std::string::npos) b = sig.size();
    if (b > a) c.vcd_signals.push_back(sig.substr(a, b - a));
    a = b + 1;
  }
}

// --- cross-key checks ---------------------------------------------------------
// Run after Reader::finish(), so a misspelt key or section (whose value would
// have changed what is checked here) is reported first, with its "did you mean".
// Everything a model constructor would reject is caught here, located; the
// constructors keep their own checks as a second line.

std::string fmt_time(double s) { return config::format_time(s); }

// Completion modes (issue 8): a setting that would change a mode not chosen
// is an error (a value other than its default: --dump-config writes every
// key, defaults included, and must load back); card coalescing needs a
// timeout, as the HBA's does.
void check_completion(const Scenario& sc, const Reader& p, bool storage) {
  const PlatformConfig& pf = sc.platform;
  const RunConfig& rc = sc.run;
  const Reader a = p.section("async"), s = p.section("sync");
  const FirmwareParams fw0;
  const AsyncDriverParams a0;
  const SyncDriverParams s0;
  if (pf.async.completion == CardCompletion::Poll) {
    const Reader i = a.section("irq");
    if (pf.firmware.irq_coalesce_count != fw0.irq_coalesce_count)
      i.fail("coalesce_count", "the card coalesces its interrupts only with platform.async.completion: irq or hybrid (it is poll)",
             "set platform.async.completion: irq");
    if (pf.firmware.irq_coalesce_timeout_s != fw0.irq_coalesce_timeout_s)
      i.fail("coalesce_timeout", "the card coalesces its interrupts only with platform.async.completion: irq or hybrid (it is poll)",
             "set platform.async.completion: irq");
  }
  if (pf.async.completion != CardCompletion::Hybrid) {
    const Reader y = a.section("hybrid");
    const std::string why = std::string("only with platform.async.completion: hybrid (it is ") + to_string(pf.async.completion) + ")";
    if (pf.async.budget != a0.budget) y.fail("budget", why, "set platform.async.completion: hybrid");
    if (pf.async.repoll_s != a0.repoll_s) y.fail("repoll", why, "set platform.async.completion: hybrid");
  }
  if (pf.sync.completion != SyncCompletion::Hybrid) {
    const Reader y = s.section("hybrid");
    const std::string why = "only with platform.sync.completion: hybrid (it is irq)";
    if (pf.sync.budget != s0.budget) y.fail("budget", why, "set platform.sync.completion: hybrid");
    if (pf.sync.repoll_s != s0.repoll_s) y.fail("repoll", why, "set platform.sync.completion: hybrid");
  }
  if (storage || pf.io_path != IoPath::Async || pf.async.completion == CardCompletion::Poll) return;
  const Reader i = a.section("irq");
  if (pf.firmware.irq_coalesce_count > 1 && !(pf.firmware.irq_coalesce_timeout_s > 0))
    i.fail("coalesce_count",
           "coalescing " + std::to_string(pf.firmware.irq_coalesce_count) +
               " completions per interrupt needs coalesce_timeout: without it the last partial batch of the run is never announced",
           "set platform.async.irq.coalesce_timeout, or coalesce_count: 1");
  if (pf.firmware.irq_coalesce_timeout_s > rc.drain_limit_s)
    i.fail("coalesce_timeout", "longer than run.drain_limit (" + fmt_time(rc.drain_limit_s) +
                                   "): the last partial batch is announced after the drain gives up");
  if (pf.async.repoll_s > rc.drain_limit_s)
    a.section("hybrid").fail("repoll", "longer than run.drain_limit (" + fmt_time(rc.drain_limit_s) + ")");
}

// The asynchronous stacks over the block path (posix_aio, kaio): which
// workloads they run, and their keys together.
void check_aio_stacks(const Reader& root, const Scenario& sc) {
  const Reader p = root.section("platform");
  const Reader w = root.section("workload");
  const auto& pf = sc.platform;
  const auto& wl = sc.workload;
  const bool aio_stack = pf.io_path == IoPath::PosixAio || pf.io_path == IoPath::Kaio || pf.io_path == IoPath::Uring;
  const std::string path = to_string(pf.io_path);
  for (const char* sec : {"posix_aio", "kaio", "uring"})
    if (p.has(sec) && path != sec)
      p.fail(sec, std::string("only with platform.io_path: ") + sec + " (the path is '" + path + "')",
             std::string("set platform.io_path: ") + sec + ", or remove the " + sec + " section");
  if (aio_stack && wl.kind != WorkloadKind::Open && wl.kind != WorkloadKind::Closed && wl.kind != WorkloadKind::Storage)
    w.fail("kind", "the " + path + " path runs the open workload (a rate) or the closed one (processes x iodepth), not '" +
                       to_string(wl.kind) + "'",
           "set workload.kind: open or closed (or platform.io_path: sync or async for streams)");
  for (const char* key : {"iodepth", "batch"})
    if (w.has(key) && !(aio_stack && wl.kind == WorkloadKind::Closed))
      w.fail(key, std::string("only for the closed workload on the posix_aio, kaio or uring path (each process keeps "
                              "iodepth requests outstanding; a sync process has one)"),
             "set platform.io_path: posix_aio, kaio or uring with workload.kind: closed, or remove it");
  if (pf.io_path == IoPath::Kaio) {
    const Reader k = p.section("kaio");
    const auto& kp = pf.kaio;
    if (kp.min_nr > kp.nr)
      k.fail("min_nr", "larger than nr (" + std::to_string(kp.nr) + "): io_getevents would wait for more events than it takes");
    if (kp.min_nr > 1 && !(kp.timeout_s > 0))
      k.fail("min_nr", "waiting for " + std::to_string(kp.min_nr) +
                           " events needs a timeout: the last events of the run would never be reaped",
             "set platform.kaio.timeout, or min_nr: 1");
    if (kp.timeout_s > sc.run.drain_limit_s)
      k.fail("timeout", "longer than run.drain_limit (" + fmt_time(sc.run.drain_limit_s) +
                            "): the last events would be reaped after the drain gives up");
    if (kp.reapers == 0 && wl.kind != WorkloadKind::Closed && wl.kind != WorkloadKind::Storage)
      k.fail("reapers", "0 (each issuing process reaps its own completions) needs the closed workload: the open "
                        "workload's processes never wait for theirs",
             "set reapers: 1 or more, or workload.kind: closed");
    // With reapers 0 the issuing process's own wait (AioIf::collect) takes
    // every completed event at once: the reaper threads' io_getevents
    // arguments would be read and never used.
    if (kp.reapers == 0)
      for (const char* key : {"min_nr", "nr", "timeout"})
        if (k.has(key))
          k.fail(key, "is io_getevents' argument for the reaper threads, and reapers is 0: each process waits for "
                      "its first completion and takes every completed event",
                 "remove it, or set reapers: 1 or more");
  }
}

// platform.uring (issue 8): what the io_uring-style stack runs with.
void check_uring(const Reader& root, const Scenario& sc) {
  const auto& pf = sc.platform;
  if (pf.io_path != IoPath::Uring) return;
  const Reader p = root.section("platform");
  const Reader u = p.section("uring");
  const auto& up = pf.uring;
  if (sc.workload.kind == WorkloadKind::Open)
    root.section("workload").fail("kind", "the uring path runs the closed workload (processes x iodepth, each reaping "
                                          "its own CQEs): the open workload's processes never reap theirs",
                                  "set workload.kind: closed");
  if (up.cq_entries > 0 && up.cq_size() < up.sq_size())
    u.fail("cq_entries", "smaller than sq_entries (" + std::to_string(up.sq_size()) +
                             "): io_uring_setup refuses a CQ smaller than the SQ (EINVAL)");
  if (up.iopoll && !up.sqpoll)
    u.fail("iopoll", "IOPOLL without SQPOLL makes the waiting process poll inside io_uring_enter, and the closed "
                     "workload's wait sleeps: here the SQ thread does the polling",
           "set platform.uring.sqpoll: true, or iopoll: false");
  if (up.iopoll && pf.sync.completion != SyncCompletion::Irq)
    p.section("sync").fail("completion", "with platform.uring.iopoll the HBAs' reply interrupts are masked and "
                                         "polled by the SQ thread: the driver's hybrid poll threads would compete",
                           "set platform.sync.completion: irq, or uring.iopoll: false");
}

void check_scenario(const Reader& root, Scenario& sc, const SyntheticDiskSpec& g) {
  const Reader p = root.section("platform");
  const Reader disk = p.section("disk");
  const Reader w = root.section("workload");
  const Reader run = root.section("run");
  auto& pf = sc.platform;

  // Disk geometry (make_synthetic_disk's preconditions).
  if (g.cylinders < g.zones)
    disk.fail(disk.has("zones") ? "zones" : "cylinders",
              "cylinders (" + std::to_string(g.cylinders) + ") must be >= zones (" + std::to_string(g.zones) +
                  "): every zone needs at least one cylinder");
  if (g.inner_blocks_per_track > g.outer_blocks_per_track)
    disk.fail("inner_blocks_per_track",
              "must be <= outer_blocks_per_track (" + std::to_string(g.outer_blocks_per_track) +
                  "): outer tracks are longer (zoned recording)");
  pf.disk = make_synthetic_disk(g, pf.disk);
  // The nvme platform has no disks (the default drive above stays unused).
  if (pf.device == PlatformDevice::Nvme) {
    // The nvme platform builds none of the x342's I/O path: its sections
    // would be read and never used.
    for (const char* sec : {"scsi", "disk", "raid0", "sync", "async"})
      if (p.has(sec))
        p.fail(sec, std::string("the nvme platform has no ") + sec + " (only platform.host, platform.pci and platform.nvme apply)",
               std::string("remove the ") + sec + " section, or set platform.device: scsi");
    check_nvme(root, sc);
    return;
  }
  if (p.has("nvme"))
    p.fail("nvme", "only with platform.device: nvme", "set platform.device: nvme, or remove the nvme section");
  // platform.disk.diskspecs: a DiskSim drive description (issue 10) replaces the
  // synthetic drive: geometry, mechanics, overheads, buffer. The scenario keeps
  // what belongs to its own setup: queue_depth, scheduler, max_burst and
  // interface_sector_time (the drive file's "Bulk sector transfer time"
  // describes the interface of the measurement rig, not this platform's bus).
  // A relative path is taken from the scenario file's directory.
  if (const std::string ds = disk.get<std::string>("diskspecs"); !ds.empty()) {
    namespace fs = std::filesystem;
    fs::path path(ds);
    if (path.is_relative()) path = fs::path(sc.source).parent_path() / path;
    std::string prefix = path.string();
    const std::string ext = ".diskspecs";
    if (prefix.size() > ext.size() && prefix.compare(prefix.size() - ext.size(), ext.size(), ext) == 0)
      prefix.resize(prefix.size() - ext.size());
    if (!fs::exists(prefix + ext)) disk.fail("diskspecs", "no such file: " + prefix + ext);
    DiskParams drive;
    std::vector<std::string> warnings;
    try {
      drive = load_disksim_drive(prefix, &warnings);
    } catch (const std::exception& e) {
      disk.fail("diskspecs", e.what());
    }
    for (const std::string& w : warnings) std::cerr << "iosim: warning: platform.disk.diskspecs: " << w << "\n";
    drive.queue_depth = pf.disk.queue_depth;
    drive.scheduler = pf.disk.scheduler;
    drive.max_burst_bytes = pf.disk.max_burst_bytes;
    drive.interface_sector_time = pf.disk.interface_sector_time;
    pf.disk = std::move(drive);
  }
  const uint64_t disk_blocks = DiskLayout(pf.disk).capacity();

  // RAID0 stripe unit (make_raid0_geometry's preconditions).
  const Reader raid = p.section("raid0");
  if (pf.stripe_bytes % kSectorBytes)
    raid.fail("stripe_unit", "must be a multiple of 512 B (whole sectors), got " + std::to_string(pf.stripe_bytes) + " B");
  if (pf.stripe_bytes / kSectorBytes > disk_blocks)
    raid.fail("stripe_unit", "larger than a disk (" + config::format_size(double(disk_blocks) * kSectorBytes) +
                                 "): no member holds a whole stripe unit");

  // The device the workload addresses (sim/platform.cpp): the RAID0 volume of
  // every disk; for the storage workload also bus 0's disks, or one disk.
  const int disks = pf.buses * pf.disks_per_bus;
  uint64_t volume_blocks = make_raid0_geometry(std::vector<uint64_t>(size_t(disks), disk_blocks), pf.stripe_bytes).capacity_blocks();
  if (sc.workload.kind == WorkloadKind::Storage && sc.workload.target == StorageTarget::Bus)
    volume_blocks = make_raid0_geometry(std::vector<uint64_t>(size_t(pf.disks_per_bus), disk_blocks), pf.stripe_bytes)
                        .capacity_blocks();
  if (sc.workload.kind == WorkloadKind::Storage && sc.workload.target == StorageTarget::Disk) volume_blocks = disk_blocks;
  const std::string volume = config::format_size(double(volume_blocks) * kSectorBytes);
  const uint64_t block = sc.workload.access.block_bytes / kSectorBytes;
  if (block > volume_blocks)
    w.fail("block", "larger than the device it reads (" + volume + ")");
  if (sc.workload.access.align_bytes / kSectorBytes > volume_blocks - block)
    w.fail("align", "leaves a single start position on the " + volume +
                        " device: every request would be at block 0",
           "align must be at most the device size minus the block size");

  // Streams: the keys together; the stream blocks must fit the volume, and
  // the window must hold at least one deadline of every stream.
  check_streams(w, sc.workload);
  if (sc.workload.kind == WorkloadKind::Streams) {
    const StreamParams& st = sc.workload.streams;
    const Reader sr = w.section("streams");
    const double most = st.size_dist == StreamSizeDist::Constant ? double(st.block_bytes)
                        : st.size_dist == StreamSizeDist::Uniform ? double(st.block_bytes) * (1 + st.size_spread)
                                                                   : 2.0 * double(st.block_bytes);
    if (most / kSectorBytes > double(volume_blocks))
      sr.fail(sr.has("block") ? "block" : "bitrate", "a stream block (up to " + config::format_size(most) +
                                                         ") is larger than the volume (" + volume + ")");
    if (st.pool > 0 && pf.io_path != IoPath::Sync)
      sr.fail("pool", "a pool of blocking processes is a sync-path option (the async path's issuers are "
                      "workload.processes)", "remove streams.pool, or set platform.io_path: sync");
    if (sc.run.duration_s < st.period_s)
      run.fail("duration", "shorter than one stream period (" + fmt_time(st.period_s) +
                               "): some streams would have no read due in the window",
               "run.duration of several periods");
  }
  check_aio_stacks(root, sc);
  check_uring(root, sc);
  // Each host path runs one kind of test program (BRIEF.md); streams run on either.
  const bool aio_stack = pf.io_path == IoPath::PosixAio || pf.io_path == IoPath::Kaio || pf.io_path == IoPath::Uring;
  check_net(root, sc);  // issue 8: the file server's keys
  if (!aio_stack && sc.workload.kind != WorkloadKind::Storage && sc.workload.kind != WorkloadKind::Streams &&
      sc.workload.kind != WorkloadKind::FileServer) {
    const WorkloadKind need = pf.io_path == IoPath::Sync ? WorkloadKind::Closed : WorkloadKind::Open;
    if (sc.workload.kind != need)
      w.fail("kind",
             std::string("the ") + to_string(pf.io_path) + " path runs the " + to_string(need) +
                 " workload, not '" + to_string(sc.workload.kind) + "'",
             std::string("set workload.kind: ") + to_string(need) + " (or storage), or platform.io_path: " +
                 (need == WorkloadKind::Closed ? "async" : "sync"));
  }
  const bool storage = sc.workload.kind == WorkloadKind::Storage;
  if (storage && sc.workload.queue_depth == 0 && !w.has("rate"))
    w.fail("queue_depth", "a storage workload needs queue_depth (closed loop) or rate (open loop)");
  const bool open_loop = sc.workload.kind == WorkloadKind::Open || (storage && sc.workload.queue_depth == 0);
  const auto& rc = sc.run;
  if (open_loop && sc.workload.rate * (rc.warmup_s + rc.duration_s) < 1)
    w.fail("rate", "fewer than one request expected over warm-up and window (" +
                       fmt_time(rc.warmup_s + rc.duration_s) + "): the run would measure nothing");

  // Time scales of the run. The slowest single disk request is a full-stroke
  // seek (t(N) = a + b, the seek curve), a whole revolution and the command
  // overhead; a window or a drain shorter than that can end before a request
  // issued in it completes, so it measures or drains nothing.
  const auto& d = pf.disk;
  const double slowest = d.seek.a + d.seek.b + d.revolution_s() +
                         std::max(d.overheads.read_miss_after_read, d.overheads.write_miss_after_read);
  if (rc.duration_s < slowest)
    run.fail("duration", "must be at least " + fmt_time(slowest) + " (got " + fmt_time(rc.duration_s) +
                             "): the slowest disk request (full-stroke seek + revolution + overhead) takes that long");
  if (rc.drain_limit_s < slowest)
    run.fail("drain_limit", "must be at least " + fmt_time(slowest) + " (got " + fmt_time(rc.drain_limit_s) +
                                "): the slowest disk request (full-stroke seek + revolution + overhead) takes that long");
  // SystemC time is a 64-bit count of picoseconds: the whole run must fit.
  const double max_run = std::ldexp(1.0, 64) * 1e-12;
  if (rc.warmup_s + rc.duration_s + rc.drain_limit_s > max_run)
    run.fail("duration", "warmup + duration + drain_limit (" + fmt_time(rc.warmup_s + rc.duration_s + rc.drain_limit_s) +
                             ") exceed SystemC's time range, 2^64 ps (" + fmt_time(max_run) + ")");

  // Configurations that can never drain: a completion must be able to reach
  // the host within the drain limit.
  if (!storage && pf.io_path == IoPath::Async) {
    const Reader a = p.section("async");
    if (pf.async.poll_period_s > rc.drain_limit_s)
      a.fail("poll_period", "longer than run.drain_limit (" + fmt_time(rc.drain_limit_s) +
                                "): the host never sees the completions of the last requests",
             "raise run.drain_limit or shorten the poll period");
    if (pf.firmware.poll_interval_s > rc.drain_limit_s)
      a.section("firmware").fail("poll_interval", "longer than run.drain_limit (" + fmt_time(rc.drain_limit_s) +
                                                      "): the card never takes the last requests");
  }
  check_completion(sc, p, storage);
  check_buffered(sc, p, storage);
  if (!storage && pf.io_path == IoPath::Sync && pf.hba.coalesce_count > 1) {
    const Reader h = p.section("sync").section("hba");
    // At most this many replies can be outstanding on one adapter.
    const int issuers = sc.workload.kind == WorkloadKind::Streams ? sc.workload.streams.count : sc.workload.processes;
    const int most = std::min({issuers, pf.sync.can_queue, pf.disks_per_bus * pf.sync.queue_depth});
    if (!(pf.hba.coalesce_timeout_s > 0))
      h.fail("coalesce_count",
             "coalescing " + std::to_string(pf.hba.coalesce_count) +
                 " replies per interrupt needs coalesce_timeout: without it the last partial batch of the run "
                 "is never announced" + (pf.hba.coalesce_count > most
                      ? std::string(", and at most ") + std::to_string(most) +
                            " commands (min of workload.processes, sync.can_queue, disks x sync.queue_depth) are "
                            "ever outstanding, so not even the first interrupt is raised"
                      : std::string()),
             "set platform.sync.hba.coalesce_timeout, or coalesce_count: 1");
    if (pf.hba.coalesce_timeout_s > rc.drain_limit_s)
      h.fail("coalesce_timeout", "longer than run.drain_limit (" + fmt_time(rc.drain_limit_s) +
                                     "): the last partial batch is announced after the drain gives up");
  }

  // VCD window.
  const Reader v = run.section("vcd");
  if (rc.vcd_end_s < rc.vcd_begin_s)
    v.fail("to", "the VCD window ends (" + fmt_time(rc.vcd_end_s) + ") before it begins (" +
                     fmt_time(rc.vcd_begin_s) + ", run.vcd.from)");
}

// A PCI master abort on an LSI 53C1030's DMA (issue 11; model/hba/README.md,
// "Faults"): target hba<b>, the chip of SCSI bus b, on the stacks that have
// one (sync, posix_aio, kaio).
FaultConfig load_hba_fault(const Reader& f, FaultConfig c, const std::string& t, const PlatformConfig& p,
                           const std::vector<FaultConfig>& before) {
  std::vector<std::string> hbas{"card"};
  for (int b = 0; b < p.buses; ++b) hbas.push_back("hba" + std::to_string(b));
  const auto it = std::find(hbas.begin() + 1, hbas.end(), t);
  if (it == hbas.end())
    f.fail("target", "a pci_master_abort strikes the card's DMA (`card`, async path) or an LSI HBA's (`hba0` .. `hba" +
                         std::to_string(p.buses - 1) + "`, one per SCSI bus; sync, posix_aio, kaio): no '" + t + "'",
           config::suggestion_hint(t, hbas));
  if (p.io_path == IoPath::Async)
    f.fail("target", "the LSI HBAs are on the sync, posix_aio and kaio paths (platform.io_path is async: the card's "
                     "DMA is target `card`)");
  c.target = t;
  c.bus = int(it - hbas.begin()) - 1;
  for (size_t k = 0; k < before.size(); ++k)
    if (before[k].kind == c.kind && before[k].target == t)
      f.fail("target", "a second pci_master_abort on " + t + " (faults[" + std::to_string(k) +
                           "] already has one): put its keys in one entry");
  f.read("probability", c.probability);
  if (c.probability == 0 && !f.has("at"))
    f.fail("kind", "a pci_master_abort needs `probability` (per DMA write) or `at` (once, at the first one from then on)");
  f.read("at", c.at_s);
  return c;
}

// A card fault (issue 11): target "card" (model/card/README.md, "Faults").
FaultConfig load_card_fault(const Reader& f, FaultConfig c, const PlatformConfig& p,
                            const std::vector<FaultConfig>& before) {
  std::string t = f.get<std::string>("target");
  if (t.rfind("top.", 0) == 0) t = t.substr(4);
  if (c.kind == FaultKind::PciMasterAbort && t != "card")  // issue 11: or an LSI HBA's DMA (load_hba_fault)
    return load_hba_fault(f, c, t, p, before);
  if (t != "card")
    f.fail("target", "a " + std::string(to_string(c.kind)) + " strikes the paper's card: target `card`",
           config::suggestion_hint(t, {"card"}));
  if (p.io_path != IoPath::Async)
    f.fail("target", "the card is on the async path only (platform.io_path: async, here " +
                         std::string(to_string(p.io_path)) + ")");
  c.target = t;
  if (c.kind == FaultKind::FirmwareStall) {
    c.at_s = f.need<double>("at");
    if (f.has("duration"))  // no default: forever (until the host resets the card)
      f.read("duration", c.duration_s);
    return c;
  }
  for (size_t k = 0; k < before.size(); ++k)
    if (before[k].kind == c.kind && before[k].target == "card")
      f.fail("kind", "a second " + std::string(to_string(c.kind)) + " (faults[" + std::to_string(k) +
                         "] already has one): put its keys in one entry");
  f.read("probability", c.probability);
  if (c.probability == 0 && !f.has("at"))
    f.fail("kind", "a " + std::string(to_string(c.kind)) + " needs `probability` (per " +
                       (c.kind == FaultKind::LostRingUpdate ? "completion posted" : "DMA write") +
                       ") or `at` (once, at the first one from then on)");
  f.read("at", c.at_s);
  return c;
}

// faults: a list, each {kind, target, ...}; the keys a kind does not read
// are reported by finish() as unknown.
std::vector<FaultConfig> load_faults(const Reader& root, const PlatformConfig& p) {
  std::vector<FaultConfig> out;
  std::vector<std::string> disks;
  for (int b = 0; b < p.buses; ++b)
    for (int i = 0; i < p.disks_per_bus; ++i) disks.push_back("scsi" + std::to_string(b) + ".disk" + std::to_string(i));
  for (const Reader& f : root.list("faults")) {
    FaultConfig c;
    f.read("kind", c.kind);
    if (is_card_fault(c.kind)) {  // issue 11, the card side
      out.push_back(load_card_fault(f, c, p, out));
      continue;
    }
    std::string t = f.get<std::string>("target");
    if (t.rfind("top.", 0) == 0) t = t.substr(4);  // the stats' full name is accepted too
    const auto it = std::find(disks.begin(), disks.end(), t);
    if (it == disks.end())
      f.fail("target", "no disk '" + t + "' on this platform (" + std::to_string(p.buses) + " bus(es) x " +
                           std::to_string(p.disks_per_bus) + " disks: scsi0.disk0 .. " + disks.back() + ")",
             config::suggestion_hint(t, disks));
    c.target = t;
    // One entry per kind and disk: two media_error entries on one drive would
    // have to be merged key by key, which nobody could read off the file.
    for (size_t k = 0; k < out.size(); ++k)
      if (out[k].target == t && out[k].kind == c.kind)
        f.fail("target", "a second " + std::string(to_string(c.kind)) + " on " + t + " (faults[" +
                             std::to_string(k) + "] already has one): put its keys in one entry");
    c.bus = int(it - disks.begin()) / p.disks_per_bus;
    c.disk = int(it - disks.begin()) % p.disks_per_bus;
    if (c.kind == FaultKind::DiskFailure) {
      c.at_s = f.need<double>("at");
    } else if (c.kind == FaultKind::DiskHang) {
      c.at_s = f.need<double>("at");
      if (f.has("duration"))  // no default value: forever (a dumped configuration must load back)
        f.read("duration", c.duration_s);
      f.read("recover_on_reset", c.recover_on_reset);
    } else {
      f.read("at", c.at_s);
      f.read("probability", c.probability);
      if (f.has("blocks"))  // no default list: a dumped configuration must load back
        for (int64_t b : f.get<std::vector<int64_t>>("blocks")) c.blocks.push_back(uint64_t(b));
      f.read("retries", c.retries);
      f.read("recover", c.recover);
      f.read("awre", c.awre);
    }
    out.push_back(c);
  }
  return out;
}

// The timeouts of the sync stack's error handling (issue 11): read when the
// scenario has faults or sets them, so results without faults keep their
// recorded configuration.
void load_fault_timing(const Reader& p, Scenario& sc) {
  const Reader s = p.section("sync");
  const Reader h = s.section("hba");
  const bool any = !sc.faults.empty();
  auto& d = sc.platform.sync;
  auto& a = sc.platform.hba;
  if (any || s.has("scsi_timeout")) s.read("scsi_timeout", d.scsi_timeout_s);
  if (any || s.has("bus_reset_settle")) s.read("bus_reset_settle", d.bus_reset_settle_s);
  if (any || s.has("host_reset_settle")) s.read("host_reset_settle", d.host_reset_settle_s);
  if (any || h.has("tm_timeout")) h.read("tm_timeout", a.tm_timeout_s);
  if (any || h.has("ioc_reset")) h.read("ioc_reset", a.ioc_reset_s);
}

// platform.async.watchdog (issue 11; model/host/async_driver.hpp): read in
// scenarios with a card fault or when the section is there, so results
// without card faults keep their keys.
void load_card_watchdog(const Reader& async, Scenario& sc) {
  bool card = false;
  for (const FaultConfig& f : sc.faults) card = card || (is_card_fault(f.kind) && f.target == "card");
  if (!card && !async.has("watchdog")) return;
  const Reader w = async.section("watchdog");
  auto& a = sc.platform.async;
  a.watchdog = card;
  w.read("period", a.watchdog_period_s);
  w.read("request_timeout", a.request_timeout_s);
  w.read("recovery", a.recovery);
  w.read("tries", a.tries);
  w.read("reset_poll", a.reset_poll_s);
  w.read("restart", sc.platform.firmware.restart_s);
  // The heartbeat advances once per firmware poll interval: a period shorter
  // than that would call a running firmware stalled.
  if (a.watchdog_period_s <= sc.platform.firmware.poll_interval_s)
    w.fail("period", "the watchdog period (" + fmt_time(a.watchdog_period_s) +
                         ") must exceed the firmware's poll interval (" + fmt_time(sc.platform.firmware.poll_interval_s) +
                         ", platform.async.firmware.poll_interval): its heartbeat advances once per pass");
}

// The card firmware's SCSI command timeout (issue 11; platform.async.firmware
// scsi_timeout, tm_timeout, scsi_retries, tm): read with a disk_hang on the
// async path or when one of them is written, so other results keep their
// keys. After load_card_watchdog: the card must give up on a command before
// the host's watchdog gives up on its request.
void load_firmware_timeout(const Reader& async, Scenario& sc) {
  const Reader f = async.section("firmware");
  bool hang = false;
  for (const FaultConfig& c : sc.faults) hang = hang || c.kind == FaultKind::DiskHang;
  const bool card = sc.platform.io_path == IoPath::Async && sc.workload.kind != WorkloadKind::Storage;
  bool written = false;
  for (const char* k : {"scsi_timeout", "tm_timeout", "scsi_retries", "tm"}) written = written || f.has(k);
  if (!(card && hang) && !written) return;
  auto& w = sc.platform.firmware;
  w.scsi_timer = card;
  f.read("scsi_timeout", w.scsi_timeout_s);
  f.read("tm_timeout", w.tm_timeout_s);
  f.read("scsi_retries", w.scsi_retries);
  f.read("tm", w.tm_cycles);
  if (!w.scsi_timer || !sc.platform.async.watchdog) return;
  // The longest the card keeps a request whose command never answers: per
  // attempt the timeout, two unanswered task management waits and the bus
  // reset (RST hold + reset-to-selection), for every attempt.
  const ScsiBusParams& b = sc.platform.scsi;
  const double round = w.scsi_timeout_s + 2 * w.tm_timeout_s + b.reset_hold_s + b.reset_to_selection_s;
  const double worst = double(w.scsi_retries + 1) * round;
  if (worst < sc.platform.async.request_timeout_s) return;
  const std::string why =
      "the card gives up on a command that never answers only after " + fmt_time(worst) + " ((scsi_retries " +
      std::to_string(w.scsi_retries) + " + 1) x (scsi_timeout " + fmt_time(w.scsi_timeout_s) + " + 2 x tm_timeout " +
      fmt_time(w.tm_timeout_s) + " + bus reset " + fmt_time(b.reset_hold_s + b.reset_to_selection_s) +
      ")), not before the host watchdog's request_timeout (" + fmt_time(sc.platform.async.request_timeout_s) +
      ") resets the card";
  const std::string hint = "shorten platform.async.firmware.scsi_timeout or scsi_retries, or lengthen "
                           "platform.async.watchdog.request_timeout";
  for (const char* k : {"scsi_timeout", "scsi_retries", "tm_timeout"})
    if (f.has(k)) f.fail(k, why, hint);
  async.section("watchdog").fail("request_timeout", why, hint);
}

// After finish() (a misspelt key is reported before what it causes) and
// check_scenario (the disk's capacity is known good).
void check_faults(const Reader& root, const Scenario& sc) {
  const uint64_t cap = DiskLayout(sc.platform.disk).capacity();
  const auto items = root.list("faults");
  for (size_t i = 0; i < sc.faults.size(); ++i) {
    const FaultConfig& c = sc.faults[i];
    if (is_card_fault(c.kind)) {
      if (c.target != "card" && sc.workload.kind == WorkloadKind::Storage)
        items[i].fail("target", "workload.kind: storage has no LSI HBA (its disks are driven directly): no " + c.target,
                      "run a host workload (open, closed or streams) on platform.io_path sync, posix_aio or kaio");
      if (c.at_s > sc.run.warmup_s + sc.run.duration_s)
        items[i].fail("at", "after the measured window ends (" + fmt_time(sc.run.warmup_s + sc.run.duration_s) +
                                "): the fault would never be seen");
      continue;
    }
    if (c.kind == FaultKind::MediaError && c.probability == 0 && c.blocks.empty())
      items[i].fail("kind", "a media_error needs `probability` (per sector read) or `blocks` (LBAs on the disk)");
    // A write-back drive would report a failed write later, as a deferred
    // error (sense 71h) on another command: not modelled.
    if (c.kind == FaultKind::MediaError && !c.awre && !c.blocks.empty() && sc.platform.disk.fast_write_level > 0)
      items[i].fail("awre",
                    "awre: false with grown defects needs a write-through drive (the drive's fast write level "
                    "is " + std::to_string(sc.platform.disk.fast_write_level) +
                        "): a write-back drive's failed write would be a deferred error, which is not modelled",
                    "set platform.disk.buffer.fast_write_level: 0 (with platform.disk.diskspecs: a drive file "
                    "whose \"Fast write level\" is 0), or leave awre on");
    for (uint64_t b : c.blocks)
      if (b >= cap)
        items[i].fail("blocks", "block " + std::to_string(b) + " is beyond the disk (" + std::to_string(cap) +
                                    " blocks of 512 B)");
    if (c.at_s > sc.run.warmup_s + sc.run.duration_s)
      items[i].fail("at", "after the measured window ends (" + fmt_time(sc.run.warmup_s + sc.run.duration_s) +
                              "): the fault would never be seen");
    // A drive that never answers again needs a stack that times commands out
    // (issue 11: the sync driver's error handler, shared by sync, posix_aio
    // and kaio; the card firmware's, platform.async.firmware.scsi_timeout);
    // the storage-only workload has none, so its commands would never end.
    if (c.kind == FaultKind::DiskHang && sc.workload.kind == WorkloadKind::Storage &&
        c.duration_s == std::numeric_limits<double>::infinity())
      items[i].fail("kind",
                    "a disk_hang without `duration` never ends, and this stack (workload.kind: storage) has no "
                    "command timeout to recover from it",
                    "give it a duration, or run a host workload (open, closed or streams)");
  }
}

}  // namespace

namespace {

Scenario load_scenario_tree(config::ConfigTree tree, const std::string& path) {
  Scenario sc;
  sc.source = path;
  const Reader root(std::move(tree), &scenario_keys());
  sc.name = root.string("name", path);
  root.ignore("description");
  const Reader p = root.section("platform");
  p.read("io_path", sc.platform.io_path);
  if (p.has("device")) p.read("device", sc.platform.device);
  if (sc.platform.device == PlatformDevice::Nvme || p.has("nvme")) load_nvme(p.section("nvme"), sc.platform);
  load_host(p.section("host"), sc.platform.host);
  load_pci(p.section("pci"), sc.platform);
  load_scsi(p.section("scsi"), sc.platform);
  SyntheticDiskSpec geometry;
  load_disk(p.section("disk"), sc.platform.disk, geometry);
  p.section("raid0").read("stripe_unit", sc.platform.stripe_bytes);
  load_sync(p.section("sync"), sc.platform);
  load_async(p.section("async"), sc.platform);
  if (sc.platform.io_path == IoPath::PosixAio || p.has("posix_aio")) load_posix_aio(p.section("posix_aio"), sc.platform.posix_aio);
  if (sc.platform.io_path == IoPath::Kaio || p.has("kaio")) load_kaio(p.section("kaio"), sc.platform.kaio);
  if (sc.platform.io_path == IoPath::Uring || p.has("uring")) load_uring(p.section("uring"), sc.platform.uring);
  load_workload(root.section("workload"), sc.workload);
  if (sc.workload.kind == WorkloadKind::FileServer || p.has("net")) load_net(p.section("net"), sc.platform);  // issue 8
  load_run(root.section("run"), sc.run);
  sc.faults = load_faults(root, sc.platform);
  load_fault_timing(p, sc);
  load_card_watchdog(p.section("async"), sc);
  load_firmware_timeout(p.section("async"), sc);
  root.finish();  // unknown keys first: they may be why a check below fails
  check_scenario(root, sc, geometry);
  check_faults(root, sc);
  sc.effective = root.effective();
  // A DiskSim drive file replaces the synthetic drive's keys (check_scenario):
  // say so, so the recorded configuration does not claim values that were not simulated.
  if (!p.section("disk").get<std::string>("diskspecs").empty())
    for (auto& s : sc.effective.settings) {
      const std::string d = "platform.disk.";
      static const char* kept[] = {"diskspecs", "queue_depth", "scheduler", "max_burst", "interface_sector_time"};
      if (s.path.compare(0, d.size(), d) != 0) continue;
      if (std::find(std::begin(kept), std::end(kept), s.path.substr(d.size())) != std::end(kept)) continue;
      s.origin += " (unused: the platform.disk.diskspecs drive file replaces it)";
    }
  return sc;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  return load_scenario_tree(config::load_config(path, sets), path);
}

Scenario load_scenario_string(const std::string& text, const std::string& name,
                              const std::vector<std::string>& sets, const std::string& dir) {
  return load_scenario_tree(config::load_config_string(text, name, sets, dir), name);
}

} // namespace iosim
