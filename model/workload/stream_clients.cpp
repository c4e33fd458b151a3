#include "model/workload/stream_clients.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
uint64_t sectors_up(double bytes) { return uint64_t(std::ceil(bytes / double(kSectorBytes) - 1e-9)); }
}  // namespace

StreamClients::StreamClients(sc_module_name nm, HostOs& os, const StreamParams& p, uint64_t capacity_blocks,
                             bool blocking, int issuers, uint64_t seed, double horizon_s, RequestLedger& ledger,
                             uint64_t buffer_base)
    : sc_module(nm), IoTally(std::string(sc_module::name()), ledger), stack("stack"), os_(os), p_(p),
      blocking_(blocking), cap_(capacity_blocks), buffer_base_(buffer_base) {
  const std::string name = sc_module::name();
  if (p.count < 1 || p.period_s <= 0 || p.buffer_periods < 1 || p.block_bytes == 0 || p.block_bytes % kSectorBytes)
    throw std::invalid_argument("streams need count >= 1, period > 0, buffer >= 1 and a block of whole sectors");
  if (p.align_bytes == 0 || p.align_bytes % kSectorBytes) throw std::invalid_argument("alignment must be a multiple of 512 B");
  mean_blocks_ = p.block_bytes / kSectorBytes;
  switch (p.size_dist) {
    case StreamSizeDist::Constant: max_block_ = p.block_bytes; break;
    case StreamSizeDist::Uniform: max_block_ = sectors_up(double(p.block_bytes) * (1 + p.size_spread)) * kSectorBytes; break;
    case StreamSizeDist::Normal: max_block_ = 2 * p.block_bytes; break;
  }
  if (max_block_ / kSectorBytes > cap_) throw std::invalid_argument("stream block larger than the volume");
  align_ = p.align_bytes / kSectorBytes;
  slots_on_volume_ = (cap_ - max_block_ / kSectorBytes) / align_ + 1;

  // Who plays when, for the whole run (see the header).
  for (int i = 0; i < p.count; ++i) {
    slots_.push_back(Slot{{}, 0, 0, 0, Rng(seed, name + ".stream" + std::to_string(i)), nullptr, IoRequest{}, 0});
  }
  Rng arr(seed, name + ".arrivals");
  const bool arrivals = p.arrival_rate > 0;
  const int initial = arrivals ? std::min(p.count, int(std::lround(p.arrival_rate * p.mean_duration_s))) : p.count;
  for (int i = 0; i < initial; ++i) {
    Slot& s = slots_[size_t(i)];
    const double start = p.phase == StreamPhase::Staggered ? double(i) * p.period_s / double(initial)
                                                           : s.rng.uniform01() * p.period_s;
    // With arrivals the streams present at time 0 are the steady state of the
    // M/M/inf population (about rate x duration of them); their remaining
    // durations are exponential too (memoryless).
    s.sessions.push_back({start, arrivals ? start + s.rng.exponential(p.mean_duration_s) : kInf});
  }
  if (arrivals) {
    for (double t = arr.exponential(1 / p.arrival_rate); t < horizon_s; t += arr.exponential(1 / p.arrival_rate)) {
      auto free = std::find_if(slots_.begin(), slots_.end(),
                               [t](const Slot& s) { return s.sessions.empty() || s.sessions.back().end <= t; });
      if (free == slots_.end()) { rejected_at_.push_back(t); continue; }
      free->sessions.push_back({t, t + free->rng.exponential(p.mean_duration_s)});
    }
  }
  if (blocking_ && p.pool > 0) {
    const uint64_t nbuf = std::max<uint64_t>(1, (2ull << 30) / max_block_);
    pool_procs_.resize(size_t(p.pool));
    for (size_t k = 0; k < pool_procs_.size(); ++k) {
      pool_procs_[k].task = os.create_task(name + ".proc" + std::to_string(k));
      pool_procs_[k].req.host_buffer = buffer_base + (uint64_t(k) % nbuf) * max_block_;
    }
    for (size_t k = 0; k < pool_procs_.size(); ++k) pool_index_[&pool_procs_[k].req] = k;
  } else if (blocking_) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].task = os.create_task(name + ".stream" + std::to_string(i));
      // One buffer per stream, recycled over a 2 GiB region of host RAM (as
      // the async path): 100000 streams of 1.5 MB would overrun host memory.
      const uint64_t nbuf = std::max<uint64_t>(1, (2ull << 30) / max_block_);
      slots_[i].req.host_buffer = buffer_base + (uint64_t(i) % nbuf) * max_block_;
      slots_[i].req.origin = uint32_t(i);
    }
  } else {
    if (issuers < 1) throw std::invalid_argument("streams on the async path need processes >= 1");
    for (int k = 0; k < issuers; ++k) issuers_.push_back(os.create_task(name + ".proc" + std::to_string(k)));
    heaps_.resize(size_t(issuers));
  }
}

bool StreamClients::has_next(Slot& s) const {
  while (s.s < s.sessions.size()) {
    if (release_s(s) < s.sessions[s.s].end) return true;
    ++s.s;
    s.k = 0;
  }
  return false;
}

// The next read of the stream: its place, size and deadline.
void StreamClients::fill(Slot& s, size_t slot, IoRequest& r) {
  uint64_t blocks = mean_blocks_;
  const double m = double(p_.block_bytes);
  if (p_.size_dist == StreamSizeDist::Uniform) {
    blocks = sectors_up(m * (1 + p_.size_spread * (2 * s.rng.uniform01() - 1)));
  } else if (p_.size_dist == StreamSizeDist::Normal) {
    // Box-Muller from two uniforms of the stream's own generator.
    const double u1 = 1 - s.rng.uniform01(), u2 = s.rng.uniform01();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    blocks = sectors_up(std::clamp(m * (1 + p_.size_spread * z), double(kSectorBytes), 2 * m));
  }
  blocks = std::max<uint64_t>(1, blocks);
  if (p_.placement == StreamPlacement::Scattered) {
    r.lba = s.rng.below(slots_on_volume_) * align_;
  } else {
    // The stream's extent starts at a random aligned place when the session
    // opens, and is read in order (wrapping at the end of the volume).
    if (s.k == 0) s.lba = s.rng.below(slots_on_volume_) * align_;
    if (s.lba + blocks > cap_) s.lba = 0;
    r.lba = s.lba;
    s.lba += blocks;
  }
  r.blocks = uint32_t(blocks);
  r.op = IoOp::Read;
  r.origin = uint32_t(slot);
  r.deadline = sc_time(deadline_s(s.sessions[s.s], s.k), SC_SEC);
  r.status = 0;
}

void StreamClients::start() {
  if (!pool_procs_.empty()) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (has_next(slots_[i])) future_.push({release_s(slots_[i]), i});
    for (size_t p = 0; p < pool_procs_.size(); ++p)
      os_.wake(pool_procs_[p].task, [this, p](CpuCtx& c) { pool_next(c, p); });
    return;
  }
  if (blocking_) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (has_next(slots_[i])) os_.wake(slots_[i].task, [this, i](CpuCtx& c) { next_read(c, i); });
    return;
  }
  for (size_t i = 0; i < slots_.size(); ++i)
    if (has_next(slots_[i])) heaps_[i % heaps_.size()].push({release_s(slots_[i]), i});
  for (size_t p = 0; p < issuers_.size(); ++p)
    if (!heaps_[p].empty())
      os_.wake(issuers_[p], [this, p](CpuCtx& c) {
        os_.sleep_until(c, sc_time(heaps_[p].top().t, SC_SEC), [this, p](CpuCtx& c2) { run_issuer(c2, p); });
      });
}

// --- blocking: a process per stream ------------------------------------------

void StreamClients::next_read(CpuCtx& c, size_t i) {
  Slot& s = slots_[i];
  if (stopping_ || !has_next(s)) { os_.exit(c); return; }
  const sc_time r(release_s(s), SC_SEC);
  if (r <= sc_time_stamp()) issue_blocking(c, i);  // behind: the previous read came back late
  else os_.sleep_until(c, r, [this, i](CpuCtx& c2) { issue_blocking(c2, i); });
}

void StreamClients::issue_blocking(CpuCtx& c, size_t i) {
  if (stopping_) { os_.exit(c); return; }
  const auto& k = os_.params().cost;
  Slot& s = slots_[i];
  c.compute(k.user_per_io, CpuCat::User);
  c.compute(k.syscall, CpuCat::System);
  fill(s, i, s.req);
  s.in_flight_key = key(i, s.s, s.k);
  ++s.k;
  IoTally::issue(s.req);
  stack->submit(c, s.req);
  os_.block(c, true);
}

void StreamClients::resume(CpuCtx& c, size_t i) {
  c.sync();
  Slot& s = slots_[i];
  completed(s.in_flight_key, s.req);
  next_read(c, i);
}

// --- blocking pool: P processes, earliest deadline first ---------------------

void StreamClients::pool_release_due() {
  while (!future_.empty() && sc_time(future_.top().t, SC_SEC) <= sc_time_stamp()) {
    const size_t i = future_.top().slot;
    future_.pop();
    const Slot& s = slots_[i];
    ready_.push({deadline_s(s.sessions[s.s], s.k), i});
  }
}

// A free process takes the released read with the earliest deadline; with
// none released, one process sleeps until the next release (unless another
// already sleeps until then) and the others wait, blocked, to be woken by a
// process that leaves work behind.
void StreamClients::pool_next(CpuCtx& c, size_t p) {
  if (stopping_) { os_.exit(c); return; }
  pool_release_due();
  auto covered = [this] { return !sleepers_.empty() && *sleepers_.begin() <= sc_time(future_.top().t, SC_SEC); };
  if (ready_.empty()) {
    if (future_.empty() || covered()) {
      idle_.push_back(p);
      os_.block(c, false);
      return;
    }
    const sc_time when(future_.top().t, SC_SEC);
    sleepers_.insert(when);
    os_.sleep_until(c, when, [this, p, when](CpuCtx& c2) {
      sleepers_.erase(sleepers_.find(when));
      pool_next(c2, p);
    });
    return;
  }
  const size_t i = ready_.top().slot;
  ready_.pop();
  const auto& k = os_.params().cost;
  Slot& s = slots_[i];
  PoolProc& pp = pool_procs_[p];
  c.compute(k.user_per_io, CpuCat::User);
  c.compute(k.syscall, CpuCat::System);
  fill(s, i, pp.req);
  pp.key = key(i, s.s, s.k);
  pp.slot = i;
  ++s.k;
  // Work left for someone else: wake an idle process (this one pays the wakeup).
  if (!idle_.empty() && (!ready_.empty() || (!future_.empty() && !covered()))) {
    const size_t q = idle_.back();
    idle_.pop_back();
    c.compute(k.wakeup, CpuCat::System);
    os_.wake(pool_procs_[q].task, [this, q](CpuCtx& c2) { pool_next(c2, q); });
  }
  IoTally::issue(pp.req);
  stack->submit(c, pp.req);
  os_.block(c, true);
}

void StreamClients::pool_resume(CpuCtx& c, size_t p) {
  c.sync();
  PoolProc& pp = pool_procs_[p];
  completed(pp.key, pp.req);
  Slot& s = slots_[pp.slot];
  if (has_next(s)) future_.push({release_s(s), pp.slot});
  pool_next(c, p);
}

// --- issuers (the paper's card) ----------------------------------------------

void StreamClients::run_issuer(CpuCtx& c, size_t p) {
  if (stopping_) { os_.exit(c); return; }
  const auto& k = os_.params().cost;
  Heap& h = heaps_[p];
  while (!h.empty() && sc_time(h.top().t, SC_SEC) <= sc_time_stamp()) {
    const size_t i = h.top().slot;
    Slot& s = slots_[i];
    c.compute(k.user_per_io, CpuCat::User);
    c.compute(k.syscall, CpuCat::System);
    IoRequest& req = pool_.acquire();
    const Rng saved_rng = s.rng;  // the draw is undone if the ring is full
    const uint64_t saved_lba = s.lba;
    fill(s, i, req);
    // Buffers recycled round-robin over a 2 GiB region of host RAM (as
    // AsyncProcesses): more than the request ring can hold in flight.
    const uint64_t nbuf = std::max<uint64_t>(1, (2ull << 30) / max_block_);
    req.host_buffer = buffer_base_ + (next_buf_ % nbuf) * max_block_;
    if (!stack->submit(c, req)) {
      pool_.release(req);
      s.rng = saved_rng;
      s.lba = saved_lba;
      stack->wait_for_slot(c, [this, p](CpuCtx& c2) { run_issuer(c2, p); });
      return;
    }
    ++next_buf_;
    IoTally::issue(req);
    in_flight_[&req] = key(i, s.s, s.k);
    h.pop();
    ++s.k;
    if (has_next(s)) h.push({release_s(s), i});
  }
  if (h.empty()) { os_.exit(c); return; }
  os_.sleep_until(c, sc_time(h.top().t, SC_SEC), [this, p](CpuCtx& c2) { run_issuer(c2, p); });
}

// --- completions and figures --------------------------------------------------

void StreamClients::io_done(CpuCtx& bh, IoRequest& req) {
  if (!pool_procs_.empty()) {
    auto it = pool_index_.find(&req);
    if (it == pool_index_.end()) throw std::logic_error("streams: completion of a request this workload did not issue");
    const size_t q = it->second;
    bh.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
    bh.sync();
    os_.wake(pool_procs_[q].task, [this, q](CpuCtx& c2) { pool_resume(c2, q); });
    return;
  }
  if (blocking_) {
    const size_t i = req.origin;
    bh.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
    bh.sync();
    os_.wake(slots_[i].task, [this, i](CpuCtx& c2) { resume(c2, i); });
    return;
  }
  auto it = in_flight_.find(&req);
  if (it == in_flight_.end()) throw std::logic_error("streams: completion of a request this workload did not issue");
  const uint64_t kk = it->second;
  in_flight_.erase(it);
  completed(kk, req);
  pool_.release(req);
}

void StreamClients::completed(uint64_t kk, IoRequest& r) {
  done(r);
  const sc_time now = sc_time_stamp();
  const double t = now.to_seconds();
  const size_t slot = size_t(kk >> 44), session = size_t((kk >> 24) & 0xFFFFF);
  const uint64_t k = kk & 0xFFFFFF;
  const Session& ss = slots_[slot].sessions[session];
  if (k == 0) startup_.push_back(t - ss.start);
  // Failed reads never reach the client: they count as missed (not recorded).
  if (r.status == 0 && sc_time(deadline_s(ss, k), SC_SEC) >= sc_time(w0_, SC_SEC)) done_at_[kk] = now;
}

void StreamClients::reset_stats() {
  IoTally::reset_stats();
  w0_ = sc_time_stamp().to_seconds();
  for (auto it = done_at_.begin(); it != done_at_.end();) {
    const uint64_t kk = it->first;
    const Session& ss = slots_[size_t(kk >> 44)].sessions[size_t((kk >> 24) & 0xFFFFF)];
    if (sc_time(deadline_s(ss, kk & 0xFFFFFF), SC_SEC) < sc_time(w0_, SC_SEC)) it = done_at_.erase(it);
    else ++it;
  }
}

// Every read due in the window [w0, now) is judged: on time if it completed
// by its deadline; missed if it completed late, is still in flight, or was not
// even issued yet (a stream behind schedule). The schedule of releases is
// known, so the reads due are enumerated from it, not from what was issued.
void StreamClients::report(Stats& out, double window_s) const {
  IoTally::report(out, window_s);
  // Window edges and deadlines compared in SystemC's integer picoseconds (a
  // deadline on a window edge is in the window that starts there).
  const sc_time w0t(w0_, SC_SEC), w1t = sc_time_stamp();
  const double w1 = w1t.to_seconds(), T = p_.period_s;
  auto gap_s = [](const sc_time& a, const sc_time& b) { return (double(a.value()) - double(b.value())) * 1e-12; };
  const uint64_t b = uint64_t(p_.buffer_periods);
  uint64_t due = 0, missed = 0, streams_missing = 0, worst = 0, worst_slot = 0;
  double first_miss = kInf, active_s = 0;
  Samples slack, occupancy;
  for (size_t i = 0; i < slots_.size(); ++i) {
    uint64_t slot_missed = 0;
    const auto& ses = slots_[i].sessions;
    for (size_t si = 0; si < ses.size(); ++si) {
      const Session& ss = ses[si];
      active_s += std::max(0.0, std::min(ss.end, w1) - std::max(ss.start, w0_));
      const uint64_t reads = std::isinf(ss.end) ? std::numeric_limits<uint64_t>::max()
                                                : uint64_t(std::ceil((ss.end - ss.start) / T - 1e-12));
      // First read due at or after w0: D_k = start + (k + b) T >= w0.
      const double k0 = std::ceil((w0_ - ss.start) / T - double(b) - 1e-9);
      for (uint64_t k = uint64_t(std::max(0.0, k0)); k < reads; ++k) {
        const sc_time d(deadline_s(ss, k), SC_SEC);
        if (d >= w1t) break;
        if (d < w0t) continue;
        ++due;
        auto it = done_at_.find(key(i, si, k));
        const bool on_time = it != done_at_.end() && it->second <= d;
        // Not back yet: its slack is at most d - now (negative).
        slack.add(gap_s(d, it != done_at_.end() ? it->second : w1t));
        if (!on_time) { ++slot_missed; first_miss = std::min(first_miss, d.to_seconds()); }
        // Client buffer when block k is about to be played (at d): blocks
        // k .. k + b - 1 of the session already delivered.
        uint64_t held = 0;
        for (uint64_t j = k; j < std::min(k + b, reads); ++j) {
          auto jt = done_at_.find(key(i, si, j));
          held += jt != done_at_.end() && jt->second <= d;
        }
        occupancy.add(double(held));
      }
    }
    missed += slot_missed;
    streams_missing += slot_missed > 0;
    if (slot_missed > worst) worst = slot_missed, worst_slot = i;
  }
  uint64_t rejected = 0;
  for (double t : rejected_at_) rejected += t >= w0_ && t < w1;
  Samples startup;
  for (double s : startup_) startup.add(s);
  double host_busy_s = 0;
  for (int c = 0; c < os_.params().cpus; ++c) {
    const HostOs::Account a = os_.account(c);
    host_busy_s += a.user + a.system + a.irq;
  }
  const double active = active_s / window_s;
  const double occ_min = occupancy.count() ? occupancy.quantile(0) : 0;

  StatGroup g = out.group(name() + std::string(".streams"), "streams");
  g.add("count", double(p_.count), "count", StatKind::Setting, "stream slots (with arrivals: the most admitted at once)");
  g.add("period", T * 1e3, "ms", StatKind::Setting, "one block per stream per period");
  g.add("block", double(p_.block_bytes), "B", StatKind::Setting, "mean block per read (bitrate x period, whole sectors)");
  g.add("buffer", double(b), "count", StatKind::Setting, "client buffer, in periods: read k due at the end of period k + b - 1");
  g.add("active", active, "count", StatKind::Level, "mean streams playing in the window");
  g.add("reads_due", double(due), "count", StatKind::Counter, "reads whose deadline falls in the window");
  g.add("misses", double(missed), "count", StatKind::Counter,
        "reads due in the window not delivered by their deadline (late, in flight or not yet issued)");
  g.add("miss_ratio", due ? 100.0 * double(missed) / double(due) : 0, "%", StatKind::Fraction, "misses / reads_due");
  g.add("streams_missing", double(streams_missing), "count", StatKind::Counter, "streams with at least one miss");
  g.add("worst_stream", double(worst_slot), "1", StatKind::Setting, "index of the stream (slot) with the most misses");
  g.add("worst_stream_misses", double(worst), "count", StatKind::Counter, "its misses");
  g.add("first_miss_at", std::isinf(first_miss) ? -1 : first_miss, "s", StatKind::Setting,
        "deadline of the first missed read, from the start of the run (-1: none)");
  g.add("slack.min", slack.count() ? slack.quantile(0) * 1e3 : 0, "ms", StatKind::Distribution,
        "deadline - completion over the reads due (negative: late; not back: deadline - window end)");
  g.add("slack.p1", slack.quantile(0.01) * 1e3, "ms", StatKind::Distribution, "slack, 1st percentile (nearest rank)");
  g.add("slack.p50", slack.quantile(0.50) * 1e3, "ms", StatKind::Distribution, "slack, median (nearest rank)");
  g.add("buffer.mean", occupancy.mean(), "count", StatKind::Distribution,
        "blocks held by the client when one is due (over the reads due)");
  g.add("buffer.min", occ_min, "count", StatKind::Distribution, "least client buffer, in periods (0: the client ran dry)");
  g.add("startup.mean", startup.mean() * 1e3, "ms", StatKind::Distribution,
        "stream start to its first block delivered (every stream started in the run, warm-up included)");
  g.add("startup.max", startup.max() * 1e3, "ms", StatKind::Distribution, "longest start-up");
  g.add("rejected", double(rejected), "count", StatKind::Counter, "arrivals in the window turned away (every slot busy)");
  g.add("host_cpu_per_stream", active > 0 ? 100.0 * host_busy_s / window_s / active : 0, "%",
        StatKind::Fraction, "host CPU busy (user + system + interrupt, all CPUs) / mean streams playing");
}

} // namespace iosim
