#include "model/scsi/scsi_bus.hpp"
#include "model/common/time_ps.hpp"

#include "model/stats/vcd.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_SEC;

namespace {
sc_time secs(double s) { return sc_time(s, SC_SEC); }
const char* const kPhaseNames[] = {"bus_free", "arbitration", "selection", "training",
                                   "initiator", "iu_overhead", "data"};
} // namespace

ScsiBus::ScsiBus(sc_core::sc_module_name name, const ScsiBusParams& p)
    : sc_module(name), targets("targets", kMaxIds), initiators("initiators", kMaxIds), p_(p),
      tp_(secs(p.transfer_period_s)) {
  if (p_.width_bytes == 0 || p_.transfer_period_s <= 0)
    throw std::invalid_argument(std::string(this->name()) + ": bad data path parameters");
  SC_HAS_PROCESS(ScsiBus);
  SC_METHOD(arbiter);  // runs once at start: idle, waits for a request
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only
    v_busy_ = w->add(this->name(), "busy", 1);
    // Phase: 0 bus free .. 6 data (traces/scsi_phase.txt says the same for VCD viewers).
    v_phase_ = w->add(this->name(), "phase", 3,
                      {"free", "arbitration", "selection", "training", "initiator", "iu_overhead", "data"});
    v_id_ = w->add(this->name(), "id", 4);        // SCSI id holding (or last holding) the bus
    trace_phase(kBusFree);
  }
}

void ScsiBus::trace_rst() {
  if (VcdWriter* w = vcd_writer()) v_rst_ = w->add(name(), "rst", 1);
}

void ScsiBus::trace_phase(Phase ph, int id) {
  VcdWriter* w = vcd_writer();
  if (!w) return;
  w->set(v_busy_, ph != kBusFree);
  w->set(v_phase_, uint64_t(ph));
  if (id >= 0) w->set(v_id_, uint64_t(id));
}

void ScsiBus::end_of_elaboration() { take_devices(); }

// Once the ports are bound (elaboration's complete_binding, before any
// end_of_elaboration callback), the devices at each id, kept in plain arrays
// for the hot paths. Another module's end_of_elaboration may ask first.
void ScsiBus::take_devices() const {
  if (devices_taken_) return;
  const sc_core::sc_status st = sc_core::sc_get_status();
  if (st == sc_core::SC_ELABORATION || st == sc_core::SC_BEFORE_END_OF_ELABORATION)
    throw std::logic_error(std::string(name()) + ": devices asked for before elaboration bound the ports");
  for (int id = 0; id < kMaxIds; ++id) {
    auto& tp = const_cast<sc_core::sc_port<ScsiTarget, 1, sc_core::SC_ZERO_OR_MORE_BOUND>&>(targets[size_t(id)]);
    auto& ip = const_cast<sc_core::sc_port<ScsiInitiatorPort, 1, sc_core::SC_ZERO_OR_MORE_BOUND>&>(initiators[size_t(id)]);
    targets_[size_t(id)] = tp.size() ? tp[0] : nullptr;
    initiators_[size_t(id)] = ip.size() ? ip[0] : nullptr;
    if (targets_[size_t(id)] && initiators_[size_t(id)])
      throw std::logic_error(std::string(name()) + ": SCSI id " + std::to_string(id) + " is bound to a target and an initiator");
  }
  devices_taken_ = true;
}

ScsiTarget* ScsiBus::target(int id) const {
  take_devices();
  return (id >= 0 && id < kMaxIds) ? targets_[size_t(id)] : nullptr;
}

uint64_t ScsiBus::iu_wire_bytes(uint64_t payload) const {
  uint64_t wire = payload;
  if (p_.pad_to_bytes > 1) wire = (wire + p_.pad_to_bytes - 1) / p_.pad_to_bytes * p_.pad_to_bytes;
  uint64_t crcs = 1;
  if (p_.iucrc_interval_bytes > 0 && payload > p_.iucrc_interval_bytes)
    crcs = (payload + p_.iucrc_interval_bytes - 1) / p_.iucrc_interval_bytes;
  return wire + crcs * p_.iucrc_bytes;
}

sc_time ScsiBus::iu_time(uint64_t payload) const {
  const uint64_t transfers = (iu_wire_bytes(payload) + p_.width_bytes - 1) / p_.width_bytes;
  return tp_ * double(transfers);
}

void ScsiBus::trace_at(Phase ph, const sc_time& at) {
  VcdWriter* w = vcd_writer();
  if (!w) return;
  if (at == sc_core::sc_time_stamp()) return trace_phase(ph);
  // A phase of the plan, ahead of simulated time: written when time gets there.
  w->schedule(v_busy_, ph != kBusFree, to_ps(at));
  w->schedule(v_phase_, uint64_t(ph), to_ps(at));
}

void ScsiBus::book(Phase ph, const sc_time& at, double s) {
  if (at <= sc_core::sc_time_stamp()) phase_s_[ph] += s;
  else booked_.push_back(Booking{at, ph, s});
}

void ScsiBus::settle_accounts() const {
  if (booked_.empty()) return;
  const sc_time now = sc_core::sc_time_stamp();
  size_t keep = 0;
  for (const Booking& b : booked_) {
    if (b.at <= now) phase_s_[b.ph] += b.s;
    else booked_[keep++] = b;
  }
  booked_.resize(keep);
}

void ScsiBus::plan_start() {
  settle_accounts();  // the previous plan has been spent: everything booked is due
  cursor_ = sc_core::sc_time_stamp();
}

// What one wait per phase did: book the phase's time at its start, show it in
// the waveform from its start, then (in run_plan) wait.
void ScsiBus::plan(Phase ph, const sc_time& t) {
  if (t == sc_core::SC_ZERO_TIME) return;
  book(ph, cursor_, t.to_seconds());
  trace_at(ph, cursor_);
  cursor_ += t;
}

void ScsiBus::run_plan() {
  const sc_time now = sc_core::sc_time_stamp();
  if (cursor_ > now) wait(cursor_ - now);
}

bool ScsiBus::eligible(int id) {
  if (!p_.fairness) return true;
  auto& owed = fair_wait_[id];
  for (auto it = owed.begin(); it != owed.end();) {
    bool waiting = false;
    for (auto* w : pending_) waiting |= (w->id == *it);
    it = waiting ? std::next(it) : owed.erase(it);
  }
  return owed.empty();
}

ScsiBus::Waiter* ScsiBus::pick(const std::vector<Waiter*>& c) {
  Waiter* best = nullptr;
  for (auto* w : c)
    if (!best || priority(w->id) > priority(best->id) ||
        (w->id == best->id && w->seq < best->seq))
      best = w;
  return best;
}

void ScsiBus::note_win(int id, const std::vector<Waiter*>& contenders) {
  if (record_grants_) grants_.push_back(id);
  if (!p_.fairness) return;
  for (auto& owed : fair_wait_) owed.erase(id);
  for (auto* w : contenders)
    if (w->id != id) fair_wait_[id].insert(w->id);
}

// The arbiter is a method (a few hundred instructions per activation instead
// of a thread switch), woken by a request when idle, at the end of an
// arbitration, and at the end of a connection. One arbitration round at a
// time; with QAS, a connection ending while devices wait is followed directly
// by QAS arbitration (no BUS FREE phase).
void ScsiBus::arbiter() {
  for (;;) {
    if (arb_state_ == kArbitrating) {
      // Devices that asserted their id by the start of arbitration take part;
      // later ones see BSY and wait for the next round.
      std::vector<Waiter*>& contenders = contenders_;
      contenders.clear();
      for (auto* w : pending_)
        if (w->t_req <= arb_t_start_ && eligible(w->id)) contenders.push_back(w);
      qas_handover_ = false;
      arb_state_ = kIdle;
      if (!contenders.empty()) {
        Waiter* win = pick(contenders);
        note_win(win->id, contenders);
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
          if (*it == win) { pending_.erase(it); break; }
        busy_ = true;
        used_ = true;
        connect(*win);
        arb_state_ = kConnected;
        next_trigger(release_ev_);  // connection in progress
        return;
      }
    } else if (arb_state_ == kConnected) {  // release_ev_: the connection ended
      hold_id_ = -1;
      hold_req_ = nullptr;
      if (p_.qas && !pending_.empty()) qas_handover_ = true;
      arb_state_ = kIdle;
    }
    if (pending_.empty()) {
      next_trigger(request_ev_);
      return;
    }
    const sc_time now = sc_core::sc_time_stamp();
    if (now < no_select_until_) {  // after a bus reset: reset to selection time
      next_trigger(no_select_until_ - now);
      return;
    }
    plan_start();
    if (!qas_handover_ && used_) {  // a bus never used has been free "forever"
      const sc_time ready = t_free_ + secs(p_.bus_free_delay_s);
      if (now < ready) plan(kBusFree, ready - now);
    }
    // Requests made while the bus free delay and the arbitration delay run
    // are filtered by their time, so both delays are spent in one wait.
    arb_t_start_ = cursor_;
    plan(kArbitration, qas_handover_ ? secs(p_.qas_release_delay_s + p_.qas_arbitration_delay_s)
                                     : secs(p_.arbitration_delay_s));
    arb_state_ = kArbitrating;
    if (cursor_ > now) {
      next_trigger(cursor_ - now);
      return;
    }
  }
}

void ScsiBus::acquire(Waiter& w) {
  w.seq = seq_++;
  w.t_req = sc_core::sc_time_stamp();
  pending_.push_back(&w);
  request_ev_.notify(sc_core::SC_ZERO_TIME);
  wait(w.granted);
}

void ScsiBus::connect(Waiter& w) {
  arb_waits_.add((sc_core::sc_time_stamp() - w.t_req).to_seconds());
  trace_phase(kSelection, w.id);
  ++connections_;
  // (Re)selection, then the selected device answers and the bus settles
  // before the first information transfer phase.
  plan_start();
  plan(kSelection, secs(p_.bus_set_delay_s + p_.bus_settle_delay_s));
  dt_phase_start(w.init, w.target, w.to_initiator);
  switch (w.conn) {
    case kCommand:  // SPI L_Q IU + command IU
      plan(kIuOverhead, iu_time(p_.lq_iu_bytes) + iu_time(p_.command_iu_bytes));
      break;
    case kTransfer: {  // nexus lookup, L_Q IU, data IU
      plan(kInitiator, secs(p_.initiator_latency_s));
      const sc_time payload = tp_ * (double(w.bytes) / double(p_.width_bytes));
      const sc_time iu = iu_time(w.bytes);
      // The data IU's split (payload vs pad + iuCRC) is booked when its L_Q starts.
      book(kData, cursor_, payload.to_seconds());
      book(kIuOverhead, cursor_, (iu - payload).to_seconds());
      plan(kIuOverhead, iu_time(p_.lq_iu_bytes));
      trace_at(kData, cursor_);
      cursor_ += iu;
      break;
    }
    case kStatus:  // nexus lookup, then the status
      plan(kInitiator, secs(p_.initiator_latency_s));
      status_phases(w.bad_status);
      break;
  }
  const sc_time d = cursor_ - sc_core::sc_time_stamp();
  if (d == sc_core::SC_ZERO_TIME) w.granted.notify();
  else w.granted.notify(d);
}

void ScsiBus::status_phases(bool bad_status) {
  // GOOD status is an L_Q of data length 0; anything else adds a status IU
  // with sense data.
  sc_time t = iu_time(p_.lq_iu_bytes);
  if (bad_status) t += iu_time(p_.status_iu_bytes + p_.sense_bytes);
  plan(kIuOverhead, t);
}

void ScsiBus::release(int owner, const IoRequest* req) {
  busy_ = false;
  trace_phase(kBusFree);
  t_free_ = sc_core::sc_time_stamp();
  hold_id_ = owner;
  hold_req_ = req;
  release_ev_.notify(sc_core::SC_ZERO_TIME);
}

void ScsiBus::dt_phase_start(int initiator_id, int target_id, bool to_initiator) {
  const int pair = initiator_id * kMaxIds + target_id;
  const auto key = std::make_pair(pair, to_initiator ? 1 : 0);
  if (!p_.retain_training || !trained_.count(key)) {
    plan(kTraining, tp_ * double(p_.training_periods));
    trained_.insert(key);
  }
}

bool ScsiBus::send_command(int initiator_id, IoRequest& req) {
  const int tid = req.target;
  ScsiTarget* t = target(tid);
  if (!t) throw std::logic_error(std::string(name()) + ": command for absent target " + std::to_string(tid));
  const uint64_t gen = reset_gen_[size_t(tid)];
  Waiter w;
  w.id = initiator_id;
  w.conn = kCommand;
  w.init = initiator_id;
  w.target = tid;
  w.to_initiator = false;
  acquire(w);
  if (reset_gen_[size_t(tid)] != gen) {  // reset while waiting: req is its issuer's again, untouched
    release(initiator_id, nullptr);
    return false;
  }
  req.ext<ScsiNexus>().initiator = initiator_id;
  ++commands_;
  release(initiator_id, nullptr);
  t->command(req);
  return true;
}

bool ScsiBus::task_mgmt(int initiator_id, int tid, Tmf f, const IoRequest* cmd) {
  ScsiTarget* t = target(tid);
  if (!t) throw std::logic_error(std::string(name()) + ": task management for absent target " + std::to_string(tid));
  Waiter w;
  w.id = initiator_id;
  w.conn = kCommand;  // L_Q + command IU (the task management function field)
  w.init = initiator_id;
  w.target = tid;
  w.to_initiator = false;
  acquire(w);
  ++tmfs_;
  const bool answered = f == Tmf::AbortTask ? t->abort_task(*cmd) : t->reset_target();
  if (answered) {
    if (f == Tmf::TargetReset) ++reset_gen_[size_t(tid)];
    // The response: a status L_Q in the same connection (SPI-4 packetized).
    plan_start();
    status_phases(false);
    run_plan();
  }
  release(initiator_id, nullptr);
  return answered;
}

void ScsiBus::reset(int initiator_id) {
  (void)initiator_id;
  ++resets_;
  VcdWriter* vw = vcd_writer();
  if (vw) vw->set(v_rst_, 1);
  hold_id_ = -1;
  hold_req_ = nullptr;
  trained_.clear();  // a reset clears negotiated transfer agreements (training included)
  for (int id = 0; id < kMaxIds; ++id) {
    ++reset_gen_[size_t(id)];
    if (targets_[size_t(id)]) targets_[size_t(id)]->bus_reset();
  }
  const sc_time now = sc_core::sc_time_stamp();
  no_select_until_ = std::max(no_select_until_, now + secs(p_.reset_hold_s + p_.reset_to_selection_s));
  wait(secs(p_.reset_hold_s));
  if (vw) vw->set(v_rst_, 0);
}

void ScsiBus::transfer(int target_id, IoRequest& req, uint64_t bytes) {
  Waiter w;
  w.id = target_id;
  w.conn = kTransfer;
  w.init = req.has_ext<ScsiNexus>() ? req.ext<ScsiNexus>().initiator : 7;
  w.target = target_id;
  w.to_initiator = req.is_read();
  w.bytes = bytes;
  acquire(w);
  if (targets_[size_t(target_id)] && !targets_[size_t(target_id)]->holds(req)) {  // dropped by a reset or an abort meanwhile
    release(target_id, nullptr);
    return;
  }
  data_bytes_ += bytes;
  release(target_id, &req);
}

void ScsiBus::complete(int target_id, IoRequest& req) {
  const int init = req.has_ext<ScsiNexus>() ? req.ext<ScsiNexus>().initiator : -1;
  if (!busy_ && hold_id_ == target_id && hold_req_ == &req) {
    // Status right behind the last data IU: same connection.
    release_ev_.cancel();
    busy_ = true;
    hold_id_ = -1;
    hold_req_ = nullptr;
    plan_start();
    status_phases(req.status != 0);
    run_plan();
  } else {
    Waiter w;
    w.id = target_id;
    w.conn = kStatus;
    w.init = init < 0 ? 7 : init;
    w.target = target_id;
    w.to_initiator = true;
    w.bad_status = req.status != 0;
    acquire(w);
  }
  if (targets_[size_t(target_id)] && !targets_[size_t(target_id)]->holds(req)) {  // dropped by a reset or an abort meanwhile: void
    release(target_id, nullptr);
    return;
  }
  ++completions_;
  req.clear_ext<ScsiNexus>();
  release(target_id, nullptr);
  if (init >= 0 && initiators_[init]) initiators_[init]->command_complete(req);
  else req.on_done(req);
}

void ScsiBus::reset_stats() {
  settle_accounts();  // phases started by now count before the reset, as when each was waited for
  phase_s_.fill(0);
  data_bytes_ = commands_ = completions_ = connections_ = 0;
  arb_waits_.clear();
}

void ScsiBus::report(Stats& out, double window_s) const {
  settle_accounts();
  const std::string n = name();
  double busy = 0;
  for (int ph = kArbitration; ph < kPhases; ++ph) busy += phase_s_[ph];
  const double w = window_s > 0 ? window_s : 1;
  StatGroup g = out.group(n, "scsi_bus");
  g.add("data_rate", double(data_bytes_) / w / 1e6, "MB/s", StatKind::Rate, "data moved over the bus");
  g.add("busy", 100.0 * busy / w, "%", StatKind::Fraction, "arbitration through disconnect");
  g.add("efficiency", busy > 0 ? 100.0 * phase_s_[kData] / busy : 0.0, "%", StatKind::Fraction, "data transfer share of busy time");
  g.add("commands", double(commands_), "count", StatKind::Counter, "commands sent (selection + command IU)");
  g.add("completions", double(completions_), "count", StatKind::Counter, "status delivered");
  g.add("connections", double(connections_), "count", StatKind::Counter, "arbitrations won");
  g.add("arb_wait", arb_waits_.mean() * 1e6, "us", StatKind::Distribution, "request to winning arbitration, mean");
  for (int ph = 0; ph < kPhases; ++ph)
    g.add(std::string("phase.") + kPhaseNames[ph], 100.0 * phase_s_[ph] / w, "%", StatKind::Fraction, "share of the window");
}

} // namespace iosim
