// YAML -> Scenario. Every key the simulator understands is read here, with its
// unit kind and bounds; config::Reader::finish() then rejects anything left
// over (typos get a "did you mean"). The key schema is documented in
// scenarios/README.md.
#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "sim/scenario.hpp"

namespace iosim {

using config::Bounds;
using config::Reader;

namespace {

void load_host(const Reader& r, HostParams& h) {
  h.cpus = int(r.integer("cpus", h.cpus, 1, 64));
  h.clock_hz = r.freq("clock", h.clock_hz);
  h.hz = r.freq("timer_hz", h.hz);
  h.irq_affinity = r.choice("irq_affinity", h.irq_affinity);
  const Reader c = r.section("cost");
  auto& k = h.cost;
  k.syscall = c.cycles("syscall", k.syscall);
  k.request_setup = c.cycles("request_setup", k.request_setup);
  k.request_per_page = c.cycles("request_per_page", k.request_per_page);
  k.sched_base = c.cycles("sched_base", k.sched_base);
  k.sched_per_task = c.cycles("sched_per_task", k.sched_per_task);
  k.ctx_switch = c.cycles("ctx_switch", k.ctx_switch);
  k.wakeup = c.cycles("wakeup", k.wakeup);
  k.irq_entry = c.cycles("irq_entry", k.irq_entry);
  k.timer_tick = c.cycles("timer_tick", k.timer_tick);
  k.user_per_io = c.cycles("user_per_io", k.user_per_io);
}

void load_pci(const Reader& r, PlatformConfig& p) {
  if (r.has("mode")) {
    const std::string m = r.choice("mode", "pcix-64-133",
                                   {"pcix-64-133", "pcix-64-66", "pci-64-66", "pci-64-33", "pci-32-66", "pci-32-33"});
    p.pci = PcixBusParams::preset(m);
  }
  p.host_bridge.host_bridge_latency = r.time("host_bridge_latency", p.host_bridge.host_bridge_latency);
  p.host_bridge.posted_write_cost = r.time("posted_write_cost", p.host_bridge.posted_write_cost);
  const Reader m = r.section("memory");
  p.memory.bandwidth = m.rate("bandwidth", p.memory.bandwidth);
  p.memory.write_latency = m.time("write_latency", p.memory.write_latency);
  p.memory.read_latency = m.time("read_latency", p.memory.read_latency);
  p.memory.disconnect_bytes = m.size("disconnect", p.memory.disconnect_bytes);
}

void load_scsi(const Reader& r, PlatformConfig& p) {
  p.buses = int(r.integer("buses", p.buses, 1, 8));
  p.disks_per_bus = int(r.integer("disks_per_bus", p.disks_per_bus, 1, 15));
  auto& s = p.scsi;
  s.bus_free_delay_s = r.time("bus_free", s.bus_free_delay_s);
  s.arbitration_delay_s = r.time("arbitration", s.arbitration_delay_s);
  s.bus_set_delay_s = r.time("bus_set", s.bus_set_delay_s);
  s.bus_settle_delay_s = r.time("settle", s.bus_settle_delay_s);
  s.qas = r.boolean("qas", s.qas);
  s.fairness = r.boolean("fairness", s.fairness);
  s.retain_training = r.boolean("retain_training", s.retain_training);
  s.initiator_latency_s = r.time("initiator_latency", s.initiator_latency_s);
}

void load_disk(const Reader& r, DiskParams& d) {
  SyntheticDiskSpec g;
  d.model = r.string("model", d.model);
  d.rpm = r.rotation("rpm", d.rpm / 60) * 60;
  g.cylinders = uint32_t(r.integer("cylinders", g.cylinders, 1, 1000000));
  g.surfaces = uint32_t(r.integer("surfaces", g.surfaces, 1, 64));
  g.outer_blocks_per_track = uint32_t(r.integer("outer_blocks_per_track", g.outer_blocks_per_track, 1, 100000));
  g.inner_blocks_per_track = uint32_t(r.integer("inner_blocks_per_track", g.inner_blocks_per_track, 1, 100000));
  g.zones = uint32_t(r.integer("zones", g.zones, 1, 1000));
  d.head_switch = r.time("head_switch", d.head_switch);
  d.write_settle = r.time("write_settle", d.write_settle);
  const Reader s = r.section("seek");
  d.seek.single_cyl = s.time("single_cylinder", d.seek.single_cyl);
  d.seek.a = s.time("a", d.seek.a);
  d.seek.b = s.time("b", d.seek.b);
  d.seek.c = s.real("c", d.seek.c, Bounds::positive());
  const Reader o = r.section("overheads");
  auto& v = d.overheads;
  const double read_miss = o.time("read_miss", v.read_miss_after_read);
  const double read_hit = o.time("read_hit", v.read_hit_after_read);
  const double write = o.time("write", v.write_miss_after_read);
  v.read_miss_after_read = v.read_miss_after_write = read_miss;
  v.read_hit_after_read = v.read_hit_after_write = read_hit;
  v.write_miss_after_read = v.write_miss_after_write = v.write_hit_after_read = v.write_hit_after_write = write;
  const Reader b = r.section("buffer");
  d.buffer_segments = uint32_t(b.integer("segments", d.buffer_segments, 1, 1024));
  d.segment_blocks = uint32_t(b.size("segment_size", uint64_t(d.segment_blocks) * 512, Bounds::positive()) / 512);
  d.read_ahead_blocks = uint32_t(b.size("read_ahead", uint64_t(d.read_ahead_blocks) * 512) / 512);
  d.fast_write_level = uint32_t(b.integer("fast_write_level", d.fast_write_level, 0, 2));
  d.queue_depth = uint32_t(r.integer("queue_depth", d.queue_depth, 1, 256));
  d.scheduler = r.choice("scheduler", d.scheduler);
  d.max_burst_bytes = r.size("max_burst", d.max_burst_bytes);
  d.interface_sector_time = r.time("interface_sector_time", d.interface_sector_time);
  d = make_synthetic_disk(g, d);
}

void load_sync(const Reader& r, PlatformConfig& p) {
  auto& s = p.sync;
  s.queue_depth = int(r.integer("queue_depth", s.queue_depth, 1, 256));
  s.can_queue = int(r.integer("can_queue", s.can_queue, 1, 4096));
  const Reader c = r.section("cost");
  s.md_map_cycles = c.cycles("md_map", s.md_map_cycles);
  s.elevator_cycles = c.cycles("elevator", s.elevator_cycles);
  s.elevator_per_entry = c.cycles("elevator_per_entry", s.elevator_per_entry);
  s.queuecommand_cycles = c.cycles("queuecommand", s.queuecommand_cycles);
  s.isr_cycles = c.cycles("isr", s.isr_cycles);
  s.bottom_half_cycles = c.cycles("bottom_half", s.bottom_half_cycles);
  const Reader h = r.section("hba");
  auto& a = p.hba;
  a.iop_hz = h.freq("iop_clock", a.iop_hz);
  a.iop_cycles_per_request = h.cycles("iop_per_request", a.iop_cycles_per_request);
  a.iop_cycles_per_reply = h.cycles("iop_per_reply", a.iop_cycles_per_reply);
  a.coalesce_count = int(h.integer("coalesce_count", a.coalesce_count, 1, 1024));
  a.coalesce_timeout_s = h.time("coalesce_timeout", a.coalesce_timeout_s);
}

void load_async(const Reader& r, PlatformConfig& p) {
  auto& a = p.async;
  a.poll_period_s = r.time("poll_period", a.poll_period_s, Bounds::positive());
  a.submit_cycles = r.cycles("submit", a.submit_cycles);
  a.complete_cycles = r.cycles("complete", a.complete_cycles);
  auto& q = p.queue_ctrl;
  q.depth = uint32_t(r.integer("ring_depth", q.depth, 1, kQcMaxDepth));
  q.core = r.choice("queue_controller", q.core);
  q.clock_hz = r.freq("card_clock", q.clock_hz);
  p.card_tags_per_disk = int(r.integer("tags_per_disk", p.card_tags_per_disk, 1, 256));
  const Reader f = r.section("firmware");
  auto& w = p.firmware;
  w.cpu_hz = f.freq("clock", w.cpu_hz);
  w.poll_interval_s = f.time("poll_interval", w.poll_interval_s, Bounds::positive());
  w.take_cycles = f.cycles("take", w.take_cycles);
  w.map_cycles = f.cycles("map", w.map_cycles);
  w.issue_cycles = f.cycles("issue", w.issue_cycles);
  w.scsi_done_cycles = f.cycles("scsi_done", w.scsi_done_cycles);
  w.dma_setup_cycles = f.cycles("dma_setup", w.dma_setup_cycles);
  w.post_cycles = f.cycles("post", w.post_cycles);
  w.max_jobs = int(f.integer("max_jobs", w.max_jobs, 1, 1 << 20));
  w.dma_channels = int(f.integer("dma_channels", w.dma_channels, 1, 8));
}

void load_workload(const Reader& r, WorkloadConfig& w) {
  w.kind = r.choice("kind", w.kind);
  w.access.block_bytes = r.size("block", w.access.block_bytes, Bounds::positive());
  w.access.align_bytes = r.size("align", w.access.align_bytes, Bounds::positive());
  w.access.sequential = r.choice("pattern", "random", {"random", "sequential"}) == "sequential";
  w.access.write_fraction = r.fraction("write_fraction", w.access.write_fraction);
  w.processes = int(r.integer("processes", w.processes, 1, 100000));
  w.rate = r.io_rate("rate", w.rate);
  w.queue_depth = int(r.integer("queue_depth", w.queue_depth, 0, 100000));
  w.target = r.choice("target", w.target);
  if (w.access.block_bytes % 512) r.fail("block", "must be a multiple of 512 B");
  if (w.access.align_bytes % 512) r.fail("align", "must be a multiple of 512 B");
  if (w.kind == WorkloadKind::Storage && w.queue_depth == 0 && !r.has("rate"))
    r.fail("queue_depth", "a storage workload needs queue_depth (closed loop) or rate (open loop)");
}

void load_run(const Reader& r, RunConfig& c) {
  c.seed = uint64_t(r.integer("seed", int64_t(c.seed), 0));
  c.warmup_s = r.time("warmup", c.warmup_s);
  c.duration_s = r.time("duration", c.duration_s, Bounds::positive());
  c.drain_limit_s = r.time("drain_limit", c.drain_limit_s, Bounds::positive());
  const Reader v = r.section("vcd");
  c.vcd_begin_s = v.time("from", c.vcd_begin_s);
  if (v.has("to")) c.vcd_end_s = v.time("to", 0);
  // Comma-separated glob patterns on "scope.name", e.g. "top.card.*,top.scsi0.bus.*".
  const std::string sig = v.string("signals", "");
  for (size_t a = 0; a < sig.size();) {
    size_t b = sig.find(',', a);
    if (b == std::string::npos) b = sig.size();
    if (b > a) c.vcd_signals.push_back(sig.substr(a, b - a));
    a = b + 1;
  }
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  Scenario sc;
  sc.source = path;
  const Reader root(config::load_config(path, sets));
  sc.name = root.string("name", path);
  root.ignore("description");
  const Reader p = root.section("platform");
  sc.platform.io_path = p.choice("io_path", sc.platform.io_path);
  load_host(p.section("host"), sc.platform.host);
  load_pci(p.section("pci"), sc.platform);
  load_scsi(p.section("scsi"), sc.platform);
  load_disk(p.section("disk"), sc.platform.disk);
  sc.platform.stripe_bytes = p.section("raid0").size("stripe_unit", sc.platform.stripe_bytes, Bounds::positive());
  load_sync(p.section("sync"), sc.platform);
  load_async(p.section("async"), sc.platform);
  const Reader w = root.section("workload");
  load_workload(w, sc.workload);
  // Each host path runs one kind of test program (BRIEF.md): catch a mismatch
  // here, as bad input, rather than when the platform is built.
  if (sc.workload.kind != WorkloadKind::Storage) {
    const WorkloadKind need = sc.platform.io_path == IoPath::Sync ? WorkloadKind::Closed : WorkloadKind::Open;
    if (sc.workload.kind != need)
      w.fail("kind",
             std::string("the ") + to_string(sc.platform.io_path) + " path runs the " + to_string(need) +
                 " workload, not '" + to_string(sc.workload.kind) + "'",
             std::string("set workload.kind: ") + to_string(need) + " (or storage), or platform.io_path: " +
                 (need == WorkloadKind::Closed ? "async" : "sync"));
  }
  load_run(root.section("run"), sc.run);
  root.finish();
  return sc;
}

} // namespace iosim
