#include "model/host/sync_driver.hpp"

#include "model/common/split_join.hpp"
#include "model/fault/fault.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace iosim {

SyncDriver::SyncDriver(sc_core::sc_module_name name, HostOs& os, const SyncDriverParams& p, const Raid0Geometry& raid,
                       std::vector<DiskRoute> routes, std::vector<uint64_t> adapter_reg_base)
    : sc_module(name), done("done"), frames("frames"), os_(os), p_(p), raid_(raid), routes_(std::move(routes)),
      devs_(routes_.size()), adapters_(adapter_reg_base.size()), contexts_(this->name()),
      cache_(p.io == SyncIo::Buffered ? p.page_cache_bytes / PageCache::kPageBytes : 0) {
  if ((p.io == SyncIo::Buffered || p.bounce == SyncBounce::Highmem) && !(p.copy_bandwidth > 0))
    throw std::invalid_argument("copy_bandwidth must be > 0");
  if (p.io == SyncIo::Buffered) {
    hit_task_ = os_.create_task(std::string(this->name()) + ".pagecache", true);
  }
  if (p.queue_depth < 1 || p.can_queue < 1) throw std::invalid_argument("queue_depth and can_queue must be >= 1");
  if (p.budget < 1) throw std::invalid_argument("hybrid budget must be >= 1");
  for (size_t a = 0; a < adapters_.size(); ++a) {
    adapters_[a].reg_base = adapter_reg_base[a];
    os_.request_irq(int(a), [this, a](CpuCtx& c) { isr(c, int(a)); });
    if (p_.completion == SyncCompletion::Hybrid)
      adapters_[a].poller = os_.create_task(std::string(this->name()) + ".poll" + std::to_string(a), true);
  }
  if (!(p_.scsi_timeout_s > 0)) throw std::invalid_argument("scsi_timeout must be > 0");
  for (size_t a = 0; a < adapters_.size(); ++a)  // waveform (--vcd): scenarios with faults only
    if (p_.report_errors) adapters_[a].eh_state.trace(this->name(), "eh_state" + std::to_string(a), 3);
  SC_HAS_PROCESS(SyncDriver);
  SC_METHOD(timer_method);
  sensitive << timer_ev_;
  dont_initialize();
  for (size_t d = 0; d < routes_.size(); ++d) {
    devs_[d].queue = make_io_sched(p_.sched);
    const int a = routes_[d].adapter;
    if (a < 0 || size_t(a) >= adapters_.size()) throw std::invalid_argument("disk route names a missing adapter");
    adapters_[size_t(a)].devices.push_back(int(d));
  }
}

bool SyncDriver::submit(CpuCtx& c, IoRequest& req) {
  if (p_.io == SyncIo::Buffered && req.op == IoOp::Read) {
    buffered_read(c, req);
    return true;
  }
  if (p_.io == SyncIo::Buffered && req.op == IoOp::Write) buffered_write(c, req);
  submit_range(c, req, req.lba, req.blocks, 0);
  return true;
}

void SyncDriver::submit_range(CpuCtx& c, IoRequest& req, uint64_t lba, uint32_t blocks, uint32_t waits) {
  const auto& k = os_.params().cost;
  const uint64_t bytes = uint64_t(blocks) * kSectorBytes;
  c.compute(k.request_setup + k.request_per_page * double((bytes + 4095) / 4096), CpuCat::System);
  c.compute(p_.md_map_cycles, CpuCat::System);
  if (p_.bounce == SyncBounce::Highmem) bounce_submit(c, req.op, bytes);
  c.lock(io_request_lock_);  // the scratch vectors are used under the lock only
  raid0_map(raid_, lba, blocks, map_);
  split_.clear();
  split_request(req, map_, pieces_, split_);
  req.pieces_left += waits;
  for (IoRequest* pc : split_) {
    pc->host_buffer += (lba - req.lba) * kSectorBytes;  // a buffered read's missed pages: their place in the buffer
    const uint32_t m = pc->ext<MemberIndex>().member;
    Device& d = devs_[m];
    c.compute(p_.elevator_cycles + p_.elevator_per_entry * double(d.queue->waiting()), CpuCat::System);
    pc->target = routes_[m].target;
    d.queue->add(*pc);
    d.queued.set(double(d.queue->waiting()));
  }
  for (size_t i = 0; i < split_.size(); ++i) dispatch(c, int(map_[i].member));
  c.unlock(io_request_lock_);
}

void SyncDriver::end_request(CpuCtx& c, IoRequest& req) {
  if (req.status != 0) {  // end_request(0): the read() returns -EIO
    req.status = kStatusEio;
    ++eio_;
  }
  done->io_done(c, req);
}

// 2.4 generic_file_read -> do_generic_file_read, per 4 KiB page of the read:
// find_get_page; on a miss a new page is allocated (the least recently used
// one reclaimed first when the cache is full) and added to the page cache
// and the LRU, and the missed pages go down the block layer into it (from
// the first missed page to the last: the resident ones between are read
// again, a simplification). A page a read-ahead window is still bringing in
// is waited for (lock_page). Then file_read_actor copies every page to the
// user buffer (copy_to_user), on this CPU, as system time. The copy is
// charged here, at the syscall's entry rather than after the data arrive:
// the same CPU time of the same read() on the same CPU (the reader's latency
// includes it either way). A read that starts where the reader's last one
// ended sends the next read-ahead window (generic_file_readahead).
void SyncDriver::buffered_read(CpuCtx& c, IoRequest& req) {
  const PageSpan miss = cache_and_copy(c, req);
  const uint64_t first = req.lba * kSectorBytes / PageCache::kPageBytes;
  const uint64_t last = ((req.lba + req.blocks) * kSectorBytes - 1) / PageCache::kPageBytes;
  uint64_t lo = 0, hi = 0;  // the missed pages' sectors, within the request
  if (miss.missed) {
    lo = std::max<uint64_t>(req.lba, miss.first * PageCache::kPageBytes / kSectorBytes);
    hi = std::min<uint64_t>(req.lba + req.blocks, (miss.last + 1) * PageCache::kPageBytes / kSectorBytes);
  }
  if (p_.readahead_pages == 0) {  // no windows in flight, ever
    if (miss.missed == 0) return complete_from_cache(c, req, true);
    return submit_range(c, req, lo, uint32_t(hi - lo), 0);
  }
  const auto it = next_page_.find(req.origin);
  const bool in_order = it != next_page_.end() && it->second == first;
  next_page_[req.origin] = last + 1;
  // One hold on the read until this burst is spent: nothing may end it while
  // the reader still runs (its pieces, or the windows it waits for, could
  // come back while the burst's own costs are being spent).
  if (miss.missed) submit_range(c, req, lo, uint32_t(hi - lo), 1);
  else req.pieces_left = 1;
  if (in_order) read_ahead(c, last);
  c.sync();
  // The windows still bringing in pages this read did not send for.
  waits_.clear();
  if (!pending_.empty())
    for (uint64_t pg = first; pg <= last; ++pg) {
      if (miss.missed && pg >= miss.first && pg <= miss.last) continue;
      const auto w = pending_.find(pg);
      if (w != pending_.end() && std::find(waits_.begin(), waits_.end(), w->second) == waits_.end())
        waits_.push_back(w->second);
    }
  for (ReadAhead* w : waits_) w->waiters.push_back(&req);
  req.pieces_left += uint32_t(waits_.size());
  if (!waits_.empty()) ++ra_waited_;
  if (--req.pieces_left == 0) complete_from_cache(c, req, miss.missed == 0);  // all in already
}

// A read with nothing (left) to wait for: the reader still blocks in the
// workload's loop, so a kernel thread completes it (one wakeup and switch
// per cached read that 2.4 does not pay: README, buffered reads). This
// burst's time is spent first: the completion must not reach the reader
// before its burst has ended (the workload blocks right after submit
// returns, adding no CPU time).
void SyncDriver::complete_from_cache(CpuCtx& c, IoRequest& req, bool cached) {
  if (cached) ++cached_reads_;
  if (!hit_task_active_) c.compute(os_.params().cost.wakeup, CpuCat::System);
  c.sync();
  hits_.push_back(&req);
  if (!hit_task_active_) {
    hit_task_active_ = true;
    os_.wake(hit_task_, [this](CpuCtx& c2) { hit_thread(c2); });
  }
}

// What a buffered read and write share, per 4 KiB page of the request: the
// lookup, and for a missing page its allocation (reclaiming the least
// recently used one from a full cache) and insertion; then the copy of every
// byte to or from the user, all as system time. Returns the missed pages:
// how many, the first and the last.
SyncDriver::PageSpan SyncDriver::cache_and_copy(CpuCtx& c, const IoRequest& req) {
  const uint64_t first = req.lba * kSectorBytes / PageCache::kPageBytes;
  const uint64_t last = ((req.lba + req.blocks) * kSectorBytes - 1) / PageCache::kPageBytes;
  PageSpan span;
  uint64_t evicted = 0;
  for (uint64_t pg = first; pg <= last; ++pg) {
    if (cache_.lookup(pg)) { ++page_hits_; continue; }
    if (span.missed++ == 0) span.first = pg;
    span.last = pg;
    if (cache_.insert(pg)) ++evicted;
  }
  const uint64_t missed = span.missed;
  page_misses_ += missed;
  evictions_ += evicted;
  copied_bytes_ += req.bytes();
  c.compute(p_.page_lookup_cycles * double(last - first + 1) + p_.page_alloc_cycles * double(missed) +
                p_.page_reclaim_cycles * double(evicted),
            CpuCat::System);
  c.compute(double(req.bytes()) / p_.copy_bandwidth * os_.params().clock_hz, CpuCat::System);
  return span;
}

// 2.4 generic_file_write, per 4 KiB page: __grab_cache_page (find it, or
// allocate it, reclaiming when the cache is full, and add it to the cache),
// then copy_from_user into it, as system time. The written pages stay in
// the cache (a later read of them hits). The steady state of a writer that
// outruns the disk: once its dirty buffers pass bdflush's nfract_sync,
// balance_dirty makes the writer flush and wait, so it is throttled to the
// disk; modelled as the write going down the block layer at once, the writer
// blocked until it is on the disk (no write-behind of a burst smaller than
// the dirty limit: README, buffered reads).
void SyncDriver::buffered_write(CpuCtx& c, const IoRequest& req) { (void)cache_and_copy(c, req); }

// 2.4.18 create_bounce, from __make_request (after md's remap: once per
// buffer, charged here per 4 KiB page of the whole read): a lowmem page and
// buffer head per page; a write's data is copied down now, from the process.
void SyncDriver::bounce_submit(CpuCtx& c, IoOp op, uint64_t bytes) {
  const uint64_t pages = (bytes + PageCache::kPageBytes - 1) / PageCache::kPageBytes;
  bounced_pages_ += pages;
  c.compute(p_.bounce_page_cycles * double(pages), CpuCat::System);
  if (op == IoOp::Write) bounce_copy(c, bytes, CpuCat::System);
}

// 2.4 generic_file_readahead, for a reader going on in order: the window of
// readahead_pages after its read. Sent once half of it or more is missing
// (the reader has moved into the last window), as the pages from the first
// missing one to the last: each allocated and added to the cache now
// (page_cache_read, in the reader's context: lookups, allocation, reclaim
// charged to it) and marked as coming, then read down the block layer as one
// request of its own, which no workload request is.
void SyncDriver::read_ahead(CpuCtx& c, uint64_t after_page) {
  const uint64_t pages_total = raid_.capacity_blocks() * kSectorBytes / PageCache::kPageBytes;
  const uint64_t a = after_page + 1;
  if (a >= pages_total) return;
  const uint64_t b = std::min<uint64_t>(after_page + p_.readahead_pages, pages_total - 1);
  uint64_t missing = 0, lo = 0, hi = 0;
  for (uint64_t pg = a; pg <= b; ++pg)
    if (!cache_.contains(pg)) {
      if (missing++ == 0) lo = pg;
      hi = pg;
    }
  c.compute(p_.page_lookup_cycles * double(b - a + 1), CpuCat::System);
  if (missing == 0 || 2 * missing < p_.readahead_pages) return;
  ReadAhead* ra = &ra_pool_.acquire();
  ra->req.id = (uint64_t(1) << 63) | ++ra_serial_;  // apart from the workload's ids
  ra->req.op = IoOp::Read;
  ra->req.lba = lo * PageCache::kPageBytes / kSectorBytes;
  ra->req.blocks = uint32_t((hi - lo + 1) * PageCache::kPageBytes / kSectorBytes);
  ra->req.t_issue = sc_core::sc_time_stamp();
  ra->first = lo;
  ra->last = hi;
  uint64_t evicted = 0;
  for (uint64_t pg = lo; pg <= hi; ++pg) {
    if (cache_.contains(pg)) continue;  // read again with the rest (a simplification)
    if (cache_.insert(pg)) ++evicted;
    pending_[pg] = ra;
  }
  ++ra_windows_;
  ra_pages_ += missing;
  evictions_ += evicted;
  c.compute(p_.page_alloc_cycles * double(missing) + p_.page_reclaim_cycles * double(evicted), CpuCat::System);
  ra_of_[&ra->req] = ra;
  submit_range(c, ra->req, ra->req.lba, ra->req.blocks, 0);
}

// A window is in: its pages are up to date (or, if its read failed, dropped
// from the cache, so that a later read reads them again), and the reads that
// waited for it go on; one whose last wait this was ends (-EIO if the window
// failed: 2.4's reader would find the page not up to date and read it again,
// a read that fails the same way).
void SyncDriver::finish_read_ahead(CpuCtx& c, ReadAhead& ra) {
  for (uint64_t pg = ra.first; pg <= ra.last; ++pg) {
    const auto it = pending_.find(pg);
    if (it == pending_.end() || it->second != &ra) continue;
    pending_.erase(it);
    if (ra.req.status != 0) cache_.erase(pg);
  }
  for (IoRequest* w : ra.waiters) {
    if (ra.req.status != 0 && w->status == 0) w->status = ra.req.status;
    if (--w->pieces_left == 0) end_request(c, *w);
  }
  ra_of_.erase(&ra.req);
  ra_pool_.release(ra);
}

void SyncDriver::bounce_copy(CpuCtx& c, uint64_t bytes, CpuCat cat) {
  bounce_copied_ += bytes;
  c.compute(double(bytes) / p_.copy_bandwidth * os_.params().clock_hz, cat);
}

void SyncDriver::hit_thread(CpuCtx& c) {
  std::vector<IoRequest*> batch;
  batch.swap(hits_);
  for (IoRequest* r : batch) end_request(c, *r);
  c.sync();  // likewise: nothing left to spend once hit_task_active_ is cleared
  if (!hits_.empty()) { os_.requeue(c, [this](CpuCtx& c2) { hit_thread(c2); }); return; }
  hit_task_active_ = false;
  os_.block(c, false);
}

void SyncDriver::wait_for_slot(CpuCtx&, Burst) {
  throw std::logic_error(std::string(name()) + ": the sync stack never refuses a request");
}

// SCSI mid-layer request_fn: feed the device from its queue, in the policy's
// order, while the device and its adapter have room and the policy lets a
// request go (a round barrier may hold them).
void SyncDriver::dispatch(CpuCtx& c, int dev) {
  Device& d = devs_[size_t(dev)];
  Adapter& a = adapters_[size_t(routes_[size_t(dev)].adapter)];
  if (d.offline) {  // 2.4 scsi_request_fn: "rejecting I/O to offline device", end_request(0)
    std::vector<IoRequest*> rejected;
    while (d.queue->waiting()) {
      IoRequest* n = d.queue->next(c.local_time());
      if (!n) break;
      rejected.push_back(n);
    }
    d.queued.set(double(d.queue->waiting()));
    for (IoRequest* pc : rejected) {
      ++d.outstanding;
      ++a.outstanding;
      pc->status = kStatusEio;
      finish_piece(c, *pc);
    }
    return;
  }
  if (a.in_recovery) return;  // 2.4 scsi_request_fn: nothing goes to a host in error recovery
  while (d.queue->waiting() && d.outstanding < p_.queue_depth && a.outstanding < p_.can_queue) {
    IoRequest* next = d.queue->next(c.local_time());
    if (!next) break;
    IoRequest& pc = *next;
    d.queued.set(double(d.queue->waiting()));
    ++d.outstanding;
    d.active.set(d.outstanding);
    ++a.outstanding;
    issue_frame(c, a, pc);
  }
}

namespace {
// The mid-layer's state of a piece's command (Scsi_Cmnd): retries, the
// MsgContext of its latest frame, its timer (serial), and the error
// handler's marks.
struct ScsiCmdState {
  uint32_t retries = 0;
  uint32_t ctx = 0;
  uint32_t serial = 0;     // wraps after 2^32 commands; a timer entry never lives that long
  bool armed = false;      // at the adapter, timer running
  bool timed_out = false;  // the timer fired: the error handler owns it
  bool recovered = false;  // an abort or reset took it off the target
};
}  // namespace

// mptscsih_qcmd: a frame in the pool, its MsgContext names the piece;
// scsi_add_timer arms its timeout (scsi_timeout).
void SyncDriver::issue_frame(CpuCtx& c, Adapter& a, IoRequest& pc) {
  const uint32_t ctx = contexts_.issue(pc);
  ScsiCmdState& st = pc.ext<ScsiCmdState>();
  st.ctx = ctx;
  st.serial = uint32_t(++serial_);
  st.armed = true;
  st.timed_out = st.recovered = false;
  timers_.push_back(Timer{c.local_time() + sc_core::sc_time(p_.scsi_timeout_s, sc_core::SC_SEC), &pc, st.serial});
  if (timers_.size() == 1) timer_ev_.notify(timers_.front().deadline - sc_core::sc_time_stamp());
  const uint64_t frame = frame_addr(ctx);
  frames->write(frame, MptFrame{pc.op, pc.target, pc.lba, pc.blocks, pc.host_buffer, ctx, pc.id});
  c.compute(p_.queuecommand_cycles, c.task() ? CpuCat::System : CpuCat::Irq);
  const uint32_t addr32 = uint32_t(frame);
  c.pio_write(a.reg_base + mpt::kRequestFifo, &addr32, 4);
  ++dispatched_;
}

bool SyncDriver::retry(IoRequest& pc) {
  // scsi_check_sense: only MEDIUM ERROR (of what the disks report here) asks
  // for a retry; a command ended by a reset or an abort it did not ask for
  // is retried too, and so is a soft error (scsi_decide_disposition,
  // DID_RESET / DID_ABORT / DID_SOFT_ERROR); then maybe_retry: ++retries < allowed.
  const int did = scsi::host_byte(pc.status);
  if (scsi::sense_key(pc.status) != scsi::kSenseMediumError && did != scsi::kDidReset && did != scsi::kDidAbort &&
      did != scsi::kDidSoftError)
    return false;
  return ++pc.ext<ScsiCmdState>().retries < uint32_t(p_.scsi_allowed);
}

void SyncDriver::kick_adapter(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  for (size_t i = 0; i < a.devices.size() && a.outstanding < p_.can_queue; ++i) {
    const int dev = a.devices[(a.rr + i) % a.devices.size()];
    dispatch(c, dev);
  }
  a.rr = (a.rr + 1) % std::max<size_t>(1, a.devices.size());
}

void SyncDriver::isr(CpuCtx& c, int ai) {
  if (p_.completion == SyncCompletion::Hybrid) { hybrid_isr(c, ai); return; }
  Adapter& a = adapters_[size_t(ai)];
  ++isr_runs_;
  c.compute(p_.isr_cycles, CpuCat::Irq);
  c.pio_read(a.reg_base + mpt::kIntStatus, 4);
  service(c, ai, std::numeric_limits<uint64_t>::max(), CpuCat::Irq);
}

// hybrid: mask the reply interrupt, hand the FIFO to the adapter's poll thread.
void SyncDriver::hybrid_isr(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  ++isr_runs_;
  c.compute(p_.isr_cycles, CpuCat::Irq);
  c.pio_read(a.reg_base + mpt::kIntStatus, 4);
  const uint32_t mask = mpt::kReplyIntMask;
  c.pio_write(a.reg_base + mpt::kIntMask, &mask, 4);
  if (a.polling) { a.again = true; return; }  // between its unmask and its end: it polls on
  a.polling = true;
  c.compute(os_.params().cost.wakeup, CpuCat::Irq);
  c.sync();
  os_.wake(a.poller, [this, ai](CpuCtx& c2) { hybrid_poll(c2, ai); });
}

void SyncDriver::hybrid_poll(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  ++polls_;
  const uint64_t n = service(c, ai, uint64_t(p_.budget), CpuCat::System);
  poll_replies_ += n;
  auto again = [this, ai](CpuCtx& c2) { hybrid_poll(c2, ai); };
  if (n >= uint64_t(p_.budget) || (n > 0 && p_.repoll_s == 0)) { os_.requeue(c, again); return; }
  if (n > 0) { os_.sleep_until(c, c.local_time() + sc_core::sc_time(p_.repoll_s, sc_core::SC_SEC), again); return; }
  const uint32_t unmask = 0;  // the FIFO read empty: interrupts back on
  c.pio_write(a.reg_base + mpt::kIntMask, &unmask, 4);
  if (a.again) { a.again = false; os_.requeue(c, again); return; }
  a.polling = false;
  os_.block(c, false);
}

// IOPOLL (issue 8): the reply interrupt masked (a posted write to
// HostInterruptMask, as hybrid's ISR does), then polls by the caller.
void SyncDriver::poll_claim(CpuCtx& c, int ai) {
  const uint32_t mask = mpt::kReplyIntMask;
  c.pio_write(adapters_[size_t(ai)].reg_base + mpt::kIntMask, &mask, 4);
}

uint64_t SyncDriver::poll(CpuCtx& c, int ai) {  // the poller counts its polls (IoUring's stats)
  return service(c, ai, uint64_t(p_.budget), CpuCat::System);
}

uint64_t SyncDriver::service(CpuCtx& c, int ai, uint64_t budget, CpuCat cat) {
  Adapter& a = adapters_[size_t(ai)];
  uint64_t n = 0;
  // Two ISRs (one per CPU) may be in flight at once: each takes its own list.
  std::vector<IoRequest*> back;
  if (!spare_lists_.empty()) {
    back = std::move(spare_lists_.back());
    spare_lists_.pop_back();
  }
  while (n < budget) {
    const uint32_t v = uint32_t(c.pio_read(a.reg_base + mpt::kReplyFifo, 4));
    if (v == mpt::kEmpty) break;
    ++n;
    ++replies_;
    if (!(v & mpi::kAddressReplyBit)) {  // context reply: the command ended GOOD
      IoRequest& pc = contexts_.retire(v);
      frames->free(frame_addr(v));
      ScsiCmdState& st = pc.ext<ScsiCmdState>();
      if (!st.armed || st.ctx != v) { ++late_replies_; continue; }  // timed out already: scsi_done ignores it (done_late)
      st.armed = false;
      back.push_back(&pc);
      continue;
    }
    // Address reply: read the reply frame (and sense) from host memory, take
    // the status, give the frame back to the chip (a write to the reply FIFO).
    ++error_replies_;
    const uint32_t addr = (v & ~mpi::kAddressReplyBit) << 1;
    const MptReply rep = frames->take_reply(addr);
    c.compute(p_.error_reply_cycles, cat);
    IoRequest& pc = contexts_.retire(rep.context);
    frames->free(frame_addr(rep.context));
    c.pio_write(a.reg_base + mpt::kReplyFifo, &addr, 4);
    if (rep.function == mpi::kFunctionTaskMgmt) {  // the error handler's request is done: wake it
      a.tm_ok = rep.ioc_status == mpi::kIocStatusSuccess;
      if (!a.tm_ok) ++tm_failed_;
      c.compute(os_.params().cost.wakeup, cat);
      c.sync();
      os_.wake(a.eh_task, [this, ai](CpuCtx& c2) { eh_tm_done(c2, ai); });
      continue;
    }
    ScsiCmdState& st = pc.ext<ScsiCmdState>();
    if (!st.armed || st.ctx != rep.context) { ++late_replies_; continue; }  // timed out already (done_late)
    st.armed = false;
    const bool terminated = rep.ioc_status == mpi::kIocStatusScsiTaskTerminated ||
                            rep.ioc_status == mpi::kIocStatusScsiIocTerminated;
    // mptscsih_io_done (2.4 fusion): a terminated command carries the host
    // status its terminator gave; a SCSI status other than GOOD is the
    // target's (with its sense, if autosense ran); an IOCStatus with GOOD
    // status it has no case for (IO_DATA_ERROR: the chip's DMA to the host
    // master-aborted) is DID_SOFT_ERROR, which the mid-layer retries.
    pc.status = terminated ? rep.sense
                : rep.scsi_status == scsi::kCheckCondition && (rep.scsi_state & mpi::kScsiStateAutosenseValid)
                    ? rep.sense
                : rep.scsi_status                                    ? int(rep.scsi_status)
                : rep.ioc_status == mpi::kIocStatusScsiIoDataError ? scsi::host_status(scsi::kDidSoftError)
                                                                    : kStatusEio;
    back.push_back(&pc);
  }
  // bounce_end_io_read: each read piece that ended GOOD is copied up to its
  // highmem page by the buffer's b_end_io, which 2.4's __scsi_end_request
  // calls before it takes io_request_lock.
  if (p_.bounce == SyncBounce::Highmem)
    for (IoRequest* pc : back)
      if (pc->status == 0 && pc->op == IoOp::Read) bounce_copy(c, pc->bytes(), cat);
  // Bottom half: finish each command, refill the queues, wake the owners.
  c.lock(io_request_lock_);
  for (IoRequest* pc : back) {
    c.compute(p_.bottom_half_cycles, cat);
    if (pc->status != 0 && retry(*pc)) {  // scsi_retry_command: straight back to the adapter
      ++retries_;
      pc->status = 0;
      issue_frame(c, a, *pc);
      continue;
    }
    finish_piece(c, *pc);
  }
  while (!timers_.empty() && timer_stale(timers_.front())) timers_.pop_front();  // memory stays bounded
  kick_adapter(c, ai);
  c.unlock(io_request_lock_);
  back.clear();
  spare_lists_.push_back(std::move(back));
  return n;
}

void SyncDriver::finish_piece(CpuCtx& c, IoRequest& pc) {
  const int dev = int(pc.ext<MemberIndex>().member);
  Device& d = devs_[size_t(dev)];
  const int ai = routes_[size_t(dev)].adapter;
  Adapter& a = adapters_[size_t(ai)];
  pc.ext<ScsiCmdState>().armed = false;
  --d.outstanding;
  d.active.set(d.outstanding);
  --a.outstanding;
  d.queue->completed(pc, c.local_time());
  dispatch(c, dev);
  if (IoRequest* parent = join_piece(pc, pieces_)) {
    const auto ra = ra_of_.empty() ? ra_of_.end() : ra_of_.find(parent);
    if (ra != ra_of_.end()) finish_read_ahead(c, *ra->second);
    else end_request(c, *parent);
  }
  maybe_start_eh(ai);
}

// ---- Error handling (issue 11) -------------------------------------------
// Linux 2.4 drivers/scsi/scsi_error.c: scsi_times_out marks the command
// failed (host_failed++) and the host in recovery (no more commands are
// queued to it); when every command outstanding at the host has completed or
// failed (host_busy == host_failed) the host's scsi_eh thread runs
// scsi_unjam_host: abort each failed command, then reset each device that
// still has one, then the bus, then the host, each step only if the one
// before left failed commands; after a successful bus or host reset it
// sleeps BUS_RESET_SETTLE_TIME / HOST_RESET_SETTLE_TIME. Commands taken off
// the target are retried while ++retries < allowed (sd: 5 attempts); the
// rest end with -EIO and, if nothing could take them off the target, the
// device goes offline. Simplifications: no TEST UNIT READY or REQUEST SENSE
// between steps; the retries go back through the normal path once the host
// leaves recovery (2.4 retries some inside the handler).
bool SyncDriver::timer_stale(const Timer& t) const {
  const ScsiCmdState& st = t.pc->ext<ScsiCmdState>();
  return !st.armed || st.serial != uint32_t(t.serial);
}

void SyncDriver::timer_method() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  std::vector<int> touched;
  while (!timers_.empty()) {
    const Timer& t = timers_.front();
    if (timer_stale(t)) { timers_.pop_front(); continue; }
    if (t.deadline > now) break;
    IoRequest& pc = *t.pc;
    timers_.pop_front();
    ScsiCmdState& st = pc.ext<ScsiCmdState>();
    st.armed = false;
    st.timed_out = true;
    ++timeouts_;
    const int ai = routes_[pc.ext<MemberIndex>().member].adapter;
    Adapter& a = adapters_[size_t(ai)];
    ++a.failed;
    a.in_recovery = true;
    a.eh_cmds.push_back(&pc);
    if (!a.eh_running) a.eh_state.set(1);
    touched.push_back(ai);
  }
  for (int ai : touched) maybe_start_eh(ai);
  if (!timers_.empty()) timer_ev_.notify(timers_.front().deadline - now);
}

void SyncDriver::maybe_start_eh(int ai) {
  Adapter& a = adapters_[size_t(ai)];
  if (!a.in_recovery || a.eh_running || a.failed != a.outstanding) return;
  a.eh_running = true;
  if (!a.eh_task) a.eh_task = os_.create_task(std::string(name()) + ".eh" + std::to_string(ai), true);
  os_.wake(a.eh_task, [this, ai](CpuCtx& c) { eh_begin(c, ai); });
}

namespace {
enum EhStep { kEhIdle, kEhDrain, kEhAbort, kEhDeviceReset, kEhBusReset, kEhHostReset, kEhSettle };
}  // namespace

void SyncDriver::eh_begin(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  ++eh_runs_;
  for (IoRequest* pc : a.eh_cmds) pc->ext<ScsiCmdState>().recovered = false;
  a.eh_step = kEhAbort;
  a.eh_idx = 0;
  eh_next(c, ai);
}

void SyncDriver::post_tm(CpuCtx& c, int ai, uint8_t type, int target, uint32_t task_context) {
  Adapter& a = adapters_[size_t(ai)];
  a.eh_state.set(a.eh_step);
  c.compute(p_.eh_tm_cycles, CpuCat::System);
  const uint32_t ctx = contexts_.issue(a.tm_req);
  const uint64_t frame = frame_addr(ctx);
  MptFrame f{IoOp::Read, target, 0, 0, 0, ctx, 0};
  f.function = mpi::kFunctionTaskMgmt;
  f.task_type = type;
  f.task_context = task_context;
  frames->write(frame, f);
  const uint32_t addr32 = uint32_t(frame);
  c.pio_write(a.reg_base + mpt::kRequestFifo, &addr32, 4);
  os_.block(c, false);  // the ISR wakes it with the reply (eh_tm_done)
}

void SyncDriver::eh_next(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  auto all_recovered = [&a] {
    for (IoRequest* pc : a.eh_cmds)
      if (!pc->ext<ScsiCmdState>().recovered) return false;
    return true;
  };
  for (;;) {
    if (all_recovered()) { eh_finish(c, ai); return; }
    switch (a.eh_step) {
      case kEhAbort:  // scsi_try_to_abort_command, per failed command
        while (a.eh_idx < a.eh_cmds.size() && a.eh_cmds[a.eh_idx]->ext<ScsiCmdState>().recovered) ++a.eh_idx;
        if (a.eh_idx < a.eh_cmds.size()) {
          IoRequest& pc = *a.eh_cmds[a.eh_idx];
          ++aborts_;
          post_tm(c, ai, mpi::kTaskAbortTask, pc.target, pc.ext<ScsiCmdState>().ctx);
          return;
        }
        a.eh_targets.clear();
        for (IoRequest* pc : a.eh_cmds)
          if (!pc->ext<ScsiCmdState>().recovered &&
              std::find(a.eh_targets.begin(), a.eh_targets.end(), pc->target) == a.eh_targets.end())
            a.eh_targets.push_back(pc->target);
        a.eh_step = kEhDeviceReset;
        a.eh_idx = 0;
        continue;
      case kEhDeviceReset:  // scsi_try_bus_device_reset, per device with a failed command
        if (a.eh_idx < a.eh_targets.size()) {
          ++device_resets_;
          post_tm(c, ai, mpi::kTaskTargetReset, a.eh_targets[a.eh_idx], 0);
          return;
        }
        a.eh_step = kEhBusReset;
        continue;
      case kEhBusReset:  // scsi_try_bus_reset
        ++bus_resets_;
        post_tm(c, ai, mpi::kTaskResetBus, -1, 0);
        return;
      case kEhHostReset:  // scsi_try_host_reset
        ++host_resets_;
        post_tm(c, ai, mpi::kTaskIocReset, -1, 0);
        return;
      default:  // every step failed
        eh_finish(c, ai);
        return;
    }
  }
}

void SyncDriver::eh_tm_done(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  auto recover_all = [&a](int target) {
    for (IoRequest* pc : a.eh_cmds)
      if (target < 0 || pc->target == target) pc->ext<ScsiCmdState>().recovered = true;
  };
  switch (a.eh_step) {
    case kEhAbort:
      if (a.tm_ok) a.eh_cmds[a.eh_idx]->ext<ScsiCmdState>().recovered = true;
      ++a.eh_idx;
      break;
    case kEhDeviceReset:
      if (a.tm_ok) recover_all(a.eh_targets[a.eh_idx]);
      ++a.eh_idx;
      break;
    case kEhBusReset:
    case kEhHostReset: {
      if (!a.tm_ok) { a.eh_step = a.eh_step == kEhBusReset ? kEhHostReset : kEhSettle; break; }
      recover_all(-1);
      const double settle = a.eh_step == kEhBusReset ? p_.bus_reset_settle_s : p_.host_reset_settle_s;
      a.eh_state.set(kEhSettle);
      os_.sleep_until(c, c.local_time() + sc_core::sc_time(settle, sc_core::SC_SEC),
                      [this, ai](CpuCtx& c2) { eh_finish(c2, ai); });
      return;
    }
    default: break;
  }
  eh_next(c, ai);
}

void SyncDriver::eh_finish(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  c.lock(io_request_lock_);
  std::vector<IoRequest*> cmds;
  cmds.swap(a.eh_cmds);
  a.failed = 0;
  a.in_recovery = false;
  a.eh_running = false;
  a.eh_state.set(kEhIdle);
  for (IoRequest* pc : cmds) {
    ScsiCmdState& st = pc->ext<ScsiCmdState>();
    st.timed_out = false;
    if (st.recovered && ++st.retries < uint32_t(p_.scsi_allowed)) {  // scsi_retry_command
      ++eh_retries_;
      pc->status = 0;
      issue_frame(c, a, *pc);
      continue;
    }
    Device& d = devs_[pc->ext<MemberIndex>().member];
    if (!st.recovered && !d.offline) {  // nothing took it off the target: the device goes offline
      d.offline = true;
      ++offlined_;
    }
    pc->status = kStatusEio;
    finish_piece(c, *pc);
  }
  for (size_t i = 0; i < a.devices.size(); ++i) dispatch(c, a.devices[i]);
  kick_adapter(c, ai);
  c.unlock(io_request_lock_);
  os_.block(c, false);
}

void SyncDriver::reset_stats() {
  io_request_lock_.spin_s = 0;
  for (auto& d : devs_) { d.queued.reset(); d.active.reset(); d.queue->reset_stats(); }
  dispatched_ = isr_runs_ = replies_ = eio_ = retries_ = error_replies_ = 0;
  timeouts_ = eh_runs_ = aborts_ = device_resets_ = bus_resets_ = host_resets_ = 0;
  tm_failed_ = eh_retries_ = late_replies_ = offlined_ = 0;
  for (auto& a : adapters_) a.eh_state.reset();
  polls_ = poll_replies_ = 0;
  page_hits_ = page_misses_ = copied_bytes_ = cached_reads_ = evictions_ = 0;
  ra_windows_ = ra_pages_ = ra_waited_ = 0;
  bounced_pages_ = bounce_copied_ = 0;
}

void SyncDriver::report(Stats& out, double window_s) const {
  const std::string name_ = name();
  double q = 0, act = 0;
  for (size_t i = 0; i < devs_.size(); ++i) {
    const std::string n = name_ + ".sd" + std::to_string(i);
    StatGroup g = out.group(n, "block_queue");
    g.add("elevator_depth", devs_[i].queued.mean(), "count", StatKind::Level, "requests waiting in the block-layer queue");
    g.add("device_depth", devs_[i].active.mean(), "count", StatKind::Level, "commands outstanding at the disk");
    q += devs_[i].queued.mean();
    act += devs_[i].active.mean();
  }
  const double n = double(std::max<size_t>(1, devs_.size()));
  StatGroup g = out.group(name_, "sync_driver");
  g.add("elevator_depth", q / n, "count", StatKind::Level, "mean per disk");
  g.add("device_depth", act / n, "count", StatKind::Level, "mean per disk");
  g.add("interrupt_rate", double(isr_runs_) / window_s, "1/s", StatKind::Rate, "ISR runs");
  g.add("io_request_lock_spin", 100 * io_request_lock_.spin_s / window_s, "%", StatKind::Fraction, "CPU time spinning on io_request_lock, in % of one CPU");
  g.add("replies_per_interrupt", isr_runs_ ? double(replies_) / double(isr_runs_) : 0, "count", StatKind::Distribution, "replies handled per ISR run (mean)");
  if (p_.completion == SyncCompletion::Hybrid) {  // issue 8; irq (the default) adds nothing
    g.add("poll_rate", double(polls_) / window_s, "1/s", StatKind::Rate, "reply FIFO polls by the poll threads");
    g.add("replies_per_poll", polls_ ? double(poll_replies_) / double(polls_) : 0, "count", StatKind::Distribution, "replies found per reply FIFO poll (mean)");
  }
  if (p_.io == SyncIo::Buffered) {  // issue 8; direct (the default) adds nothing
    StatGroup pc = out.group(name_ + ".page_cache", "page_cache");
    pc.add("page_hit_rate", double(page_hits_) / window_s, "1/s", StatKind::Rate, "4 KiB pages found by find_get_page");
    pc.add("page_miss_rate", double(page_misses_) / window_s, "1/s", StatKind::Rate, "pages allocated and added to the cache (a read's then read from disk, a write's copied into)");
    pc.add("cached_read_rate", double(cached_reads_) / window_s, "1/s", StatKind::Rate, "reads served wholly from the cache (no disk I/O)");
    pc.add("eviction_rate", double(evictions_) / window_s, "1/s", StatKind::Rate, "least recently used pages dropped");
    pc.add("copy_rate", double(copied_bytes_) / window_s / 1e6, "MB/s", StatKind::Rate, "copy_to_user (reads) and copy_from_user (writes), on the issuing CPUs");
    pc.add("resident", double(cache_.resident()) * double(PageCache::kPageBytes), "B", StatKind::Level, "at the end of the window");
    pc.add("readahead_rate", double(ra_windows_) / window_s, "1/s", StatKind::Rate, "read-ahead windows sent (generic_file_readahead)");
    pc.add("readahead_page_rate", double(ra_pages_) / window_s, "1/s", StatKind::Rate, "pages allocated and read by read-ahead (not counted as misses)");
    pc.add("readahead_wait_rate", double(ra_waited_) / window_s, "1/s", StatKind::Rate, "reads that waited for a read-ahead window still in flight");
  }
  if (p_.bounce == SyncBounce::Highmem) {  // issue 8; none (the default) adds nothing
    StatGroup b = out.group(name_ + ".bounce", "bounce");
    b.add("page_rate", double(bounced_pages_) / window_s, "1/s", StatKind::Rate, "4 KiB pages given a lowmem bounce page (create_bounce)");
    b.add("copy_rate", double(bounce_copied_) / window_s / 1e6, "MB/s", StatKind::Rate, "bounce copies: writes at submission, reads in the completion path");
  }
  if (p_.report_errors) {
    g.add("eio", double(eio_), "count", StatKind::Counter, "requests ended with -EIO (a piece failed after the mid-layer's retries)");
    g.add("scsi_retries", double(retries_), "count", StatKind::Counter, "commands the mid-layer sent again (MEDIUM ERROR, a soft error, or ended by a reset it did not ask for)");
    g.add("timeouts", double(timeouts_), "count", StatKind::Counter, "commands whose scsi_timeout expired (scsi_times_out)");
    g.add("eh_runs", double(eh_runs_), "count", StatKind::Counter, "error handler runs (scsi_unjam_host)");
    g.add("aborts", double(aborts_), "count", StatKind::Counter, "ABORT TASK requests of the error handler");
    g.add("device_resets", double(device_resets_), "count", StatKind::Counter, "TARGET RESET requests of the error handler");
    g.add("bus_resets", double(bus_resets_), "count", StatKind::Counter, "bus resets requested by the error handler");
    g.add("host_resets", double(host_resets_), "count", StatKind::Counter, "host (IOC) resets requested by the error handler");
    g.add("tm_failed", double(tm_failed_), "count", StatKind::Counter, "task management requests that failed (the error handler went on to the next step)");
    g.add("eh_retries", double(eh_retries_), "count", StatKind::Counter, "timed-out commands sent again after the error handler took them off the target");
    g.add("late_replies", double(late_replies_), "count", StatKind::Counter, "replies for commands that had timed out, ignored (done_late)");
    g.add("offline", double(offlined_), "count", StatKind::Counter, "devices taken offline (every error handling step failed)");
    g.add("error_replies", double(error_replies_), "count", StatKind::Counter, "MPT address replies taken by the ISR");
  }
  // The default elevator adds nothing to the results (they stay as they were).
  if (p_.sched.kind != IoSchedKind::Elevator) {
    std::vector<const RoundLog*> logs;
    for (const auto& d : devs_) logs.push_back(d.queue->rounds());
    report_io_sched(out, name_ + ".sched", p_.sched, logs, p_.round_bound, window_s);
  }
}

} // namespace iosim
