#include "model/card/firmware.hpp"

#include "model/common/split_join.hpp"
#include "model/fault/fault.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

Firmware::Firmware(sc_module_name name, const FirmwareParams& p, CardMemory& mem, QueueController& qc,
                   const Raid0Geometry& raid)
    : sc_module(name), members("members"), dma("dma"), p_(p), mem_(mem), qc_(qc), raid_(raid) {
  if (p_.tags_per_disk < 1) throw std::invalid_argument("firmware tags_per_disk must be >= 1");
  if (backlog()) {
    backlog_.resize(raid_.members);
    for (auto& b : backlog_) b.queue = make_io_sched(p_.sched);
  }
  SC_THREAD(run);
  for (int i = 0; i < p_.dma_channels; ++i)
    sc_core::sc_spawn([this] { dma_engine(); }, sc_core::sc_gen_unique_name("dma"));
  // An idle firmware is woken at its next poll instant by what it would see.
  SC_METHOD(on_change);
  sensitive << mem_.request_posted() << scsi_ev_ << dma_done_ev_;
  dont_initialize();
  SC_METHOD(on_slot_freed);
  sensitive << mem_.completion_taken();
  dont_initialize();
  if (p_.irq) {
    if (p_.irq_coalesce_count < 1) throw std::invalid_argument("firmware irq_coalesce_count must be >= 1");
    if (p_.irq_coalesce_count > 1 && !(p_.irq_coalesce_timeout_s > 0))
      throw std::invalid_argument("firmware irq coalescing above 1 needs a timeout (the last batch is never announced)");
    SC_METHOD(coalesce_method);
    sensitive << coalesce_ev_;
    dont_initialize();
  }
  busy_.trace(this->name(), "busy", 1);  // waveform (--vcd) only
  in_card_.trace(this->name(), "in_card", 16);
  if (p_.faults.any()) {  // issue 11; a card without faults is unchanged (no process, no signal)
    fault_rng_ = Rng(p_.seed, std::string(this->name()) + ".faults");
    lost_ = p_.faults.lost_update;
    stalled_lv_.trace(this->name(), "stalled", 1);
    reset_lv_.trace(this->name(), "in_reset", 1);
    if (!p_.faults.stalls.empty()) SC_THREAD(stall_thread);
    SC_METHOD(reset_method);
    sensitive << mem_.reset_requested();
    dont_initialize();
    SC_METHOD(boot_method);
    sensitive << boot_ev_;
    dont_initialize();
    // The heartbeat runs from power-on (OMR0 counts loop passes).
    mem_.heartbeat_run(1, sc_time(p_.poll_interval_s, SC_SEC));
  }
  if (p_.scsi_timer) {  // issue 11: the SCSI command timeout; off, nothing of it exists
    if (!(p_.scsi_timeout_s > 0) || !(p_.tm_timeout_s > 0) || p_.scsi_retries < 0)
      throw std::invalid_argument("firmware scsi_timeout and tm_timeout must be > 0, scsi_retries >= 0");
    timers_.resize(64);  // grows by doubling while more commands are out; never shrinks
    recovery_lv_.trace(this->name(), "recovery", 2);
    SC_THREAD(recovery_thread);
  }
}

// --- faults (issue 11) -------------------------------------------------------

// A hang: the CPU stops executing (no request taken, no completion posted,
// no SCSI completion handled, the heartbeat frozen). It takes effect at the
// end of the step in progress (one record taken, one completion posted or
// one SCSI completion handled: at most ~10 us of firmware time). The DMA
// channels and the SCSI controllers are hardware and finish what they were
// given. A finite stall ends by itself; a reset ends any stall.
void Firmware::stall_thread() {
  for (const CardFaults::Stall& s : p_.faults.stalls) {
    const sc_time at(s.at_s, SC_SEC);
    if (at > sc_time_stamp()) wait(at - sc_time_stamp());
    if (in_reset_) continue;  // already held in reset: nothing runs to hang
    const uint32_t g = gen_;
    stalled_ = true;
    stalled_lv_.set(1);
    ++stalls_;
    mem_.heartbeat_freeze();
    if (s.duration_s == std::numeric_limits<double>::infinity()) continue;
    wait(sc_time(s.duration_s, SC_SEC));
    if (!stalled_ || g != gen_) continue;  // a reset came first
    stalled_ = false;
    stalled_lv_.set(0);
    mem_.heartbeat_run(mem_.heartbeat(), sc_time(p_.poll_interval_s, SC_SEC));
    resume_ev_.notify(SC_ZERO_TIME);
    wake_at_next_poll();
  }
}

// The host's board reset: the CPU is held, everything the firmware knew is
// gone (a new incarnation: gen_ + 1). The SCSI commands already at the disks
// and a DMA in flight are hardware and finish; the new incarnation drops what
// they bring back (stale). The queue controller is reset when the firmware
// boots (boot_method).
void Firmware::reset_method() {
  ++gen_;
  ++resets_;
  in_reset_ = true;
  reset_lv_.set(1);
  if (stalled_) { stalled_ = false; stalled_lv_.set(0); }
  mem_.reset_registers();  // doorbell, mask, heartbeat: 0 while in reset
  unannounced_ = 0;
  if (p_.irq) coalesce_ev_.cancel();
  for (auto* q : {&to_dma_, &to_post_}) {
    for (IoRequest* j : *q) drop_stale(*j);
    q->clear();
  }
  // A backlog lived in the firmware's memory: its commands never go out.
  for (auto& b : backlog_) {
    while (IoRequest* cmd = b.queue->next(sc_time_stamp()))
      if (IoRequest* j = join_piece(*cmd, commands_)) drop_stale(*j);
    b.outstanding = 0;
  }
  in_card_.add(-in_card_.level());
  jobs_ = 0;
  timer_count_ = 0;  // the old incarnation's commands are timed no more (a recovery in progress stops: escalate)
  boot_ev_.notify(sc_time(p_.restart_s, SC_SEC));
}

void Firmware::boot_method() {
  qc_.reset_rings();  // both rings empty, every pointer 0
  in_reset_ = false;
  reset_lv_.set(0);
  mem_.heartbeat_run(1, sc_time(p_.poll_interval_s, SC_SEC));
  resume_ev_.notify(SC_ZERO_TIME);
  wake_at_next_poll();
}

void Firmware::drop_stale(IoRequest& j) {
  ++stale_;
  jobs_pool_.release(j);
}

bool Firmware::lost_update_hits() {
  if (!lost_.any()) return false;
  const double now = sc_time_stamp().to_seconds();
  if (now >= lost_.at_s) {
    lost_.at_s = std::numeric_limits<double>::infinity();
    return true;
  }
  return lost_.probability > 0 && now >= lost_.from_s && fault_rng_.uniform01() < lost_.probability;
}

// --- SCSI command timeouts (issue 11) ----------------------------------------
// Every command the firmware hands to a SCSI controller gets a deadline
// (scsi_timeout); one timer, on the oldest deadline, wakes the recovery
// thread (one SC_THREAD per firmware, never one per command). A timed-out
// command goes through an escalation like Linux 2.4's error handler, in
// firmware: ABORT TASK; if the target does not answer within tm_timeout,
// TARGET RESET; if that gets no answer either, a reset of that bus (RST: every
// command on the bus comes back, the bus holds selections for its
// reset-to-selection time). Each command an abort or reset ended is sent
// again: one that has timed out, or sat at the drive being reset, while it
// has retries left (scsi_retries); one a bus reset swept from another drive
// always; one with none left fails, and its request completes through the
// completion ring with an error (the host driver's -EIO). A command that
// completes while its escalation waits is done with: the next step is not
// taken. Replies the target sends after an abort or reset for the commands it
// ended are void at the bus (ScsiTarget::holds), so nothing arrives twice.
void Firmware::submit_command(IoRequest& cmd) {
  ++commands_issued_;
  if (p_.scsi_timer) {
    FwTag& t = cmd.ext<FwTag>();
    t.serial = ++serial_;
    t.armed = 1;
    t.back = 0;
    if (timer_count_ == timers_.size()) {  // full: unroll into a ring twice as large
      std::vector<Timer> bigger(timers_.size() * 2);
      for (size_t i = 0; i < timer_count_; ++i) bigger[i] = timers_[(timer_head_ + i) % timers_.size()];
      timers_.swap(bigger);
      timer_head_ = 0;
    }
    const sc_time timeout(p_.scsi_timeout_s, SC_SEC);
    timers_[(timer_head_ + timer_count_) % timers_.size()] = Timer{sc_time_stamp() + timeout, &cmd, t.serial};
    if (++timer_count_ == 1) timer_ev_.notify(timeout);
  }
  members[int(cmd.ext<MemberIndex>().member)]->submit(cmd);
}

// An entry whose command has completed, is back from its controller (the
// run loop's now), or was sent again (a new serial).
bool Firmware::timer_stale(const Timer& t) {
  const FwTag& g = t.cmd->ext<FwTag>();
  return !g.armed || g.back || g.serial != t.serial;
}

void Firmware::pop_stale_timers() {
  while (timer_count_ && timer_stale(timers_[timer_head_])) {
    timer_head_ = (timer_head_ + 1) % timers_.size();
    --timer_count_;
  }
}

bool Firmware::retry_command(IoRequest& c) {
  const int did = scsi::host_byte(c.status);
  if (did != scsi::kDidAbort && did != scsi::kDidReset) return false;  // the target's own status: as before
  // Only a command that has timed out (or sat at the drive being reset:
  // on_done) spends its retries: one a bus reset swept from another drive is
  // sent again for free (it did nothing wrong), so a healthy drive's
  // commands never fail of a neighbour's hang; a hung drive's command fails
  // after scsi_retries + 1 resets.
  FwTag& t = c.ext<FwTag>();
  if (t.timed_out) {
    if (t.retries >= p_.scsi_retries) {
      ++gave_up_;
      c.status = scsi::host_status(scsi::kDidTimeOut);
      return false;
    }
    ++t.retries;
  }
  ++scsi_retries_;
  c.status = 0;
  spend(p_.issue_cycles);
  sync();
  submit_command(c);
  return true;
}

void Firmware::recovery_thread() {
  for (;;) {
    wait(timer_ev_);
    for (;;) {
      while (halted()) wait(resume_ev_);  // a hung CPU runs no timer handler either
      pop_stale_timers();
      if (!timer_count_) break;
      const Timer t = timers_[timer_head_];
      if (t.deadline > sc_time_stamp()) {
        timer_ev_.notify(t.deadline - sc_time_stamp());
        break;
      }
      timer_head_ = (timer_head_ + 1) % timers_.size();
      --timer_count_;
      FwTag& g = t.cmd->ext<FwTag>();
      g.armed = 0;
      g.timed_out = 1;
      ++timeouts_;
      escalate(*t.cmd);
      recovery_lv_.set(0);
    }
  }
}

void Firmware::escalate(IoRequest& c) {
  const uint32_t m = c.ext<MemberIndex>().member;
  if (m >= member_bus_.size() || member_bus_[m] < 0 || member_bus_[m] >= buses.size())
    throw std::logic_error(std::string(name()) + ": no task management port for RAID0 member " + std::to_string(m));
  ScsiTaskMgmtIf& tm = *buses[member_bus_[m]];
  const uint32_t serial = c.ext<FwTag>().serial, gen = gen_;
  const int target = c.target;
  // Still this firmware's problem: not back from the controller (a command
  // back is the run loop's: it may already be sent again or released), and
  // no board reset since (the new incarnation knows nothing of it).
  auto open = [&] {
    const FwTag& g = c.ext<FwTag>();
    return gen == gen_ && g.serial == serial && !g.back;
  };
  // Build one task management request (the CPU's cycles, spent on this
  // thread: a few microseconds against seconds of timeouts, not taken from
  // the run loop) and hand it over if the command is still out.
  auto step = [&](int level, uint64_t& count) {
    recovery_lv_.set(level);
    wait(sc_time(p_.tm_cycles / p_.cpu_hz, SC_SEC));
    if (!open()) return false;
    ++count;
    return true;
  };
  if (!step(1, aborts_) || tm.abort_task(c)) return;  // answered: it comes back aborted (or had completed)
  wait(sc_time(p_.tm_timeout_s, SC_SEC));  // no answer: waited for one
  if (!open() || !step(2, target_resets_)) return;
  esc_bus_ = member_bus_[m];  // what the resets sweep from this drive is hung too (on_done)
  esc_target_ = target;
  bool reset = tm.reset_target(target);  // answered: every command at the drive came back
  if (!reset) {
    wait(sc_time(p_.tm_timeout_s, SC_SEC));
    reset = open() && step(3, bus_resets_);
    if (reset) tm.reset_bus();  // every command on the bus comes back
  }
  // What the controller still holds for the drive, never sent, ends with
  // the reset too: the whole drive's commands go round together (else each
  // batch the controller sends next would time out on its own, one
  // escalation per batch).
  if (reset) tm.drop_queued(target, scsi::host_status(scsi::kDidReset));
  esc_bus_ = esc_target_ = -1;
}

// Firmware time accrues step by step (each step rounded to the time
// resolution, as when it was spent step by step) and is spent in one wait
// before the next thing another component can see: a queue-controller
// operation, a SCSI command, a DMA request, a look at what others changed.
void Firmware::spend(double cycles) { pending_ += sc_time(cycles / p_.cpu_hz, SC_SEC); }

void Firmware::sync() {
  if (pending_ == SC_ZERO_TIME) return;
  busy_.set(1);
  wait(pending_);
  pending_ = SC_ZERO_TIME;
  busy_.set(0);
}

// The idle loop re-reads the status at P_SR every poll interval; rather than
// simulate each empty poll, a change (request posted, SCSI command back, DMA
// done) wakes the firmware at the next poll instant.
void Firmware::wake_at_next_poll() {
  if (!idle_) return;
  const double now = sc_time_stamp().to_seconds();
  const double next = std::ceil(now / p_.poll_interval_s) * p_.poll_interval_s;
  if (next > now) wake_ev_.notify(sc_time(next - now, SC_SEC));
  else wake_ev_.notify(SC_ZERO_TIME);
}

void Firmware::on_change() { wake_at_next_poll(); }

// A freed completion slot matters only to a firmware waiting for one.
void Firmware::on_slot_freed() {
  if (wants_slot_) wake_at_next_poll();
}

void Firmware::take_request() {
  const uint32_t i = qc_.state().p_sr;
  const uint8_t* r = mem_.req_record(i);
  IoRequest& j = jobs_pool_.acquire();
  j.op = r[ring::req::kCommand] == ring::kCmdWrite ? IoOp::Write : IoOp::Read;
  j.lba = ring::get<uint64_t>(r, ring::req::kLbn);
  j.blocks = ring::get<uint32_t>(r, ring::req::kSize) / kSectorBytes;
  j.host_buffer = ring::get<uint64_t>(r, ring::req::kBuffer);
  j.ext<RingCallback>().value = ring::get<uint64_t>(r, ring::req::kCallback);
  j.deadline = sc_time(double(ring::get<uint64_t>(r, ring::req::kDeadline)), SC_NS);  // 0 = none
  j.origin = ring::get<uint32_t>(r, ring::req::kStream);
  if (p_.faults.any()) j.ext<FwTag>().gen = gen_;
  spend(p_.take_cycles);
  sync();
  qc_.card_pop_request();  // status := invalid, P_SR++ (in the controller)
  if (stale(j)) {  // the host reset the card meanwhile (issue 11): the new incarnation never had it
    jobs_pool_.release(j);
    return;
  }
  ++taken_;
  ++jobs_;
  in_card_.add(1);
  spend(p_.map_cycles);
  raid0_map(raid_, j.lba, j.blocks, map_);
  pieces_.clear();
  split_request(j, map_, commands_, pieces_);
  for (IoRequest* cmd : pieces_) {
    spend(p_.issue_cycles);
    cmd->on_done = [this](IoRequest& c) {
      if (p_.scsi_timer) {
        FwTag& g = c.ext<FwTag>();
        g.back = 1;  // the recovery thread must not touch it any more
        // Ended by a reset of the drive being recovered: it sat at a drive
        // that answered neither ABORT TASK nor TARGET RESET, so it is as
        // hung as the command that timed out (Linux's error handler likewise
        // waits until every command of the host has completed or timed out):
        // it spends a retry too.
        if (esc_target_ >= 0 && c.target == esc_target_ && member_bus_[c.ext<MemberIndex>().member] == esc_bus_ &&
            scsi::host_byte(c.status) == scsi::kDidReset)
          g.timed_out = 1;
      }
      scsi_done_.push_back(&c);
      scsi_ev_.notify(SC_ZERO_TIME);
    };
    if (backlog()) {  // built now, handed over in the policy's order
      backlog_[cmd->ext<MemberIndex>().member].queue->add(*cmd);
      continue;
    }
    sync();
    submit_command(*cmd);
  }
  if (backlog())
    for (IoRequest* cmd : pieces_) release(cmd->ext<MemberIndex>().member);
}

void Firmware::release(uint32_t m) {
  Backlog& b = backlog_[m];
  sync();
  while (b.outstanding < p_.tags_per_disk) {
    IoRequest* cmd = b.queue->next(sc_time_stamp());
    if (!cmd) break;
    ++b.outstanding;
    submit_command(*cmd);
  }
}

bool Firmware::room_for_job() const {
  return uint64_t(in_card_.level()) + qc_.state().cpl_count < qc_.params().depth;
}

void Firmware::post_completion(IoRequest& j) {
  const uint32_t i = qc_.state().p_sc;
  uint8_t* r = mem_.cpl_record(i);
  r[ring::cpl::kCommand] = j.is_read() ? ring::kCmdRead : ring::kCmdWrite;
  // The outcome (issue 11): the first failing piece's sense key (join_piece
  // keeps the first error). The card does not retry (no source says its
  // firmware did).
  // A command the firmware gave up on after its timeout and resets (a host
  // status, no sense data) reports kOutcomeNoSense.
  const int key = scsi::sense_key(j.status);
  const uint8_t outcome = j.status == 0           ? 0
                          : j.status == kStatusEio ? ring::cpl::kOutcomeDmaAbort  // the DMA master-aborted (dma_engine)
                          : key                   ? uint8_t(key)
                                                  : ring::cpl::kOutcomeNoSense;
  r[ring::cpl::kStatus] = uint8_t(outcome << ring::cpl::kOutcomeShift);  // the ownership bit is the controller's
  if (j.status != 0) ++failed_;
  ring::put<uint64_t>(r, ring::cpl::kLbn, j.lba);
  ring::put<uint64_t>(r, ring::cpl::kCallback, j.ext<RingCallback>().value);
  spend(p_.post_cycles);
  sync();
  if (stale(j)) {  // the host reset the card meanwhile (issue 11)
    drop_stale(j);
    return;
  }
  // lost_ring_update (issue 11): the push never reaches the controller, so
  // neither the record's status nor P_SC moves; the firmware takes P_SC from
  // the controller, so the next completion is written over this record: the
  // host never sees this one (model/card/README.md, "Faults").
  if (p_.faults.any() && lost_update_hits()) ++lost_updates_;
  else qc_.card_push_completion();  // status := valid (last), P_SC++
  ++posted_;
  --jobs_;
  in_card_.add(-1);
  jobs_pool_.release(j);
  if (p_.irq) announce();
}

void Firmware::announce() {
  if (mem_.doorbell_pending()) {  // not cleared yet: the host's coming drain takes this one too
    unannounced_ = 0;
    coalesce_ev_.cancel();
    return;
  }
  if (++unannounced_ >= p_.irq_coalesce_count) {
    spend(p_.doorbell_cycles);
    sync();
    ring_doorbell();
  } else if (unannounced_ == 1) {
    coalesce_ev_.notify(sc_time(p_.irq_coalesce_timeout_s, SC_SEC));
  }
}

void Firmware::ring_doorbell() {
  unannounced_ = 0;
  coalesce_ev_.cancel();
  ++doorbells_;
  mem_.ring_doorbell();
}

// The coalescing timer (one of the IOP's timers) expired with a partial batch:
// announce it. Its interrupt handler's few cycles on the card's CPU are not
// charged (estimate: well under a microsecond, against the firmware's
// per-request ~13 us).
void Firmware::coalesce_method() {
  if (mem_.doorbell_pending()) { unannounced_ = 0; return; }
  if (unannounced_ > 0) ring_doorbell();
}

void Firmware::run() {
  for (;;) {
    while (halted()) wait(resume_ev_);  // stalled or held in reset (issue 11)
    bool worked = false;
    while (!to_post_.empty() && !qc_.state().cpl_full && !halted()) {
      IoRequest* j = to_post_.front();
      to_post_.pop_front();
      if (stale(*j)) drop_stale(*j);  // (a reset came while it waited)
      else post_completion(*j);
      worked = true;
    }
    while (!scsi_done_.empty() && !halted()) {
      IoRequest* c = scsi_done_.front();
      scsi_done_.pop_front();
      spend(p_.scsi_done_cycles);
      const uint32_t m = c->ext<MemberIndex>().member;
      const bool old = stale(*c->parent);  // a command of an earlier incarnation (issue 11)
      if (p_.scsi_timer && !old) {  // issue 11: its timer stops; ended by an abort or reset: again
        c->ext<FwTag>().armed = 0;
        pop_stale_timers();
        if (retry_command(*c)) {
          worked = true;
          continue;
        }
      }
      if (backlog() && !old) {
        sync();
        --backlog_[m].outstanding;
        backlog_[m].queue->completed(*c, sc_time_stamp());
      }
      if (old) {
        if (IoRequest* j = join_piece(*c, commands_)) drop_stale(*j);
        sync();
        worked = true;
        continue;
      }
      if (IoRequest* j = join_piece(*c, commands_)) {
        spend(p_.dma_setup_cycles);
        sync();
        to_dma_.push_back(j);
        dma_req_ev_.notify(SC_ZERO_TIME);
      }
      if (backlog()) release(m);
      sync();  // before looking at the queue again
      worked = true;
    }
    if (halted()) continue;
    const bool throttled = !qc_.state().req_empty && (!room_for_job() || jobs_ >= p_.max_jobs);
    if (!qc_.state().req_empty && !throttled) {  // one request per pass keeps completions flowing
      take_request();
      worked = true;
    }
    if (worked) continue;
    // Idle until a change wakes it at its next poll instant (wake_at_next_poll).
    idle_ = true;
    wants_slot_ = !to_post_.empty() || throttled;
    wait(wake_ev_);
    idle_ = wants_slot_ = false;
    ++polls_;
  }
}

// A DMA channel copies read data from card memory into the host buffer across
// the PCI(-X) bus while the CPU goes on; with two channels one can arbitrate
// while the other transfers.
void Firmware::dma_engine() {
  for (;;) {
    while (to_dma_.empty()) wait(dma_req_ev_);
    IoRequest* j = to_dma_.front();
    to_dma_.pop_front();
    if (j->is_read() && j->status == 0 && !dma->try_write(j->host_buffer, j->bytes())) {  // a failed read moves no data
      // Master abort (issue 11): the channel stopped with its PCI Master
      // Abort status set; the firmware reads and clears it (as many cycles
      // as programming it: estimate) and fails the request: the data never
      // reached the host buffer. No retry: the address is the host's, so a
      // retry would abort again.
      j->status = kStatusEio;
      ++master_aborts_;
      spend(p_.dma_setup_cycles);
    }
    if (stale(*j)) {  // a reset came during the transfer
      drop_stale(*j);
      continue;
    }
    to_post_.push_back(j);
    dma_done_ev_.notify(SC_ZERO_TIME);
  }
}

void Firmware::reset_stats() {
  busy_.reset();
  in_card_.reset();
  taken_ = posted_ = commands_issued_ = polls_ = failed_ = doorbells_ = 0;
  stalls_ = resets_ = stale_ = lost_updates_ = master_aborts_ = 0;
  timeouts_ = aborts_ = target_resets_ = bus_resets_ = scsi_retries_ = gave_up_ = 0;
  recovery_lv_.reset();
  stalled_lv_.reset();
  reset_lv_.reset();
  mem_.reset_irq_stats();
  for (auto& b : backlog_) b.queue->reset_stats();
}

void Firmware::report(Stats& out, double window_s) const {
  const std::string n = name();
  StatGroup g = out.group(n, "firmware");
  g.add("busy", 100 * busy_.mean(), "%", StatKind::Fraction, "embedded CPU busy");
  g.add("take_rate", double(taken_) / window_s, "1/s", StatKind::Rate, "request records taken from the ring");
  g.add("post_rate", double(posted_) / window_s, "1/s", StatKind::Rate, "completion records posted");
  g.add("scsi_command_rate", double(commands_issued_) / window_s, "1/s", StatKind::Rate, "SCSI commands started on the card's buses per second");
  g.add("in_card", in_card_.mean(), "count", StatKind::Level, "requests taken but not yet posted");
  if (p_.irq) {  // the card completing by interrupt (issue 8); the paper's polling adds nothing
    const uint64_t raised = mem_.irq_raised();
    g.add("doorbell_rate", double(doorbells_) / window_s, "1/s", StatKind::Rate, "outbound doorbell rings (completion batches announced)");
    g.add("interrupt_rate", double(raised) / window_s, "1/s", StatKind::Rate, "INTA# edges raised to the host (doorbell set and not masked)");
    g.add("posted_per_interrupt", raised ? double(posted_) / double(raised) : 0, "count", StatKind::Distribution, "completions posted per interrupt raised");
    g.add("irq_asserted", 100 * mem_.irq_asserted_fraction(), "%", StatKind::Fraction, "time INTA# is asserted");
  }
  if (p_.report_errors)
    g.add("failed", double(failed_), "count", StatKind::Counter, "completion records posted with an error");
  if (p_.faults.any()) {  // issue 11: a card with faults
    g.add("stalls", double(stalls_), "count", StatKind::Counter, "firmware stalls begun (the embedded CPU hung)");
    g.add("stalled", 100 * stalled_lv_.mean(), "%", StatKind::Fraction, "time the firmware was stalled");
    g.add("resets", double(resets_), "count", StatKind::Counter, "board resets by the host (each a new firmware incarnation)");
    g.add("in_reset", 100 * reset_lv_.mean(), "%", StatKind::Fraction, "time the card was held in reset or booting");
    g.add("stale_dropped", double(stale_), "count", StatKind::Counter, "jobs of an earlier incarnation dropped when their SCSI commands or DMA came back");
    g.add("lost_ring_updates", double(lost_updates_), "count", StatKind::Counter, "completion pushes lost before the queue controller (record overwritten)");
    g.add("master_aborts", double(master_aborts_), "count", StatKind::Counter, "DMA writes ended by a PCI master abort (request failed)");
  }
  if (p_.scsi_timer) {  // issue 11: the firmware's command timeouts
    g.add("scsi_timeouts", double(timeouts_), "count", StatKind::Counter, "SCSI commands whose firmware timeout (scsi_timeout) expired");
    g.add("aborts", double(aborts_), "count", StatKind::Counter, "ABORT TASK requests for timed-out commands");
    g.add("target_resets", double(target_resets_), "count", StatKind::Counter, "TARGET RESET requests (the abort got no answer)");
    g.add("bus_resets", double(bus_resets_), "count", StatKind::Counter, "SCSI bus resets (the target reset got no answer)");
    g.add("scsi_retries", double(scsi_retries_), "count", StatKind::Counter, "SCSI commands sent again after an abort or a reset ended them");
    g.add("scsi_gave_up", double(gave_up_), "count", StatKind::Counter, "SCSI commands ended by an abort or reset with their retries spent (the request completes with an error)");
    g.add("recovering", 100 * recovery_lv_.mean(), "%", StatKind::Fraction, "time the firmware spent in command recovery (abort, target reset, bus reset)");
  }
  // fifo (the default) adds nothing to the results.
  if (backlog()) {
    std::vector<const RoundLog*> logs;
    for (const auto& b : backlog_) logs.push_back(b.queue->rounds());
    report_io_sched(out, n + ".sched", p_.sched, logs, p_.round_bound, window_s);
  }
}

} // namespace iosim
