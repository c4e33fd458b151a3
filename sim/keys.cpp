#include "sim/keys.hpp"

#include "model/disk/disk_layout.hpp"
#include "sim/config/error.hpp"
#include "sim/scenario.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <initializer_list>
#include <iostream>
#include <sstream>

namespace iosim {

using config::Bounds;
using config::Kind;
using config::KeySpec;
using config::KeyType;

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// --- entry builders (relative keys; section() completes the paths) -------------

KeySpec entry(KeyType t, const char* key, nlohmann::ordered_json def, const char* desc, const char* src) {
  KeySpec s;
  s.path = key;
  s.type = t;
  s.def = std::move(def);
  s.description = desc;
  s.source = src;
  return s;
}
KeySpec q(Kind k, const char* key, double def, Bounds b, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Quantity, key, def, desc, src);
  s.kind = k;
  s.bounds = b;
  return s;
}
// A size: whole bytes (its default and value are integers).
KeySpec size(const char* key, uint64_t def, Bounds b, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Quantity, key, def, desc, src);
  s.kind = Kind::Size;
  s.bounds = b;
  return s;
}
KeySpec integer(const char* key, int64_t def, int64_t min, int64_t max, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Integer, key, def, desc, src);
  s.min = min;
  s.max = max;
  return s;
}
KeySpec integers(const char* key, int64_t min, int64_t max, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Integer, key, nullptr, desc, src);
  s.min = min;
  s.max = max;
  s.list = true;
  return s;
}
KeySpec real(const char* key, double def, Bounds b, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Number, key, def, desc, src);
  s.bounds = b;
  return s;
}
KeySpec boolean(const char* key, bool def, const char* desc, const char* src) {
  return entry(KeyType::Boolean, key, def, desc, src);
}
KeySpec string(const char* key, std::string def, const char* desc, const char* src) {
  return entry(KeyType::String, key, std::move(def), desc, src);
}
KeySpec choice(const char* key, std::string def, std::vector<std::string> options, const char* desc, const char* src) {
  KeySpec s = entry(KeyType::Choice, key, std::move(def), desc, src);
  s.choices = std::move(options);
  return s;
}
// A choice enum: its names (model/common/enum_names.hpp) are the options.
template <class E> KeySpec choice(const char* key, E def, const char* desc, const char* src) {
  return choice(key, to_string(def), enum_names<E>(), desc, src);
}
template <class E> KeySpec choice(const char* key, const char* desc, const char* src) {
  return choice(key, "", enum_names<E>(), desc, src).without_default();
}

// Processor and controller clocks (host CPU, HBA IOP, card logic, card CPU).
// Below 1 MHz nothing in a storage path has run since the 1970s (the 1974
// Intel 8080 ran at 2 MHz; the PCI bus itself is clocked at 33-133 MHz), and a
// 1 Hz "clock" turns every cycle cost into seconds. Above 500 GHz the period is
// under 2 ps: the queue controller needs two clock edges at SystemC's 1 ps
// resolution (model/card/queue_controller.cpp rejects it too).
Bounds clock_range() { return Bounds::range(1e6, 500e9); }
// A request counts its sectors in 32 bits (IoRequest::blocks); so does the
// disk model its buffer segments and read-ahead.
const Bounds kSectors32 = Bounds::range(0, 4294967295.0 * 512);
const Bounds kRequest = Bounds::range(512, 4294967295.0 * 512);

std::vector<KeySpec> build() {
  // Defaults are the model structs' own (one source): read off default-built ones.
  const PlatformConfig P;
  const WorkloadConfig W;
  const RunConfig R;
  const FaultConfig F;
  const SyntheticDiskSpec G;
  std::vector<KeySpec> out;
  auto section = [&out](const std::string& name, std::initializer_list<KeySpec> keys) {
    for (KeySpec k : keys) {
      k.section = name;
      if (!name.empty()) k.path = name + (name.back() == ']' ? "." : ".") + k.path;
      out.push_back(std::move(k));
    }
  };
  section("", {
    string("name", "",
        "label printed in the summary and `results.json`",
        "a label").without_default().with_default_text("the scenario file's path"),
  });
  section("platform", {
    choice("io_path", P.io_path,
        "sync: two LSI 53C1030 HBAs + Linux 2.4 blocking reads; async: the paper's I/O card, rings and polling thread; posix_aio: glibc's library AIO (a thread pool doing blocking reads) and kaio: kernel AIO (io_submit / io_getevents), both over the sync path's block layer and HBAs (`platform.sync` keys apply), running the open or the closed workload. Ignored by `workload.kind: storage`",
        "BRIEF.md; glibc aio_misc.c; Linux 2.6 fs/aio.c"),
    choice("device", P.device,
        "scsi: the x342's SCSI disks in RAID0 behind `io_path`; nvme: one PCIe NVMe SSD with the Linux NVMe driver (`platform.nvme`, closed workload only; the SCSI, disk, RAID0, sync and async keys are then unused). Read only when given",
        "issue 8"),
  });
  section("platform.host", {
    integer("cpus", P.host.cpus, 1, 64,
        "host CPUs",
        "BRIEF.md (2 x Pentium III)"),
    q(Kind::Frequency, "clock", P.host.clock_hz, clock_range(),
        "CPU clock: converts every `cost.*` cycle count to time",
        "BRIEF.md"),
    q(Kind::Frequency, "timer_hz", P.host.hz, Bounds::positive(),
        "timer interrupt rate, each tick costs `cost.timer_tick` on every CPU",
        "Linux 2.4 HZ=100"),
    choice("irq_affinity", P.host.irq_affinity,
        "CPU that takes device interrupts",
        "IO-APIC lowest-priority delivery (estimate)"),
    q(Kind::Cycles, "cost.syscall", P.host.cost.syscall, Bounds::non_negative(),
        "system call entry + exit",
        "lmbench 0.34 us @1 GHz (PARAMETERS.md)"),
    q(Kind::Cycles, "cost.request_setup", P.host.cost.request_setup, Bounds::non_negative(),
        "block-layer request + kiobuf map, per I/O (both paths)",
        "estimate"),
    q(Kind::Cycles, "cost.request_per_page", P.host.cost.request_per_page, Bounds::non_negative(),
        "per 4 KiB page of the buffer pinned/mapped",
        "estimate"),
    q(Kind::Cycles, "cost.sched_base", P.host.cost.sched_base, Bounds::non_negative(),
        "fixed part of one `schedule()` pass",
        "estimate"),
    q(Kind::Cycles, "cost.sched_per_task", P.host.cost.sched_per_task, Bounds::non_negative(),
        "`goodness()` per runnable task in a pass",
        "PARAMETERS.md"),
    q(Kind::Cycles, "cost.ctx_switch", P.host.cost.ctx_switch, Bounds::non_negative(),
        "switch to another task than the CPU ran last",
        "lmbench (PARAMETERS.md)"),
    q(Kind::Cycles, "cost.wakeup", P.host.cost.wakeup, Bounds::non_negative(),
        "waking a blocked or sleeping task, paid by the waker",
        "estimate"),
    q(Kind::Cycles, "cost.irq_entry", P.host.cost.irq_entry, Bounds::non_negative(),
        "interrupt entry + exit",
        "PARAMETERS.md"),
    q(Kind::Cycles, "cost.timer_tick", P.host.cost.timer_tick, Bounds::non_negative(),
        "one timer interrupt",
        "PARAMETERS.md"),
    q(Kind::Cycles, "cost.user_per_io", P.host.cost.user_per_io, Bounds::non_negative(),
        "the test program's own work per request (user time)",
        "estimate"),
  });
  section("platform.pci", {
    choice("mode", "pcix-64-133", {"pcix-64-133", "pcix-64-66", "pci-64-66", "pci-64-33", "pci-32-66", "pci-32-33"},
        "bus protocol, width and clock (a preset)",
        "PCI 2.3 / PCI-X 1.0"),
    q(Kind::Time, "host_bridge_latency", P.host_bridge.host_bridge_latency, Bounds::non_negative(),
        "CPU <-> PCI round trip through the host bridge, paid by PIO reads (half each way) and posted writes (half)",
        "PARAMETERS.md (PIO read ~1 us), fitted"),
    q(Kind::Time, "posted_write_cost", P.host_bridge.posted_write_cost, Bounds::non_negative(),
        "CPU time to hand one posted PIO write to the bridge",
        "PARAMETERS.md"),
    q(Kind::Rate, "memory.bandwidth", P.memory.bandwidth, Bounds::positive(),
        "host RAM bandwidth seen by DMA",
        "PARAMETERS.md (PC133, 2-way)"),
    q(Kind::Time, "memory.write_latency", P.memory.write_latency, Bounds::non_negative(),
        "bridge wait states before a DMA write's first data phase",
        "fitted"),
    q(Kind::Time, "memory.read_latency", P.memory.read_latency, Bounds::non_negative(),
        "DMA read latency: bridge + snoop + DRAM",
        "lmbench + fitted"),
    size("memory.disconnect", P.memory.disconnect_bytes, Bounds::non_negative(),
        "the bridge takes at most this much of a DMA write burst, then disconnects (0 = never); 128 B is PCI-X's allowable disconnect boundary",
        "fitted (PCI-X DMA efficiency)").with_constraint("0 or a multiple of 128 B"),
  });
  section("platform.scsi", {
    integer("buses", P.buses, 1, 8,
        "SCSI buses (sync: one HBA each; async: card channels)",
        "BRIEF.md"),
    integer("disks_per_bus", P.disks_per_bus, 1, 15,
        "disks on each bus; RAID0 members alternate buses",
        "BRIEF.md"),
    q(Kind::Time, "bus_free", P.scsi.bus_free_delay_s, Bounds::non_negative(),
        "bus must be free this long before arbitration",
        "Seagate Parallel SCSI manual (PARAMETERS.md)"),
    q(Kind::Time, "arbitration", P.scsi.arbitration_delay_s, Bounds::non_negative(),
        "arbitration delay",
        "same"),
    q(Kind::Time, "bus_set", P.scsi.bus_set_delay_s, Bounds::non_negative(),
        "(re)selection phase",
        "same"),
    q(Kind::Time, "settle", P.scsi.bus_settle_delay_s, Bounds::non_negative(),
        "settle before the first information unit",
        "same"),
    boolean("qas", P.scsi.qas,
        "Quick Arbitration and Selection",
        "SPI-4 (optional)"),
    boolean("fairness", P.scsi.fairness,
        "SPI fairness: a winner waits until every device it beat had its turn",
        "SPI-4 (optional)"),
    boolean("retain_training", P.scsi.retain_training,
        "skip the 1.6 us training pattern after the first DT data phase per pair",
        "SPI-4"),
    q(Kind::Time, "initiator_latency", P.scsi.initiator_latency_s, Bounds::non_negative(),
        "initiator's nexus lookup per reconnection",
        "fitted (U320 channel ceiling)"),
  });
  section("platform.disk", {
    string("model", P.disk.model,
        "label",
        "a label"),
    string("diskspecs", "",
        "a DiskSim 4.0 drive (`DRIVE.diskspecs` with its `.model` and seek file, e.g. `../shared/disk-validation/cheetah9LP.diskspecs`; relative to the scenario file) replacing every geometry, mechanics, `overheads.` and `buffer.` key; `queue_depth`, `scheduler`, `max_burst` and `interface_sector_time` still apply. Keys the model ignores or lacks are warned about on stderr",
        "validated drives (`iosim disk-validate`)"),
    q(Kind::Rotation, "rpm", P.disk.rpm / 60, Bounds::positive(),
        "spindle speed",
        "datasheet"),
    integer("cylinders", G.cylinders, 1, 1000000,
        "cylinders",
        "datasheet").with_constraint(">= `zones`"),
    integer("surfaces", G.surfaces, 1, 64,
        "recording surfaces (heads)",
        "datasheet"),
    integer("outer_blocks_per_track", G.outer_blocks_per_track, 1, 100000,
        "512 B sectors per track, outermost zone",
        "datasheet media rate"),
    integer("inner_blocks_per_track", G.inner_blocks_per_track, 1, 100000,
        "same, innermost zone (linear in between)",
        "datasheet media rate").with_constraint("<= `outer_blocks_per_track`"),
    integer("zones", G.zones, 1, 1000,
        "recording zones, equal cylinder counts",
        "estimate"),
    q(Kind::Time, "head_switch", P.disk.head_switch, Bounds::non_negative(),
        "head switch time",
        "datasheet / estimate"),
    q(Kind::Time, "write_settle", P.disk.write_settle, Bounds::non_negative(),
        "added to seeks and head switches of writes",
        "estimate (0: writes settle as reads)"),
    q(Kind::Time, "seek.single_cylinder", P.disk.seek.single_cyl, Bounds::non_negative(),
        "track-to-track seek",
        "datasheet"),
    q(Kind::Time, "seek.a", P.disk.seek.a, Bounds::non_negative(),
        "seek curve t(d) = a + b (d/cylinders)^c",
        "PARAMETERS.md candidate curve"),
    q(Kind::Time, "seek.b", P.disk.seek.b, Bounds::non_negative(),
        "seek curve t(d) = a + b (d/cylinders)^c",
        "PARAMETERS.md candidate curve"),
    real("seek.c", P.disk.seek.c, Bounds::positive(),
        "exponent of the seek curve",
        "same"),
    q(Kind::Time, "overheads.read_miss", P.disk.overheads.read_miss_after_read, Bounds::non_negative(),
        "command receipt to mechanics start, read miss",
        "estimate"),
    q(Kind::Time, "overheads.read_hit", P.disk.overheads.read_hit_after_read, Bounds::non_negative(),
        "same, read served from the buffer",
        "estimate"),
    q(Kind::Time, "overheads.write", P.disk.overheads.write_miss_after_read, Bounds::non_negative(),
        "same, any write",
        "estimate"),
    integer("buffer.segments", P.disk.buffer_segments, 1, 1024,
        "buffer segments",
        "datasheet (buffer size) / estimate"),
    size("buffer.segment_size", uint64_t(P.disk.segment_blocks) * 512, kSectors32,
        "bytes per segment (whole sectors)",
        "estimate").with_constraint("a whole number of 512 B sectors, at least one"),
    size("buffer.read_ahead", uint64_t(P.disk.read_ahead_blocks) * 512, kSectors32,
        "read-ahead past the request (whole sectors)",
        "estimate"),
    integer("buffer.fast_write_level", P.disk.fast_write_level, 0, 2,
        "0 write-through; > 0 writes reported done from the buffer",
        "DiskSim"),
    integer("queue_depth", P.disk.queue_depth, 1, 256,
        "tagged command queue limit",
        "datasheet"),
    choice("scheduler", P.disk.scheduler,
        "order the drive serves its queue in",
        "firmware (15K.3: rotational ordering)"),
    size("max_burst", P.disk.max_burst_bytes, Bounds::non_negative(),
        "read data sent per reconnection; 0 = the whole request in one",
        "fitted (U320 ceiling)").with_constraint("0 or a multiple of 512 B"),
    q(Kind::Time, "interface_sector_time", P.disk.interface_sector_time, Bounds::non_negative(),
        "bus time of one sector at the interface rate, paces reconnections",
        "512 B at 320 MB/s = 1.6 us"),
  });
  section("platform.raid0", {
    size("stripe_unit", P.stripe_bytes, Bounds::positive(),
        "RAID0 stripe unit (one request nearly always on one disk)",
        "BRIEF.md").with_constraint("a multiple of 512 B, at most one disk"),
  });
  section("platform.sync", {
    choice("scheduler", P.sync.sched.kind,
        "order of each disk's block-layer queue (`model/common/io_sched.hpp`): elevator = 2.4's one-way sweep; fifo = arrival; round = each stream (`IoRequest::origin`) once per round in one ascending sweep, arrivals wait for the round to complete; scan_edf = earliest deadline first, deadlines in one `edf_quantum` in sweep order; gss = `gss_groups` groups (origin mod g) in fixed order, one sweep each. The disk still reorders the up to `queue_depth` commands it holds (its own `scheduler`): set `queue_depth: 1` for the host's order to be the disk's",
        "2.4 elevator; Reddy & Wyllie 1993; Yu, Chen & Kandlur 1993"),
    integer("gss_groups", P.sync.sched.gss_groups, 1, 100000,
        "gss: the number of groups g (1 = round; >= streams = round-robin)",
        "a choice"),
    q(Kind::Time, "edf_quantum", P.sync.sched.edf_quantum_s, Bounds::non_negative(),
        "scan_edf: deadlines in the same quantum are served in sweep order (0: equal deadlines only)",
        "a choice"),
    integer("queue_depth", P.sync.queue_depth, 1, 256,
        "commands outstanding per disk (`cmd_per_lun`)",
        "2.4 mptscsih (PARAMETERS.md)"),
    integer("can_queue", P.sync.can_queue, 1, 4096,
        "commands outstanding per adapter",
        "2.4 mptscsih (PARAMETERS.md)"),
    q(Kind::Cycles, "cost.md_map", P.sync.md_map_cycles, Bounds::non_negative(),
        "md RAID0 make_request + remap",
        "estimate"),
    q(Kind::Cycles, "cost.elevator", P.sync.elevator_cycles, Bounds::non_negative(),
        "elevator merge/insert, base",
        "estimate"),
    q(Kind::Cycles, "cost.elevator_per_entry", P.sync.elevator_per_entry, Bounds::non_negative(),
        "insertion scan per queued request",
        "estimate"),
    q(Kind::Cycles, "cost.queuecommand", P.sync.queuecommand_cycles, Bounds::non_negative(),
        "scsi_dispatch_cmd + mptscsih frame build, per command",
        "estimate"),
    q(Kind::Cycles, "cost.isr", P.sync.isr_cycles, Bounds::non_negative(),
        "mptscsih ISR body (its PIO reads are timed on the bus)",
        "estimate"),
    q(Kind::Cycles, "cost.bottom_half", P.sync.bottom_half_cycles, Bounds::non_negative(),
        "per reply: scsi_done, softirq, end_request",
        "estimate"),
    q(Kind::Frequency, "hba.iop_clock", P.hba.iop_hz, clock_range(),
        "the 53C1030's ARM966E-S clock",
        "53C1030 manual"),
    q(Kind::Cycles, "hba.iop_per_request", P.hba.iop_cycles_per_request, Bounds::non_negative(),
        "chip: frame decode + SCSI start",
        "estimate"),
    q(Kind::Cycles, "hba.iop_per_reply", P.hba.iop_cycles_per_reply, Bounds::non_negative(),
        "chip: context reply + interrupt",
        "estimate"),
    integer("hba.coalesce_count", P.hba.coalesce_count, 1, 1024,
        "replies per interrupt (1 = no coalescing); above 1 it needs `coalesce_timeout`, else the run's last partial batch is never announced and the run cannot drain. The chip's field (IOC Page 1 CoalescingDepth) is 8 bits: the real chip stops at 255",
        "paper's default setup; Fusion-MPT IOC Page 1"),
    q(Kind::Time, "hba.coalesce_timeout", P.hba.coalesce_timeout_s, Bounds::non_negative(),
        "longest hold of a partial batch, from its first reply",
        "IOC Page 1 CoalescingTimeout (us); Linux mptbase caps it at 16 us").with_constraint("<= `run.drain_limit`"),
    choice("completion", P.sync.completion,
        "irq: one ISR per interrupt drains the reply FIFO (Linux 2.4 mptscsih); hybrid: the ISR masks the reply interrupt (HostInterruptMask) and wakes the adapter's poll thread, which takes up to `hybrid.budget` replies per poll, polls again while polls find replies and unmasks when one finds none (NAPI style; issue 8)",
        "Linux NAPI / mptscsih"),
    integer("hybrid.budget", P.sync.budget, 1, 1 << 20,
        "hybrid: replies per poll before it yields the CPU",
        "mptbase.h MPT_MAX_REPLIES_PER_ISR"),
    q(Kind::Time, "hybrid.repoll", P.sync.repoll_s, Bounds::non_negative(),
        "hybrid: sleep between polls that found replies; 0 = poll again at once (through the run queue). A 2.4 kernel thread sleeps in jiffies (10 ms at HZ=100)",
        "a choice").with_constraint("<= `run.drain_limit`"),
    choice("io", P.sync.io,
        "data path: direct = O_DIRECT / raw, the HBA DMAs to and from the user buffer; buffered = 2.4 generic_file_read through the page cache (`model/host/page_cache.hpp`): a lookup per 4 KiB page, on a miss page allocation + LRU insert and the read down the block layer into the cache, then copy_to_user on the reading CPU (system time); a read whose pages are all cached completes without the disk; a write is copied into cache pages (copy_from_user, allocation) and then written through, the writer waiting for the disk as 2.4's balance_dirty makes a writer that outruns it do. buffered needs `io_path: sync` and `workload.kind: closed` (issue 8)",
        "Linux 2.4 mm/filemap.c"),
    size("page_cache", P.sync.page_cache_bytes, Bounds::range(0, 1e15),
        "buffered: page cache capacity (one LRU list of 4 KiB pages); only with `io: buffered`",
        "estimate (x342: 4 GB)"),
    q(Kind::Rate, "copy_bandwidth", P.sync.copy_bandwidth, Bounds::positive(),
        "buffered: copy_to_user bytes per second on one CPU; also the bounce copy (`bounce: highmem`); only with `io: buffered` or `bounce: highmem`",
        "lmbench bcopy 222-271 MB/s, dual PIII 1 GHz PC133 (PARAMETERS.md)"),
    integer("readahead_pages", P.sync.readahead_pages, 0, 1 << 16,
        "buffered: read-ahead window in 4 KiB pages (generic_file_readahead): a read that starts where the same reader's last one ended has the next pages read into the cache behind it, sent once half the window is missing; later reads of them wait for it; 0 = none; only with `io: buffered`",
        "Linux 2.4 mm/filemap.c vm_max_readahead = 31"),
    q(Kind::Cycles, "cost.page_lookup", P.sync.page_lookup_cycles, Bounds::non_negative(),
        "buffered: find_get_page per 4 KiB page",
        "estimate"),
    q(Kind::Cycles, "cost.page_alloc", P.sync.page_alloc_cycles, Bounds::non_negative(),
        "buffered: per missed page, page_cache_alloc + add_to_page_cache + lru_cache_add",
        "estimate"),
    q(Kind::Cycles, "cost.page_reclaim", P.sync.page_reclaim_cycles, Bounds::non_negative(),
        "buffered: per page evicted from a full cache, shrink_cache + __remove_inode_page + the buddy free, charged to the reader (2.4.18 direct reclaim in __alloc_pages)",
        "estimate"),
    choice("bounce", P.sync.bounce,
        "highmem bounce buffers in the 2.4 block layer (io_path sync, posix_aio, kaio, uring; the card's driver, io_path async, DMAs to its own buffers and never bounces; issue 8): none = the HBA DMAs into the data pages as they are (no highmem, or 2.4.20+ / the block-highmem patch with a highmem_io driver); highmem = stock 2.4.18 with CONFIG_HIGHMEM4G: every data page (GFP_HIGHUSER, served from high memory first) gets a lowmem bounce page; a write is copied down at submission, a read copied up in the completion path before the reader wakes, at `copy_bandwidth`",
        "Linux 2.4.18 mm/highmem.c create_bounce; IO-Perf-HOWTO (IBM, 2002) sec. 3"),
    q(Kind::Cycles, "cost.bounce_page", P.sync.bounce_page_cycles, Bounds::non_negative(),
        "bounce: highmem, per 4 KiB page: alloc_bounce_page + alloc_bounce_bh, their free at completion, kmap_atomic (the copy apart)",
        "estimate"),
    // The error handler's timing (issue 11): read only in scenarios with
    // `faults:` or when given, so other results keep their recorded configuration.
    q(Kind::Time, "scsi_timeout", P.sync.scsi_timeout_s, Bounds::positive(),
        "per-command timeout of the SCSI mid-layer: a command unanswered this long wakes the error handler (abort, device reset, bus reset, host reset; retry). Read only with `faults:` or when given",
        "Linux 2.4 sd.c SD_TIMEOUT (30 * HZ)"),
    q(Kind::Time, "bus_reset_settle", P.sync.bus_reset_settle_s, Bounds::non_negative(),
        "the error handler's sleep after a successful bus reset. Read only with `faults:` or when given",
        "Linux 2.4 scsi_error.c BUS_RESET_SETTLE_TIME"),
    q(Kind::Time, "host_reset_settle", P.sync.host_reset_settle_s, Bounds::non_negative(),
        "the error handler's sleep after a successful host reset. Read only with `faults:` or when given",
        "Linux 2.4 scsi_error.c HOST_RESET_SETTLE_TIME"),
    q(Kind::Time, "hba.tm_timeout", P.hba.tm_timeout_s, Bounds::non_negative(),
        "the chip's wait for a target's answer to ABORT TASK / TARGET RESET. Read only with `faults:` or when given",
        "estimate (later Fusion-MPT drivers' parallel SCSI task-management timeout)"),
    q(Kind::Time, "hba.ioc_reset", P.hba.ioc_reset_s, Bounds::non_negative(),
        "IOC hard reset (the host reset) before the chip takes requests again. Read only with `faults:` or when given",
        "estimate"),
  });
  section("platform.async", {
    q(Kind::Time, "poll_period", P.async.poll_period_s, Bounds::positive(),
        "polling thread period: completions wait for it",
        "BRIEF.md").with_constraint("<= `run.drain_limit`"),
    q(Kind::Cycles, "submit", P.async.submit_cycles, Bounds::non_negative(),
        "host driver submit: build the record, bookkeeping",
        "estimate"),
    q(Kind::Cycles, "complete", P.async.complete_cycles, Bounds::non_negative(),
        "host, per completion: callback, mark the buffer done",
        "estimate"),
    integer("ring_depth", P.queue_ctrl.depth, 1, kQcMaxDepth,
        "records in each ring (request and completion)",
        "BRIEF.md"),
    choice("queue_controller", P.queue_ctrl.core,
        "the Verilog ring controller (Verilator) or its C++ reference model; same results",
        "ARCHITECTURE.md"),
    q(Kind::Frequency, "card_clock", P.queue_ctrl.clock_hz, clock_range(),
        "ring controller clock",
        "PCI-X 64/133"),
    integer("tags_per_disk", P.card_tags_per_disk, 1, 256,
        "commands the card keeps outstanding per disk",
        "estimate"),
    q(Kind::Frequency, "firmware.clock", P.firmware.cpu_hz, clock_range(),
        "card CPU clock",
        "IOP321-class guess"),
    q(Kind::Time, "firmware.poll_interval", P.firmware.poll_interval_s, Bounds::positive(),
        "firmware idle loop re-reads the request ring",
        "estimate").with_constraint("<= `run.drain_limit`"),
    q(Kind::Cycles, "firmware.take", P.firmware.take_cycles, Bounds::non_negative(),
        "read one request record, set it invalid",
        "estimate"),
    q(Kind::Cycles, "firmware.map", P.firmware.map_cycles, Bounds::non_negative(),
        "RAID0 translation",
        "estimate"),
    q(Kind::Cycles, "firmware.issue", P.firmware.issue_cycles, Bounds::non_negative(),
        "build and start a SCSI command",
        "estimate"),
    q(Kind::Cycles, "firmware.scsi_done", P.firmware.scsi_done_cycles, Bounds::non_negative(),
        "SCSI completion interrupt + bookkeeping",
        "estimate"),
    q(Kind::Cycles, "firmware.dma_setup", P.firmware.dma_setup_cycles, Bounds::non_negative(),
        "program one DMA descriptor chain",
        "estimate"),
    q(Kind::Cycles, "firmware.post", P.firmware.post_cycles, Bounds::non_negative(),
        "fill a completion record, set it valid",
        "estimate"),
    integer("firmware.max_jobs", P.firmware.max_jobs, 1, 1 << 20,
        "command descriptors: a request is taken off the ring only with one free",
        "estimate"),
    integer("firmware.dma_channels", P.firmware.dma_channels, 1, 8,
        "DMA channels copying data to the host",
        "Intel IOP321 datasheet"),
    choice("completion", P.async.completion,
        "how the host learns of completions (issue 8): poll = the paper's polling thread every `poll_period`; irq = the firmware rings its doorbell, the card's INTA# runs the driver's handler, which clears the doorbell and drains the completion ring in its bottom half; hybrid = the handler masks the card's interrupt (OIMR) and wakes a poll thread that drains up to `hybrid.budget` per poll, polls again while polls find work, and unmasks when one finds none (NAPI)",
        "BRIEF.md (poll); Intel 80321 Messaging Unit; Linux NAPI"),
    q(Kind::Cycles, "firmware.doorbell", P.firmware.doorbell_cycles, Bounds::non_negative(),
        "irq, hybrid: ring the messaging unit's outbound doorbell (one local-bus store + the coalescing count)",
        "estimate"),
    integer("irq.coalesce_count", P.firmware.irq_coalesce_count, 1, 1024,
        "irq, hybrid: completions per doorbell (firmware-side coalescing); above 1 needs `irq.coalesce_timeout`",
        "a choice"),
    q(Kind::Time, "irq.coalesce_timeout", P.firmware.irq_coalesce_timeout_s, Bounds::non_negative(),
        "longest hold of a partial batch, from its first completion",
        "a choice").with_constraint("<= `run.drain_limit`"),
    q(Kind::Cycles, "irq.isr", P.async.isr_cycles, Bounds::non_negative(),
        "host: the card's interrupt handler body, besides its PIO accesses (timed on the bus)",
        "estimate (as `sync.cost.isr`)"),
    q(Kind::Cycles, "irq.softirq", P.async.softirq_cycles, Bounds::non_negative(),
        "host, irq: raise and enter the bottom half that drains, per interrupt (per completion: `complete`)",
        "estimate"),
    integer("hybrid.budget", P.async.budget, 1, 1 << 20,
        "hybrid: completions per poll before it yields the CPU",
        "Linux NAPI_POLL_WEIGHT"),
    q(Kind::Time, "hybrid.repoll", P.async.repoll_s, Bounds::non_negative(),
        "hybrid: sleep between polls that found work; 0 = poll again at once (NAPI). 10 ms = one jiffy at HZ=100, the shortest sleep of a 2.4 kernel thread",
        "a choice").with_constraint("<= `run.drain_limit`"),
    choice("firmware.scheduler", P.firmware.sched.kind,
        "order of the SCSI commands per disk: fifo hands each to the SCSI controller when the request is taken (the paper's card); any other keeps a firmware backlog per disk in that order (as `platform.sync.scheduler`) and lets at most `tags_per_disk` out per disk, so set `tags_per_disk` low for the policy, not the disk, to decide the order",
        "Reddy & Wyllie 1993; Yu, Chen & Kandlur 1993"),
    integer("firmware.gss_groups", P.firmware.sched.gss_groups, 1, 100000,
        "gss: groups",
        "a choice"),
    q(Kind::Time, "firmware.edf_quantum", P.firmware.sched.edf_quantum_s, Bounds::non_negative(),
        "scan_edf: deadline quantum",
        "a choice"),
    // The firmware's own SCSI command timeout (issue 11; model/card/README.md,
    // "Command timeouts"): read only with a disk_hang on the async path or
    // when written, so other results keep their keys.
    q(Kind::Time, "firmware.scsi_timeout", P.firmware.scsi_timeout_s, Bounds::positive(),
        "a SCSI command the card started that is outstanding this long is aborted (ABORT TASK), then its target reset, then its bus; read only with a disk_hang on the async path, or when written",
        "estimate (the paper's firmware is custom)").with_constraint("(`scsi_retries` + 1) x (`scsi_timeout` + 2 `tm_timeout`) < `platform.async.watchdog.request_timeout` when the watchdog runs"),
    q(Kind::Time, "firmware.tm_timeout", P.firmware.tm_timeout_s, Bounds::positive(),
        "how long the firmware waits for a target's answer to ABORT TASK or TARGET RESET before the next step",
        "estimate"),
    integer("firmware.scsi_retries", P.firmware.scsi_retries, 0, 100,
        "times a SCSI command ended by the firmware's abort or reset is sent again; then its request completes with an error (-EIO at the host)",
        "estimate"),
    q(Kind::Cycles, "firmware.tm", P.firmware.tm_cycles, Bounds::non_negative(),
        "build one task management request for a SCSI controller",
        "estimate (as `firmware.issue`)"),
  });
  // The async driver's watchdog (issue 11): read only in scenarios with a
  // card fault or when the section is written, so other results keep their keys.
  section("platform.async.watchdog", {
    q(Kind::Time, "period", P.async.watchdog_period_s, Bounds::positive(),
        "between two heartbeat checks (a kernel timer); read only with a card fault or when written",
        "mpt2sas/mpt3sas FAULT_POLLING_INTERVAL").with_constraint("> `platform.async.firmware.poll_interval`"),
    q(Kind::Time, "request_timeout", P.async.request_timeout_s, Bounds::positive(),
        "a request outstanding on the card longer than this at a check resets the card",
        "Linux sd.c SD_TIMEOUT"),
    choice("recovery", P.async.recovery,
        "after a reset: send the outstanding requests again (resubmit), or end them with -EIO (fail)",
        "the SCSI mid-layer retries after a host reset"),
    integer("tries", P.async.tries, 1, 100,
        "times a request is sent at most; a reset finding it at this count ends it with -EIO",
        "sd.c SD_MAX_RETRIES"),
    q(Kind::Time, "restart", P.firmware.restart_s, Bounds::positive(),
        "from the board reset to the firmware running again",
        "estimate"),
    q(Kind::Time, "reset_poll", P.async.reset_poll_s, Bounds::positive(),
        "the driver's heartbeat re-reads while the card boots",
        "one jiffy at HZ=100"),
  });
  section("platform.posix_aio", {
    // aio_init takes ints; 10^5 threads is far beyond any system of the time.
    integer("threads", P.posix_aio.threads, 1, 100000,
        "aio_init's `aio_threads`: most helper threads (each serves one request at a time)",
        "glibc aio_misc.c default"),
    integer("num", P.posix_aio.num, 1, 1000000,
        "aio_init's `aio_num`: request-list entries allocated at first use, then rows of 32",
        "glibc aio_misc.c default"),
    q(Kind::Time, "idle_time", P.posix_aio.idle_time_s, Bounds::positive(),
        "`aio_idle_time`: an idle thread exits after it (applied when the pool is next consulted)",
        "glibc aio_misc.c default"),
    integer("fds_per_process", P.posix_aio.fds_per_process, 1, 4096,
        "descriptors each process spreads its requests over; glibc serves one request per descriptor at a time, the rest wait behind it",
        "a choice (glibc: per-descriptor queue)"),
    choice("notify", P.posix_aio.notify,
        "sigev_notify: none (aio_suspend / aio_error), signal (kill + handler per completion), thread (a new thread per completion runs the callback)",
        "POSIX"),
    integer("sched_param_syscalls", P.posix_aio.sched_param_syscalls, 0, 16,
        "system calls of pthread_getschedparam per enqueue: 2 under LinuxThreads, 0 under NPTL",
        "glibc 2.2 LinuxThreads"),
    q(Kind::Cycles, "cost.call", P.posix_aio.call_cycles, Bounds::non_negative(),
        "aio_read / lio_listio entry",
        "estimate"),
    q(Kind::Cycles, "cost.enqueue", P.posix_aio.enqueue_cycles, Bounds::non_negative(),
        "__aio_enqueue_request: mutex, descriptor list, entry, insert",
        "estimate"),
    q(Kind::Cycles, "cost.thread_create", P.posix_aio.thread_create_cycles, Bounds::non_negative(),
        "pthread_create (helper or SIGEV_THREAD thread)",
        "estimate"),
    q(Kind::Cycles, "cost.thread_exit", P.posix_aio.thread_exit_cycles, Bounds::non_negative(),
        "a thread's exit",
        "estimate"),
    q(Kind::Cycles, "cost.pool_grow", P.posix_aio.pool_grow_cycles, Bounds::non_negative(),
        "a new row of request-list entries (calloc)",
        "estimate"),
    q(Kind::Cycles, "cost.complete", P.posix_aio.complete_cycles, Bounds::non_negative(),
        "worker after its pread: error code, lists, free the entry",
        "estimate"),
    q(Kind::Cycles, "cost.signal_send", P.posix_aio.signal_send_cycles, Bounds::non_negative(),
        "SIGEV_SIGNAL: kill -> send_sig_info (plus a syscall)",
        "estimate"),
    q(Kind::Cycles, "cost.signal_handle", P.posix_aio.signal_handle_cycles, Bounds::non_negative(),
        "signal frame, handler, sigreturn (charged on the sender's CPU)",
        "estimate"),
    q(Kind::Cycles, "cost.callback", P.posix_aio.callback_cycles, Bounds::non_negative(),
        "SIGEV_THREAD: the notification function",
        "estimate"),
    q(Kind::Cycles, "cost.suspend", P.posix_aio.suspend_cycles, Bounds::non_negative(),
        "aio_suspend: mutex, wait list, condition wait (plus a syscall)",
        "estimate"),
    q(Kind::Cycles, "cost.suspend_per_aiocb", P.posix_aio.suspend_per_aiocb, Bounds::non_negative(),
        "aio_suspend per listed aiocb",
        "estimate"),
    q(Kind::Cycles, "cost.return", P.posix_aio.return_cycles, Bounds::non_negative(),
        "aio_error + aio_return per completed aiocb",
        "estimate"),
  });
  section("platform.kaio", {
    // fs.aio-max-nr, Linux 2.6's system-wide default limit on nr_events: 65536.
    integer("nr_events", P.kaio.nr_events, 1, 65536,
        "io_setup's nr_events: requests in flight or unreaped; io_submit beyond it gets EAGAIN and the caller waits",
        "a choice (fs.aio-max-nr 65536)"),
    integer("reapers", P.kaio.reapers, 0, 1024,
        "threads looping on io_getevents and handing events to the workload; 0: each process reaps its own (closed workload only)",
        "a choice"),
    integer("min_nr", P.kaio.min_nr, 1, 65536,
        "io_getevents' min_nr: events a reaper thread waits for (reapers >= 1 only); above 1 it needs `timeout`",
        "a choice").with_constraint("<= `nr`"),
    integer("nr", P.kaio.nr, 1, 65536,
        "io_getevents' nr: most events per reaper call (reapers >= 1 only)",
        "a choice"),
    q(Kind::Time, "timeout", P.kaio.timeout_s, Bounds::non_negative(),
        "io_getevents' timeout of the reaper threads (0: none; reapers >= 1 only)",
        "a choice").with_constraint("<= `run.drain_limit`"),
    q(Kind::Cycles, "cost.submit_per_iocb", P.kaio.submit_per_iocb, Bounds::non_negative(),
        "io_submit per iocb: copy, aio_get_req, fget, setup (plus one syscall per call)",
        "estimate"),
    q(Kind::Cycles, "cost.complete", P.kaio.complete_cycles, Bounds::non_negative(),
        "aio_complete in the bottom half: ring event, tail, wake-up",
        "estimate"),
    q(Kind::Cycles, "cost.getevents", P.kaio.getevents_cycles, Bounds::non_negative(),
        "io_getevents per call (plus a syscall)",
        "estimate"),
    q(Kind::Cycles, "cost.getevents_per_event", P.kaio.getevents_per_event, Bounds::non_negative(),
        "one io_event copied to the user",
        "estimate"),
  });
  section("platform.uring", {
    // Linux io_uring/io_uring.c: IORING_MAX_ENTRIES 32768, IORING_MAX_CQ_ENTRIES 2x that.
    integer("sq_entries", P.uring.sq_entries, 1, 32768,
        "io_uring_setup's entries: SQ ring size (rounded up to a power of two, as Linux does); with `sqpoll` a full SQ makes the submitter wait (io_uring_enter SQ_WAIT)",
        "a choice (IORING_MAX_ENTRIES 32768)"),
    integer("cq_entries", P.uring.cq_entries, 0, 65536,
        "CQ ring size (IORING_SETUP_CQSIZE; rounded up to a power of two); 0: twice the SQ's. CQEs beyond it go to the kernel's overflow list (IORING_FEAT_NODROP) and are flushed by an io_uring_enter (`cq_overflows`)",
        "io_uring_setup(2): CQ twice the SQ by default").with_constraint(">= `sq_entries`, or 0"),
    boolean("sqpoll", P.uring.sqpoll,
        "IORING_SETUP_SQPOLL: a kernel thread polls the SQ and submits, occupying a CPU while it polls; no syscall per submission while it is awake",
        "Axboe, Efficient IO with io_uring (2019): kernel side polling"),
    q(Kind::Time, "sq_thread_idle", P.uring.sq_thread_idle_s, Bounds::non_negative(),
        "sqpoll: the SQ thread sleeps after this long without work (then the next submitter wakes it: io_uring_enter SQ_WAKEUP, a syscall and a wakeup)",
        "io_uring/sqpoll.c io_sq_offload_create: 0 -> HZ jiffies = 1 s"),
    boolean("iopoll", P.uring.iopoll,
        "IORING_SETUP_IOPOLL (needs `sqpoll` here): the HBAs' reply interrupts masked, the SQ thread polls their reply FIFOs while requests are in flight. The 2.4-era Fusion-MPT driver had no poll hook: a what-if on the x342",
        "Axboe, Efficient IO with io_uring (2019): polled IO"),
    q(Kind::Time, "poll_gap", P.uring.poll_gap_s, Bounds::positive(),
        "a polling pass that found nothing spins this long (system time) before the next look: Linux loops back to back, iosim simulates the spin in slices (pick-up waits up to one slice; IOPOLL reads each reply FIFO once per slice)",
        "estimate (model resolution)"),
    q(Kind::Cycles, "cost.sqe", P.uring.sqe_cycles, Bounds::non_negative(),
        "user: fill one 64 B SQE, its SQ array slot, the tail store",
        "estimate"),
    q(Kind::Cycles, "cost.cqe", P.uring.cqe_cycles, Bounds::non_negative(),
        "user: read one 16 B CQE, advance the head",
        "estimate"),
    q(Kind::Cycles, "cost.submit_per_sqe", P.uring.submit_per_sqe, Bounds::non_negative(),
        "kernel per SQE (io_submit_sqes: get the SQE, init the request, fget, issue), by io_uring_enter or the SQ thread; plus one syscall per io_uring_enter",
        "estimate: kaio's submit_per_iocb (same work)"),
    q(Kind::Cycles, "cost.complete", P.uring.complete_cycles, Bounds::non_negative(),
        "posting a CQE (io_cqring_fill_event, commit, wake check) in the bottom half or the polling thread",
        "estimate: kaio's complete (same work)"),
    q(Kind::Cycles, "cost.wait", P.uring.wait_cycles, Bounds::non_negative(),
        "io_uring_enter(GETEVENTS) that sleeps for a CQE: wait queue, CQ tail (plus a syscall)",
        "estimate: kaio's getevents (same work)"),
    q(Kind::Cycles, "cost.overflow", P.uring.overflow_cycles, Bounds::non_negative(),
        "a CQE that finds the CQ full: kmalloc an overflow entry, list add",
        "estimate"),
    q(Kind::Cycles, "cost.flush_per_cqe", P.uring.flush_per_cqe, Bounds::non_negative(),
        "flushing one overflowed CQE into the CQ (plus the io_uring_enter's syscall)",
        "estimate"),
  });
  section("platform.nvme", {
    size("capacity", P.nvme.device.capacity_bytes, Bounds::range(4096, 1e18),
        "SSD capacity",
        "P4800X 375 GB (Intel product brief, AnandTech review 11209)"),
    integer("channels", P.nvme.device.channels, 1, 64,
        "flash channels of the controller",
        "SLL3D controller, 7 channels (AnandTech 11209)"),
    integer("dies_per_channel", P.nvme.device.dies_per_channel, 1, 64,
        "media dies on each channel",
        "28 x 128 Gbit dies for 375 GB (AnandTech 11209; estimate)"),
    integer("stripe_channels", P.nvme.device.stripe_channels, 1, 64,
        "channels one read is spread over",
        "estimate: a read spread over all channels (then 7 x 343 MB/s = the 2400 MB/s sequential spec, and 2.4e9/4096 = 586k IOPS vs 550k spec, 584.8k measured at QD16)").with_constraint("<= `channels`"),
    q(Kind::Rate, "channel_rate", P.nvme.device.channel_rate, Bounds::positive(),
        "data rate of one channel",
        "sequential read 2400 MB/s (Intel spec) / 7"),
    q(Kind::Time, "t_read", P.nvme.device.t_read, Bounds::non_negative(),
        "media read time of one die (tR) for its piece, ECC and buffering included",
        "estimate (3D XPoint die read + ECC of a ~585 B piece)"),
    q(Kind::Time, "t_command", P.nvme.device.t_command, Bounds::non_negative(),
        "controller front end per command (SQE decode, LBA lookup, scheduling), a pipelined latency",
        "**fitted**: QD1 interrupt mean = 8.9 us (AnandTech 11209, \"4kB Random Read at QD1\")"),
    q(Kind::Time, "t_complete", P.nvme.device.t_complete, Bounds::non_negative(),
        "controller back end per completion (CQE build)",
        "estimate (CQE build)"),
    // NVMe 1.3, 5.3 (Create I/O Completion Queue): QSIZE is 0-based, 16 bits: 2..65536 entries.
    integer("queue_entries", P.nvme.device.queue_entries, 2, 65536,
        "entries of each I/O submission and completion queue",
        "Linux nvme `io_queue_depth` default").with_constraint("> `workload.processes`"),
    integer("queues", P.nvme.device.queues, 0, 64,
        "I/O queue pairs; 0 = one per CPU",
        "Linux nvme: one I/O queue pair per CPU").with_constraint("<= `platform.host.cpus`"),
    // PCIe link widths x1 .. x32 (PCIe 3.0 base spec, 4.2.4.8); rates per lane.
    integer("lanes", P.nvme.device.lanes, 1, 32,
        "PCIe link width",
        "P4800X: PCIe 3.0 x4"),
    q(Kind::Rate, "lane_rate", P.nvme.device.lane_rate, Bounds::positive(),
        "data rate of one lane, after encoding",
        "8 GT/s (PCIe 3.0 base spec); 128b/130b applied"),
    size("max_payload", P.nvme.device.max_payload, Bounds::range(128, 4096),
        "MPS: largest TLP payload",
        "MPS, common server setting (estimate)").with_constraint("a power of two"),
    size("max_read_request", P.nvme.device.max_read_request, Bounds::range(128, 4096),
        "MRRS: largest read request",
        "MRRS, Linux default (`pcie_set_readrq`)").with_constraint("a power of two"),
    choice("completion", P.nvme.driver.completion,
        "how the driver learns of completions: an interrupt (MSI-X), polling, or hybrid (sleep, then poll)",
        "Linux nvme / blk-mq"),
    q(Kind::Cycles, "driver.submit", P.nvme.driver.submit_cycles, Bounds::non_negative(),
        "host: submit one read",
        "bio + `blk_mq_get_request` + `nvme_queue_rq`, ~1 us (estimate)"),
    q(Kind::Cycles, "driver.isr", P.nvme.driver.isr_cycles, Bounds::non_negative(),
        "host: the interrupt handler, per interrupt",
        "`nvme_irq` entry and CQ scan, ~0.2 us (estimate)"),
    q(Kind::Cycles, "driver.complete", P.nvme.driver.complete_cycles, Bounds::non_negative(),
        "host: per completion entry",
        "per CQE: `nvme_handle_cqe`, `blk_mq_end_request`, bio end, unmap, ~0.8 us (estimate)"),
    q(Kind::Cycles, "driver.poll_entry", P.nvme.driver.poll_entry_cycles, Bounds::non_negative(),
        "host: entering a poll",
        "`blk_poll`/`nvme_poll` set-up (estimate)"),
    q(Kind::Cycles, "driver.poll_check", P.nvme.driver.poll_check_cycles, Bounds::non_negative(),
        "host: one poll iteration",
        "one poll iteration: phase-tag load + `cpu_relax` (estimate)"),
    q(Kind::Time, "driver.hybrid_window", P.nvme.driver.hybrid_window_s, Bounds::positive(),
        "hybrid: the window the mean completion time is measured over",
        "`blk_stat_activate_msecs(q->poll_cb, 100)` (blk-mq.c)"),
    q(Kind::Time, "driver.hybrid_sleep", P.nvme.driver.hybrid_sleep_s, Bounds::non_negative(),
        "hybrid: sleep before polling; 0 = half the mean completion time",
        "`io_poll_delay = 0`, Axboe, \"blk-mq: make the polling code adaptive\", 2016"),
    q(Kind::Time, "driver.slice", P.nvme.driver.slice_s, Bounds::non_negative(),
        "poll: a spinning process yields the CPU after this long; 0 = at the next timer tick (1/HZ)",
        "estimate"),
  });
  section("workload", {
    choice("kind", W.kind,
        "closed: N blocking processes (sync path; on posix_aio / kaio N processes with `iodepth` requests each); open: aggregate Poisson rate (async, posix_aio, kaio paths); storage: no host, straight into the disks; streams: streaming clients with periods and deadlines (either path, `workload.streams` below)",
        "BRIEF.md (test programs, \"Problem\")"),
    size("block", W.access.block_bytes, kRequest,
        "request size",
        "BRIEF.md (1-1024 kB)").with_constraint("a multiple of 512 B, at most the volume"),
    size("align", W.access.align_bytes, Bounds::positive(),
        "start offsets are multiples of this",
        "raw device / O_DIRECT pages").with_constraint("a multiple of 512 B, at most the volume minus `block`"),
    choice("pattern", "random", {"random", "sequential"},
        "where requests go: uniform over the whole volume, or one after another",
        "BRIEF.md (random)"),
    q(Kind::Fraction, "write_fraction", W.access.write_fraction, Bounds::unit_interval(),
        "share of writes",
        "BRIEF.md (reads)"),
    integer("processes", W.processes, 1, 100000,
        "closed: blocking processes; open: processes sharing the rate; streams on the async path: issuing processes (stream i served by process i mod processes)",
        "a choice"),
    q(Kind::IoRate, "rate", W.rate, Bounds::positive(),
        "open: offered aggregate rate; storage: open-loop rate when `queue_depth` is 0; must give at least one request over `warmup + duration`",
        "a choice"),
    integer("queue_depth", W.queue_depth, 0, 100000,
        "storage: > 0 closed loop at this depth (else `rate` is required)",
        "a choice"),
    // The bound on requests in flight of the open-loop storage workload (the
    // same ceiling as queue_depth: 10^5 requests hold ~77 MB).
    integer("max_outstanding", int64_t(W.max_outstanding), 1, 100000,
        "storage open loop: an arrival finding this many requests in flight is dropped and counted (`dropped`; `outstanding.max` is the most in flight), so memory stays bounded (~770 B per request in flight)",
        "4x the x342's 256 tagged commands; 1024 x 1 MiB drains from one disk in ~22 s"),
    choice("target", W.target,
        "storage: the RAID0 volume over every disk, the disks of bus 0 striped alone, or the first disk alone",
        "a choice"),
    integer("iodepth", W.iodepth, 1, 100000,
        "closed on `posix_aio` / `kaio` / `uring`: requests each process keeps outstanding (submit, wait for any completion, resubmit; `model/workload/aio_processes.hpp`); only there",
        "a choice"),
    boolean("batch", W.batch,
        "closed on `posix_aio` / `kaio` / `uring`: submit a process's free slots in one call (lio_listio, io_submit of n iocbs, one io_uring_enter for n SQEs)",
        "a choice"),
  });
  section("workload.streams", {
    // Slots are packed in 20 bits of a read's key (stream_clients.hpp); 10^5
    // streams is ~30x what the paper's 20 disks can serve at 1.5 Mbit/s.
    integer("count", W.streams.count, 1, 100000,
        "concurrent streams; with arrivals the most admitted at once (what `iosim capacity` searches)",
        "a choice"),
    q(Kind::Time, "period", W.streams.period_s, Bounds::positive(),
        "T: one read per stream per period",
        "BRIEF.md (1 s to a few s)").with_constraint("<= `run.duration`"),
    q(Kind::Rate, "bitrate", 0, Bounds::positive(),
        "block = bitrate x period, rounded up to whole 512 B sectors; give this or `block`",
        "BRIEF.md: MPEG-1 1.5 Mbit/s, MPEG-2 6 Mbit/s").without_default(),
    size("block", 0, kRequest,
        "mean block per period (instead of `bitrate`)",
        "BRIEF.md (a few kB to a few MB)").without_default().with_constraint("a multiple of 512 B"),
    integer("buffer", W.streams.buffer_periods, 1, 1000,
        "b: client buffer in periods; 1 = due by the end of the period it is issued in",
        "BRIEF.md (1)"),
    choice("phase", W.streams.phase,
        "first release of the streams present at time 0: i T / N, or uniform in [0, T)",
        "a choice"),
    choice("placement", W.streams.placement,
        "a stream's blocks in order from a random aligned start (wrapping at the end of the volume), or each at a random aligned place (`workload.align`)",
        "a choice"),
    choice("size_dist", W.streams.size_dist,
        "block size per read: constant (CBR), uniform on mean x (1 +- spread), normal with sd = spread x mean clamped to [512 B, 2 x mean] (VBR)",
        "a choice"),
    q(Kind::Fraction, "size_spread", W.streams.size_spread, Bounds::unit_interval(),
        "VBR spread (error with `constant`)",
        "a choice"),
    q(Kind::IoRate, "arrival_rate", W.streams.arrival_rate, Bounds::non_negative(),
        "Poisson stream arrivals (streams/s); 0 = `count` streams play for the whole run. An arrival finding all `count` slots busy is rejected (`rejected`); the run starts with min(count, rate x mean_duration) streams",
        "a choice"),
    q(Kind::Time, "mean_duration", W.streams.mean_duration_s, Bounds::non_negative(),
        "mean stream duration (exponential), required with `arrival_rate`",
        "a choice"),
    integer("pool", W.streams.pool, 0, 100000,
        "sync path only: 0 = a blocking process per stream; P > 0 = P blocking processes serving every stream's released reads earliest deadline first (a stream's next read is released once its previous one is back)",
        "a choice"),
  });
  // The network path (issue 8, workload.kind: file_server; model/net/README.md).
  section("platform.net", {
    q(Kind::Rate, "link_rate", P.nic.link_rate, Bounds::positive(),
        "Ethernet link rate (each direction, full duplex)",
        "100BASE-TX: 100 Mbit/s (IEEE 802.3u)"),
    size("mtu", P.nic.mtu, Bounds::range(576, 9000),
        "IP MTU", "Ethernet II: 1500 B"),
    size("framing", P.nic.framing_bytes, Bounds::range(0, 1000),
        "bytes per frame beyond the IP packet: preamble + SFD, MAC header, FCS, inter-frame gap",
        "IEEE 802.3: 8 + 14 + 4 + 12 B"),
    integer("tx_ring", P.nic.tx_ring, 2, 4096,
        "NIC download (transmit) descriptors", "3c59x.c TX_RING_SIZE"),
    integer("rx_ring", P.nic.rx_ring, 1, 4096,
        "NIC upload (receive) descriptors", "3c59x.c RX_RING_SIZE"),
    boolean("scatter_gather", P.nic.scatter_gather,
        "the NIC downloads fragment lists (NETIF_F_SG)", "3c59x: Boomerang and later"),
    boolean("csum_offload", P.nic.csum_offload,
        "the NIC computes the TCP checksum (NETIF_F_IP_CSUM); zero-copy sendfile needs it and scatter_gather",
        "3c59x: Cyclone / Tornado (HAS_HWCKSM)"),
    integer("tx_coalesce", P.nic.tx_coalesce, 1, 4095,
        "transmit-complete interrupts: one per this many downloaded packets",
        "3c59x: 1 (TxIntrUploaded in every descriptor)"),
    size("tx_fifo", P.nic.tx_fifo_bytes, Bounds::range(1518, 1 << 20),
        "NIC transmit FIFO", "estimate (3c905B class)"),
    size("sndbuf", P.net.sndbuf, Bounds::range(2048, 1ull << 30),
        "socket send buffer", "2.4 tcp_wmem grows 16-128 KiB (estimate)"),
    size("rwnd", P.net.rwnd, Bounds::range(2048, 1ull << 30),
        "the client's advertised window", "2.4 tcp_rmem[1] 87380 B (estimate)"),
    q(Kind::Cycles, "cost.sendmsg", P.net.cost.sendmsg, Bounds::non_negative(),
        "host: tcp_sendmsg / do_tcp_sendpages per call", "estimate"),
    q(Kind::Cycles, "cost.skb_alloc", P.net.cost.skb_alloc, Bounds::non_negative(),
        "host: a segment's socket buffer", "estimate"),
    q(Kind::Cycles, "cost.page_ref", P.net.cost.page_ref, Bounds::non_negative(),
        "host: sendfile with zero copy, per page handed to the NIC", "estimate"),
    q(Kind::Cycles, "cost.tx_per_segment", P.net.cost.tx_per_segment, Bounds::non_negative(),
        "host: TCP/IP transmit per segment (tcp_transmit_skb, ip_queue_xmit, dev_queue_xmit)",
        "estimate; TCP's own path < 200 instructions (Clark et al. 1989)"),
    q(Kind::Cycles, "cost.xmit", P.net.cost.xmit, Bounds::non_negative(),
        "host: the driver's start_xmit besides its PIO", "estimate"),
    q(Kind::Cycles, "cost.isr", P.net.cost.isr, Bounds::non_negative(),
        "host: the driver's ISR body per interrupt besides its PIO", "estimate"),
    q(Kind::Cycles, "cost.tx_free", P.net.cost.tx_free, Bounds::non_negative(),
        "host: per downloaded packet, unmap and free", "estimate"),
    q(Kind::Cycles, "cost.rx_frame", P.net.cost.rx_frame, Bounds::non_negative(),
        "host: per received frame (driver + netif_rx)", "estimate"),
    q(Kind::Cycles, "cost.ack", P.net.cost.ack, Bounds::non_negative(),
        "host: per ACK, IP + TCP input (tcp_ack)", "estimate"),
    q(Kind::Cycles, "cost.ack_free", P.net.cost.ack_free, Bounds::non_negative(),
        "host: per acknowledged segment freed", "estimate"),
    q(Kind::Cycles, "cost.file_read", P.net.cost.file_read, Bounds::non_negative(),
        "host: read() / sendfile() file side per call, besides its pages", "estimate"),
    q(Kind::Time, "client.turnaround", P.client.turnaround, Bounds::non_negative(),
        "client: segment in to ACK out", "estimate"),
    q(Kind::Time, "client.delack", P.client.delack, Bounds::positive(),
        "client: delayed-ACK timer", "2.4 TCP_DELACK_MIN = HZ/25"),
    integer("client.ack_every", P.client.ack_every, 1, 64,
        "client: segments per ACK", "RFC 1122 4.2.3.2: at least every second full segment"),
  });
  section("workload.file_server", {
    choice("mode", W.file_server.mode,
        "read_write: read() + write() through a user buffer; sendfile: the page cache to the socket",
        "Morton 2001 (lkml, 'sendfile+zerocopy')"),
    choice("source", W.file_server.source,
        "where the file is: the page cache (no disk read), or the RAID0 volume read in order through the sync path (`platform.sync.io` buffered or direct)",
        "Morton 2001: a cached file"),
    integer("connections", W.file_server.connections, 1, 1024,
        "TCP connections, one server process each", "a choice"),
    size("chunk", W.file_server.chunk_bytes, kRequest,
        "bytes per read+write or sendfile call", "estimate").with_constraint("a multiple of 512 B"),
  });
  section("run", {
    integer("seed", int64_t(R.seed), 0, kMaxInt,
        "every random stream derives from it and its module's name",
        "a choice"),
    q(Kind::Time, "warmup", R.warmup_s, Bounds::non_negative(),
        "simulated before the measured window (statistics reset after it)",
        "a choice"),
    q(Kind::Time, "duration", R.duration_s, Bounds::positive(),
        "the measured window; the slowest disk request is a full-stroke seek (`seek.a + seek.b`) + a revolution + the command overhead (11.55 ms on the x342)",
        "a choice").with_constraint(">= the slowest disk request"),
    q(Kind::Time, "drain_limit", R.drain_limit_s, Bounds::positive(),
        "after the window every request in flight must complete within this, or the run fails (exit 1); a full ring of 1 MiB reads takes ~25 s",
        "a choice").with_constraint(">= the slowest disk request"),
    q(Kind::Time, "vcd.from", R.vcd_begin_s, Bounds::non_negative(),
        "start of the `--vcd` waveform",
        "a choice"),
    q(Kind::Time, "vcd.to", 0, Bounds::non_negative(),
        "end of the waveform",
        "a choice").without_default().with_default_text("end of run").with_constraint(">= `vcd.from`"),
    string("vcd.signals", "",
        "comma-separated glob patterns on `scope.name`, e.g. `top.card.*,top.scsi0.bus.*`",
        "a choice").with_default_text("all"),
  });
  section("faults[]", {
    choice<FaultKind>("kind",
        "the fault (see below)",
        "a choice").as_required(),
    string("target", "",
        "the disk, by its place under `top`: `scsi<b>.disk<i>` (`top.scsi1.disk3` also accepted); must exist on the platform (`scsi.buses` x `scsi.disks_per_bus`). Card faults (firmware_stall, lost_ring_update, pci_master_abort): `card` (async path only); pci_master_abort also `hba<b>`, the LSI 53C1030 of bus b (sync, posix_aio, kaio)",
        "a choice").without_default().as_required(),
    q(Kind::Time, "at", F.at_s, Bounds::non_negative(),
        "disk_failure, disk_hang, firmware_stall (required): the drive fails / its firmware hangs / the card's CPU hangs then; media_error: errors from then on; lost_ring_update, pci_master_abort: from then on (with `probability`), or once at the first event from then on (without)",
        "a choice").with_default_text("disk_failure, disk_hang, firmware_stall: required; others: 0").with_constraint("<= `run.warmup + run.duration`"),
    real("probability", F.probability, Bounds::unit_interval(),
        "media_error: each sector read from the media is unreadable with this probability, drawn afresh at every read (a soft error) from the drive's own stream; lost_ring_update: per completion posted; pci_master_abort: per DMA write to host memory (`probability` or `at` is required)",
        "a choice"),
    integers("blocks", 0, kMaxInt,
        "media_error: LBAs on that disk unreadable at every read (grown defects); a write over one meets `awre`; `probability` or `blocks` is required",
        "a choice").with_constraint("each < the disk's capacity in blocks"),
    // Mode page 01h READ RETRY COUNT: one byte.
    integer("retries", F.retries, 0, 255,
        "media_error: revolutions the drive spends re-reading the sector (mode page 01h READ RETRY COUNT); with `awre: false` also re-trying a defective sector on a write",
        "Fujitsu MBA3xxxNC/NP manual (an Ultra320 drive of the paper's time)"),
    q(Kind::Fraction, "recover", F.recover, Bounds::unit_interval(),
        "media_error: probability the retries recover the sector, on a retry drawn from 1..`retries`; otherwise CHECK CONDITION, MEDIUM ERROR 11h/00h after all of them",
        "a choice; estimate: no source for the distribution of the retry that recovers"),
    boolean("awre", F.awre,
        "media_error: a write over one of `blocks` reassigns it to a spare sector (mode page 01h AWRE: 2 revolutions more per block, then the block reads fine); false: the write retries `retries` revolutions and ends in CHECK CONDITION, MEDIUM ERROR 0Ch/00h (WRITE ERROR). false needs platform.disk.buffer.fast_write_level: 0",
        "SBC-2 mode page 01h; AWRE on by default on the Seagate and Fujitsu drives of the paper's time"),
    q(Kind::Time, "duration", 0, Bounds::positive(),
        "disk_hang: the drive works again after this long and serves what it holds; firmware_stall: how long the hang lasts if nothing resets the card",
        "a choice").without_default().with_default_text("forever (firmware_stall: until the host resets the card)"),
    boolean("recover_on_reset", F.recover_on_reset,
        "disk_hang: a bus reset (RST) also ends the hang (it restarts the drive's firmware)",
        "a choice"),
  });

  return out;
}

}  // namespace

const config::KeyTable& scenario_keys() {
  static const config::KeyTable t(build());
  return t;
}

namespace {

struct KeysArgs {
  CLI::App* cmd = nullptr;
  std::string prefix, update_doc;
  bool json = false, markdown = false, schema = false;
} g_keys;

}  // namespace

void register_keys_command(CLI::App& app) {
  KeysArgs& a = g_keys;
  a.cmd = app.add_subcommand("keys", "List the scenario keys: type, unit, default, range, description (the key table, "
                                     "sim/keys.cpp)");
  a.cmd->add_option("prefix", a.prefix, "Only the keys under this key or section, e.g. platform.disk or faults");
  auto* json = a.cmd->add_flag("--json", a.json, "As JSON: one object per key (default and bounds in SI units)");
  auto* md = a.cmd->add_flag("--markdown", a.markdown,
                             "As Markdown tables, one per section (the key reference of scenarios/README.md)");
  auto* schema = a.cmd->add_flag("--schema", a.schema,
                                 "A JSON Schema (draft 2020-12) of a scenario file for editors (scenarios/iosim.schema.json)");
  auto* doc = a.cmd->add_option("--update-doc", a.update_doc,
                                "Rewrite the key tables of a Markdown FILE in place (the blocks between <!-- keys SECTION "
                                "--> and <!-- /keys -->), e.g. --update-doc scenarios/README.md")
                  ->check(CLI::ExistingFile);
  json->excludes(md)->excludes(schema)->excludes(doc);
  md->excludes(schema)->excludes(doc);
  schema->excludes(doc);
  a.cmd->footer(
      "Examples:\n"
      "  iosim keys platform.disk\n"
      "  iosim keys --schema > scenarios/iosim.schema.json\n"
      "  iosim keys --update-doc scenarios/README.md");
}

bool keys_command_parsed(const CLI::App&) { return g_keys.cmd && g_keys.cmd->parsed(); }

int run_keys_command() {
  const KeysArgs& a = g_keys;
  const config::KeyTable& t = scenario_keys();
  if (a.schema) {
    std::cout << config::keys_schema(t, "iosim scenario").dump(2) << "\n";
    return 0;
  }
  if (!a.update_doc.empty()) {
    std::ifstream in(a.update_doc);
    std::stringstream text;
    text << in.rdbuf();
    const std::string updated = config::update_doc(t, text.str());
    if (updated != text.str()) {
      std::ofstream out(a.update_doc);
      out << updated;
      if (!out) throw std::runtime_error("cannot write " + a.update_doc);
      std::cerr << "iosim keys: updated " << a.update_doc << "\n";
    }
    return 0;
  }
  const auto keys = t.under(a.prefix);
  if (keys.empty()) {
    const std::string near = t.nearest_prefix(a.prefix);
    std::cerr << "iosim keys: no key or section '" << a.prefix << "'"
              << (near.empty() ? "" : "; did you mean '" + near + "'?") << "\n"
              << "  sections: ";
    std::string all;
    for (const auto& s : t.sections()) all += (all.empty() ? "" : ", ") + (s.empty() ? std::string("(top level)") : s);
    std::cerr << all << "\n";
    return config::kConfigErrorExit;
  }
  if (a.json) std::cout << config::keys_json(keys).dump(2) << "\n";
  else if (a.markdown) std::cout << config::keys_markdown(t, keys);
  else std::cout << config::keys_text(keys);
  return 0;
}

}  // namespace iosim
