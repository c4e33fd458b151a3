#include "model/pcix/pcix_bus.hpp"

#include "model/pcix/pci_disconnect.hpp"
#include "model/stats/vcd.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace iosim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

PcixBus::PcixBus(sc_core::sc_module_name name, const PcixBusParams& p)
    : sc_module(name), tsock("tsock"), isock("isock"), p_(p) {
  p_.validate();
  tsock.register_b_transport(this, &PcixBus::b_transport);
  tsock.register_transport_dbg(this, &PcixBus::transport_dbg);
  // Integer edges when the period is a whole number of ticks: 7.5 / 15 / 30 ns
  // for the presets. Conversions then equal the floating-point ones (their
  // rounding error is far below half a tick), only cheaper.
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  const double per = 1.0 / (p_.clock_hz * res);
  if (per >= 1 && std::abs(per - std::round(per)) < 1e-6) period_t_ = uint64_t(std::round(per));
}

// At most one release is deferred at a time: the bus stays owned until the
// transaction ends, so no other transaction can start and defer meanwhile.
// The first waiter is woken at the end, granted, as release() -> hand_over()
// at the end would have (the others stay queued behind it).
void PcixBus::hand_at_end() {
  if (!rel_open_ || rel_handed_ || !wait_head_) return;
  Waiter* w = wait_head_;
  wait_head_ = w->next;
  if (!wait_head_) wait_tail_ = nullptr;
  w->st = Waiter::Granted;
  w->granted.notify(sc_time::from_value(rel_t_ - sc_core::sc_time_stamp().value()));
  rel_handed_ = true;
}

void PcixBus::release_due() {
  if (!rel_open_ || rel_t_ > sc_core::sc_time_stamp().value()) return;
  rel_open_ = false;
  if (!rel_handed_) owned_ = false;  // else the waiter woken at the end holds it
}

void PcixBus::map(int target, uint64_t base, uint64_t size, std::string name) {
  if (size == 0) throw std::invalid_argument(std::string(this->name()) + ": empty range '" + name + "'");
  for (const auto& m : map_)
    if (base < m.base + m.size && m.base < base + size)
      throw std::invalid_argument(std::string(this->name()) + ": range '" + name + "' overlaps '" + m.name + "'");
  map_.push_back({target, base, size, std::move(name)});
}

void PcixBus::name_master(int master, std::string name) {
  if (master_names_.size() <= size_t(master)) master_names_.resize(master + 1);
  master_names_[master] = std::move(name);
}

// Sized once the masters are bound: references into stats_ stay valid while
// a transaction waits.
void PcixBus::end_of_elaboration() {
  stats_.resize(tsock.size());
  for (size_t i = sub_.size(); i < tsock.size(); ++i) sub_.emplace_back(new tlm::tlm_generic_payload);
  ahead_.assign(isock.size(), nullptr);
  if (VcdWriter* w = vcd_writer()) {  // waveform (--vcd) only; masters are named by now
    v_busy_ = w->add(name(), "busy", 1);
    w->set(v_busy_, 0);
    for (size_t i = 0; i < tsock.size(); ++i) {
      const bool named = i < master_names_.size() && !master_names_[i].empty();
      v_gnt_.push_back(w->add(name(), "gnt_" + (named ? master_names_[i] : "m" + std::to_string(i)), 1));
      w->set(v_gnt_.back(), 0);
    }
  }
}

// The grant takes effect at edge k, usually still ahead of simulated time.
void PcixBus::trace_grant(int master, uint64_t k) {
  VcdWriter* w = vcd_writer();
  if (size_t(master) >= v_gnt_.size()) return;
  const uint64_t t = vcd_ps(std::max(time_of(k), sc_core::sc_time_stamp()));
  w->schedule(v_busy_, 1, t);
  w->schedule(v_gnt_[size_t(master)], 1, t);
  gnt_ = master;
}

// A plan schedules its grant lines when it is made; a cut takes pieces back,
// but not values already handed to the VCD writer. So the cut schedules the
// lines back to idle at the taken-back pieces' starts and remembers those
// times and the pieces' ends (where an idle value was scheduled too); a piece
// that later holds the bus across one of them schedules its lines again there
// (a zero-width glitch at most).
void PcixBus::vcd_hold(int master, uint64_t from_t, uint64_t to_t) {
  VcdWriter* w = vcd_writer();
  if (!w || size_t(master) >= v_gnt_.size() || vcd_stale_.empty()) return;
  const uint64_t now = sc_core::sc_time_stamp().value();
  size_t keep = 0;
  for (uint64_t t : vcd_stale_) {
    if (t < now) continue;
    vcd_stale_[keep++] = t;
    if (t > from_t && t < to_t) {
      w->schedule(v_busy_, 1, vcd_ps(sc_time::from_value(t)));
      w->schedule(v_gnt_[size_t(master)], 1, vcd_ps(sc_time::from_value(t)));
    }
  }
  vcd_stale_.resize(keep);
}

void PcixBus::vcd_piece(int master, uint64_t k0_t, uint64_t end_t, bool open) {
  VcdWriter* w = vcd_writer();
  if (!w || size_t(master) >= v_gnt_.size()) return;
  if (open) {
    w->schedule(v_busy_, 1, vcd_ps(sc_time::from_value(k0_t)));
    w->schedule(v_gnt_[size_t(master)], 1, vcd_ps(sc_time::from_value(k0_t)));
  }
  vcd_hold(master, k0_t, end_t);
  w->schedule(v_busy_, 0, vcd_ps(sc_time::from_value(end_t)));
  w->schedule(v_gnt_[size_t(master)], 0, vcd_ps(sc_time::from_value(end_t)));
}

void PcixBus::wait_busy(int master, uint64_t k0, uint64_t edge) {
  vcd_hold(master, ticks_of(k0), ticks_of(edge));
  wait_edge(edge);
}

PcixBus::MasterStats& PcixBus::ms(int master) { return stats_.at(master); }

const PcixBus::MasterStats& PcixBus::master_stats(int master) const {
  static const MasterStats none;
  settle();
  return size_t(master) < stats_.size() ? stats_[master] : none;
}

const PcixBus::Mapping* PcixBus::decode(uint64_t addr, uint64_t len) const {
  for (const auto& m : map_)
    if (addr >= m.base && addr - m.base < m.size) return (len <= m.size - (addr - m.base)) ? &m : nullptr;
  return nullptr;
}

// --- clock edges ---------------------------------------------------------
// Edges are numbered from time 0 and converted to time by multiplication, so
// rounding to the 1 ps resolution never accumulates over a run.
uint64_t PcixBus::ticks_of(uint64_t edge) const {
  return period_t_ ? edge * period_t_ : sc_time(double(edge) / p_.clock_hz, sc_core::SC_SEC).value();
}

uint64_t PcixBus::edge_at_or_after(uint64_t t) const {
  if (period_t_) return (t + period_t_ - 1) / period_t_;
  const double c = sc_time::from_value(t).to_seconds() * p_.clock_hz;
  return uint64_t(std::ceil(c - 1e-6));
}

uint64_t PcixBus::ceil_cycles(const sc_time& d) const {
  if (period_t_) return (d.value() + period_t_ - 1) / period_t_;
  const double c = d.to_seconds() * p_.clock_hz;
  return c <= 0 ? 0 : uint64_t(std::ceil(c - 1e-6));
}

void PcixBus::wait_edge(uint64_t edge) {
  const uint64_t t = ticks_of(edge), now = sc_core::sc_time_stamp().value();
  if (t > now) wait(sc_time::from_value(t - now));
}

// --- arbitration ---------------------------------------------------------
// FIFO among waiting masters: each master's request waits behind the ones
// made before it, so masters that keep requesting get equal turns (the
// PCI 2.3 arbiter only has to be "fair"; FIFO is the simplest fair policy).
uint64_t PcixBus::acquire(int master, Job* job) {
  for (;;) {
    release_due();
    uint64_t t_req = sc_core::sc_time_stamp().value();
    if (job) job->req_t = t_req;
    const bool idle = !owned_;
    if (idle) {
      owned_ = true;
    } else {
      if (chain_.live) cut_plan();
      Waiter* w = take_waiter();
      w->job = job;
      if (job) job->w = w;
      enqueue(w);
      hand_at_end();  // the bus ends a deferred release: granted then
      const Turn t = wait_turn(w);
      if (t == Turn::Done) return kByPlan;
      if (t == Turn::Again) continue;
      if (job) t_req = job->req_t;  // a plan may have queued it again after moving some of it
    }
    return grant(master, t_req, idle);
  }
}

uint64_t PcixBus::grant(int master, uint64_t t_req, bool idle) {
  release_due();  // a waiter handed the bus at a deferred release's end
  uint64_t k = std::max(edge_at_or_after(sc_core::sc_time_stamp().value()), free_edge_);
  if (idle) k += p_.arb_cycles;
  if (vcd_writer()) trace_grant(master, k);
  auto& s = ms(master);
  s.arb_wait_s += sc_time::from_value(ticks_of(k) - t_req).to_seconds();
  ++s.arbitrations;
  return k;
}

PcixBus::Waiter* PcixBus::take_waiter() {
  if (free_waiters_.empty()) {
    waiters_.emplace_back(new Waiter);
    free_waiters_.push_back(waiters_.back().get());
  }
  Waiter* w = free_waiters_.back();
  free_waiters_.pop_back();
  w->next = nullptr;
  w->job = nullptr;
  w->st = Waiter::Queued;
  w->in_plan = false;
  return w;
}

void PcixBus::enqueue(Waiter* w) {
  w->next = nullptr;
  w->st = Waiter::Queued;
  (wait_tail_ ? wait_tail_->next : wait_head_) = w;
  wait_tail_ = w;
}

PcixBus::Turn PcixBus::wait_turn(Waiter* w) {
  wait(w->granted);  // hand_over() grants the bus (arbitration hidden), or a plan wakes it
  Job* job = w->job;
  if (job) job->w = nullptr;
  free_waiters_.push_back(w);
  if (w->st == Waiter::Granted) return Turn::Granted;
  // Woken by a plan at the end of the job's last planned piece.
  for (auto& mb : chain_.members)
    if (mb.w == w) mb.gone = true;
  const bool last = job->release;
  job->release = false;
  if (last) end_plan();
  // Not done: the plan stopped after this piece; the master asks again.
  return job->at >= job->off + job->len ? Turn::Done : Turn::Again;
}

void PcixBus::release(uint64_t start, uint64_t end) {
  busy_s_ += (time_of(end) - std::max(time_of(start), window_start_)).to_seconds();
  free_edge_ = end;
  if (VcdWriter* w = vcd_writer(); w && gnt_ >= 0) {
    w->set(v_busy_, 0);
    w->set(v_gnt_[size_t(gnt_)], 0);
  }
  hand_over();
}

void PcixBus::hand_over() {
  if (!wait_head_) {
    owned_ = false;
    return;
  }
  Waiter* w = wait_head_;
  wait_head_ = w->next;
  if (!wait_head_) wait_tail_ = nullptr;
  w->st = Waiter::Granted;
  w->granted.notify(SC_ZERO_TIME);
}

// --- tenure chains ---------------------------------------------------------
// Statistics of a planned piece land when simulated time reaches the moment the
// one-wait-per-piece bus counted them: arbitration when the piece was granted,
// the transaction and its bytes at the claim edge, busy time at its end.
void PcixBus::settle() const {
  if (rel_busy_ && rel_t_ <= sc_core::sc_time_stamp().value()) {  // a deferred release's busy time
    rel_busy_ = false;
    busy_s_ += (time_of(rel_k_) - std::max(time_of(rel_k0_), window_start_)).to_seconds();
  }
  Plan& c = chain_;
  if (c.settled >= c.n) return;
  const uint64_t now = sc_core::sc_time_stamp().value();
  for (; c.settled < c.n; ++c.settled) {
    Piece& pc = c.pieces[c.settled];
    MasterStats& s = stats_[size_t(c.members[size_t(pc.mem)].master)];
    if (pc.stage < 1) {
      if (pc.arb_t > now) return;
      s.arb_wait_s += sc_time::from_value(ticks_of(pc.k0) - pc.req_t).to_seconds();
      ++s.arbitrations;
      pc.stage = 1;
    }
    if (pc.stage < 2) {
      if (pc.claim_t > now) return;
      ++s.transactions;
      s.bytes += pc.bytes;
      pc.stage = 2;
    }
    if (pc.end_t > now) return;
    busy_s_ += (sc_time::from_value(pc.end_t) - std::max(time_of(pc.k0), window_start_)).to_seconds();
    pc.stage = 3;
  }
}

void PcixBus::end_plan() {
  Plan& c = chain_;
  settle();
  c.live = false;
  for (auto& mb : c.members)
    if (mb.w && !mb.gone) mb.w->in_plan = false;
  for (Waiter* w : c.stop_queue) w->in_plan = false;
  free_edge_ = c.pieces[c.n - 1].ke;
  hand_over();
}

// A newcomer is granted where FIFO arbitration grants it: behind the masters
// already waiting at the end of the piece in flight (the first planned piece
// ending at or after now; a request at exactly a piece's end counts as made
// before that piece's master asks again). The plan stops there: later pieces
// are taken back from their targets, the masters they belonged to wait in the
// queue in the order the plan had them, and the piece's master ends the plan
// (releases the bus) at its end.
void PcixBus::cut_plan() {
  Plan& c = chain_;
  const uint64_t now = sc_core::sc_time_stamp().value();
  const auto it = std::lower_bound(c.pieces.begin() + long(c.settled), c.pieces.begin() + long(c.n), now,
                                   [](const Piece& pc, uint64_t t) { return pc.end_t < t; });
  const size_t j = size_t(it - c.pieces.begin());
  if (j + 1 >= c.n) return;  // the plan ends there anyway
  ++chain_cuts_;
  // Targets back to their state before the first piece taken back.
  std::vector<PciAheadTarget*>& done = rewound_;
  done.clear();
  for (size_t i = j + 1; i < c.n; ++i) {
    PciAheadTarget* t = c.pieces[i].target;
    if (std::find(done.begin(), done.end(), t) != done.end()) continue;
    t->ahead_rewind(c.pieces[i].mark);
    done.push_back(t);
  }
  if (VcdWriter* w = vcd_writer())
    for (size_t i = j + 1; i < c.n; ++i) {
      const int m = c.members[size_t(c.pieces[i].mem)].master;
      if (size_t(m) >= v_gnt_.size()) continue;
      const uint64_t t0 = ticks_of(c.pieces[i].k0), t1 = c.pieces[i].end_t;
      // Idle at its start, and where it had put its lines up again.
      for (size_t s = 0, ns = vcd_stale_.size(); s <= ns; ++s) {
        const uint64_t t = s < ns ? vcd_stale_[s] : t0;
        if (s < ns && !(t > t0 && t < t1)) continue;
        w->schedule(v_busy_, 0, vcd_ps(sc_time::from_value(t)));
        w->schedule(v_gnt_[size_t(m)], 0, vcd_ps(sc_time::from_value(t)));
      }
      vcd_stale_.push_back(t0);
      vcd_stale_.push_back(t1);
    }
  // Each member's progress and request time as of piece j.
  for (auto& mb : c.members)
    if (!mb.gone && mb.job) {
      mb.job->at = mb.at0;
      mb.job->req_t = mb.req0;
      mb.job->release = false;
    }
  for (size_t i = 0; i <= j; ++i) {
    Member& mb = c.members[size_t(c.pieces[i].mem)];
    if (mb.gone) continue;
    mb.job->at = c.pieces[i].next;
    mb.job->req_t = c.pieces[i].end_t;
  }
  const int P = c.pieces[j].mem;
  // Queue at the end of piece j: members in the order their next pieces came in
  // the plan, then those queued where the plan stopped; the newcomers after them.
  std::vector<Waiter*>& order = order_;
  order.clear();
  auto add = [&](Waiter* w) {
    if (w && std::find(order.begin(), order.end(), w) == order.end()) order.push_back(w);
  };
  for (size_t i = j + 1; i < c.n; ++i)
    if (c.pieces[i].mem != P) add(c.members[size_t(c.pieces[i].mem)].w);
  for (Waiter* w : c.stop_queue)
    if (w != c.members[size_t(P)].w) add(w);
  std::vector<Waiter*>& fresh = fresh_;
  fresh.clear();
  for (Waiter* w = wait_head_; w; w = w->next)
    if (!w->in_plan) fresh.push_back(w);
  wait_head_ = wait_tail_ = nullptr;
  for (Waiter* w : order) {
    w->granted.cancel();  // the plan no longer wakes it: a grant will
    enqueue(w);
  }
  for (Waiter* w : fresh) enqueue(w);
  c.n = j + 1;
  Member& pm = c.members[size_t(P)];
  if (pm.gone) {
    end_plan();  // its master already left, at this very end: release now
    return;
  }
  pm.job->release = true;
  pm.w->st = Waiter::Planned;
  pm.w->granted.cancel();
  pm.w->granted.notify(sc_time::from_value(c.pieces[j].end_t - now));
}

tlm::tlm_generic_payload& PcixBus::piece_payload(int master, tlm::tlm_generic_payload& gp, uint64_t at, uint64_t n,
                                                 uint64_t burst, uint64_t base) {
  tlm::tlm_generic_payload& sub = *sub_[size_t(master)];
  unsigned char* data = gp.get_data_ptr();
  if (data) data += at;
  else if (auto* pb = gp.get_extension<PciBurst>(); pb && pb->scratch) data = pb->scratch + (burst ? at % burst : at);
  sub.set_command(gp.get_command());
  sub.set_address(gp.get_address() + at - base);
  sub.set_data_ptr(data);
  sub.set_data_length(unsigned(n));
  sub.set_streaming_width(unsigned(n));
  sub.set_byte_enable_ptr(nullptr);
  sub.set_byte_enable_length(0);
  sub.set_dmi_allowed(false);
  sub.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  return sub;
}

// The sequence FIFO arbitration produces, computed in one go: the job's piece,
// then each waiting master's next piece in queue order (each master asking
// again at the end of its piece, behind the others), a master alone on the bus
// re-arbitrating on the idle bus. It stops at a piece that cannot be planned
// (that master is then granted the bus and runs it one wait at a time).
int PcixBus::run_plan(Job& job, uint64_t& k0) {
  if (!job.len) return 0;
  Plan& c = chain_;
  const uint64_t now = sc_core::sc_time_stamp().value();
  const uint64_t B = p_.boundary_bytes, W = p_.width_bytes;
  c.pieces.clear();
  c.members.clear();
  c.stop_queue.clear();
  c.members.push_back({&job, nullptr, job.master, job.at, job.req_t, false});
  // The queue as the plan goes: member indices (-1 - i: nonmember i, a
  // waiter the plan cannot foresee).
  std::vector<int>& q = simq_;
  q.clear();
  std::vector<Waiter*>& nonmember = fresh_;
  nonmember.clear();
  for (Waiter* w = wait_head_; w; w = w->next) {
    if (w->job) {
      c.members.push_back({w->job, w, w->job->master, w->job->at, w->job->req_t, false});
      q.push_back(int(c.members.size() - 1));
    } else {
      nonmember.push_back(w);
      q.push_back(-int(nonmember.size()));
    }
  }
  std::vector<uint64_t>& at = sim_at_;    // each member's progress in the plan
  std::vector<uint64_t>& req = sim_req_;  // and when it last asked for the bus
  at.clear();
  req.clear();
  for (auto& mb : c.members) {
    at.push_back(mb.at0);
    req.push_back(mb.req0);
  }
  int cur = 0;
  uint64_t k = k0, arb_t = now;
  bool first = true;
  for (;;) {
    Job& jb = *c.members[size_t(cur)].job;
    PciAheadTarget* tgt = ahead_[size_t(jb.m->target)];
    const uint64_t end_off = jb.off + jb.len, o = at[size_t(cur)];
    bool planned = false;
    if (tgt && jb.len && !jb.gp->get_byte_enable_ptr()) {  // (an empty transfer still takes one data phase)
      const uint64_t a = jb.gp->get_address() + o;
      uint64_t n = std::min(end_off - o, B - a % B);
      if (jb.burst) n = std::min(n, jb.burst - o % jb.burst);
      const uint64_t addr_phase = p_.addr_cycles + (a >> 32 ? p_.dac_cycles : 0) + (p_.pcix() ? p_.attr_cycles : 0);
      const uint64_t kc = k + addr_phase + p_.decode_cycles, claim_t = ticks_of(kc);
      tlm::tlm_generic_payload& pl = piece_payload(jb.master, *jb.gp, o, n, jb.burst, jb.m->base);
      const PciAheadTarget::Mark mark = tgt->ahead_mark();
      const sc_time ahead = sc_time::from_value(claim_t - now);
      sc_time lat = ahead;
      PciDisconnect dc;
      pl.set_extension(&dc);
      isock[jb.m->target]->b_transport(pl, lat);
      pl.clear_extension(&dc);
      lat -= ahead;
      const uint64_t w = ceil_cycles(lat);
      if (pl.is_response_error() || dc.ahead != tgt || (!pl.is_write() && w > p_.max_initial_latency_cycles)) {
        tgt->ahead_rewind(mark);  // a piece for the one-wait-at-a-time path
      } else {
        uint64_t moved = n;
        if (dc.accepted < n && pl.is_write()) moved = std::max<uint64_t>(dc.accepted, 1);
        const uint64_t phases = (a % W + moved + W - 1) / W;
        const uint64_t ke = kc + w + phases + p_.turnaround_cycles;
        c.pieces.push_back({cur, arb_t, req[size_t(cur)], k, ke, claim_t, ticks_of(ke), std::min(moved, n), o + moved,
                            tgt, mark, uint8_t(first)});
        at[size_t(cur)] = o + moved;
        planned = true;
      }
    }
    if (!planned) {
      if (first) return 0;
      q.insert(q.begin(), cur);  // granted here, but runs this piece itself
      break;
    }
    first = false;
    const Piece& pc = c.pieces.back();
    if (at[size_t(cur)] < end_off) {  // asks again at the end of its piece, behind the others
      q.push_back(cur);
      req[size_t(cur)] = pc.end_t;
    }
    if (q.empty() || q.front() < 0) break;  // every job done, or a request the plan cannot foresee is next
    if (c.pieces.size() >= kHorizon) break;  // the rest in a later plan
    const int nxt = q.front();
    q.erase(q.begin());
    k = nxt == cur ? pc.ke + p_.arb_cycles : pc.ke;  // alone: arbitrates again on the idle bus; else hidden
    arb_t = pc.end_t;
    cur = nxt;
  }
  ++chains_;
  c.live = true;
  c.n = c.pieces.size();
  c.settled = 0;
  if (vcd_writer())
    for (size_t i = 0; i < c.n; ++i)  // the first piece's grant was traced by acquire()
      vcd_piece(c.members[size_t(c.pieces[i].mem)].master, ticks_of(c.pieces[i].k0), c.pieces[i].end_t, i > 0);
  // The job's own thread sleeps in the bus like the waiters.
  Waiter* own = take_waiter();
  own->job = &job;
  job.w = own;
  c.members[0].w = own;
  // Where the plan stops: the queue in order, less the last piece's master
  // (it ends the plan, then asks again if it has more).
  const int last = c.pieces[c.n - 1].mem;
  for (int i : q)
    if (i != last) c.stop_queue.push_back(i >= 0 ? c.members[size_t(i)].w : nonmember[size_t(-1 - i)]);
  wait_head_ = wait_tail_ = nullptr;
  for (Waiter* w : c.stop_queue) {
    enqueue(w);
    w->in_plan = true;
  }
  // Progress and wake-ups: a member whose job ends in the plan, and the last
  // piece's master, wake at the end of their last piece.
  std::vector<size_t>& lastp = last_piece_;
  lastp.assign(c.members.size(), SIZE_MAX);
  for (size_t i = 0; i < c.n; ++i) lastp[size_t(c.pieces[i].mem)] = i;
  for (size_t i = 0; i < c.members.size(); ++i) {
    Member& mb = c.members[i];
    if (lastp[i] == SIZE_MAX) continue;
    const Piece& pc = c.pieces[lastp[i]];
    mb.job->at = pc.next;
    mb.job->req_t = pc.end_t;
    mb.w->in_plan = true;
    if (int(i) == last || pc.next >= mb.job->off + mb.job->len) {
      mb.job->release = int(i) == last;
      mb.w->st = Waiter::Planned;
      mb.w->granted.cancel();
      mb.w->granted.notify(sc_time::from_value(pc.end_t - now));
    }
  }
  switch (wait_turn(own)) {
    case Turn::Done: return 1;
    case Turn::Again: return 3;
    case Turn::Granted: break;
  }
  k0 = grant(job.master, job.req_t, false);
  return 2;
}

// --- transport -------------------------------------------------------------
void PcixBus::b_transport(int master, tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (delay > SC_ZERO_TIME) {  // LT initiator ahead of simulated time: catch up first
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  const uint64_t addr = gp.get_address(), len = gp.get_data_length();
  const PciBurst* pb = gp.get_extension<PciBurst>();
  const uint64_t burst = pb && pb->burst && pb->burst < len ? pb->burst : 0;
  const Mapping* m = decode(addr, std::max<uint64_t>(len, 1));
  if (!m && burst) {
    // Several bursts, not all in one window: each decodes on its own, as the
    // master's separate bursts would.
    for (uint64_t done = 0; done < len; done += burst) {
      const uint64_t n = std::min(len - done, burst);
      const Mapping* mb = decode(addr + done, n);
      if (!mb) {
        master_abort(master);
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
      }
      if (!move(master, *mb, gp, done, n, burst)) return;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (!m) {
    master_abort(master);
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (move(master, *m, gp, 0, len, burst, &delay)) gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Cut at each 4 KB boundary, at the master's bursts and wherever the target
// disconnects; every piece is its own transaction. An uncut transfer goes
// through as is.
bool PcixBus::move(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t off, uint64_t len,
                   uint64_t burst, sc_time* rest) {
  const uint64_t B = p_.boundary_bytes, addr = gp.get_address(), end = off + std::max<uint64_t>(len, 1);
  Job job{master, &gp, &m, off, len, burst, off};
  uint64_t k0 = 0;
  bool granted = false;  // a plan handed the bus back with k0
  while (job.at < end) {
    const uint64_t a = addr + job.at;
    uint64_t piece = std::min(end - job.at, B - a % B);
    if (burst) piece = std::min(piece, burst - job.at % burst);
    const bool whole = job.at == 0 && piece >= gp.get_data_length();
    if (!whole && gp.get_byte_enable_ptr()) {  // cutting byte-enable patterns is not supported
      gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return false;
    }
    if (!granted) {
      k0 = acquire(master, &job);
      if (k0 == kByPlan) continue;  // waiting, it was planned to the end
    }
    granted = false;
    if (const int r = run_plan(job, k0)) {
      granted = r == 2;  // 3: asks again
      continue;
    }
    if (whole) {
      gp.set_address(a - m.base);
      job.at += transaction(master, m, gp, a, k0, end - job.at, rest);
      gp.set_address(addr);
      if (gp.is_response_error()) return false;
      continue;
    }
    tlm::tlm_generic_payload& sub = piece_payload(master, gp, job.at, piece, burst, m.base);
    job.at += transaction(master, m, sub, a, k0, end - job.at, rest);
    if (sub.is_response_error()) {
      gp.set_response_status(sub.get_response_status());
      return false;
    }
  }
  return true;
}

void PcixBus::master_abort(int master) {
  const uint64_t k0 = acquire(master);
  const uint64_t k = k0 + p_.addr_cycles + p_.master_abort_cycles + p_.turnaround_cycles;
  wait_busy(master, k0, k);
  ++ms(master).errors;
  release(k0, k);
}

uint64_t PcixBus::transaction(int master, const Mapping& m, tlm::tlm_generic_payload& gp, uint64_t bus_addr,
                              uint64_t k0, uint64_t remain, sc_time* rest) {
  uint64_t len = std::max<uint64_t>(gp.get_data_length(), 1);
  const uint64_t W = p_.width_bytes;
  const uint64_t addr_phase = p_.addr_cycles + (bus_addr >> 32 ? p_.dac_cycles : 0) + (p_.pcix() ? p_.attr_cycles : 0);
  const uint64_t head = addr_phase + p_.decode_cycles;

  uint64_t k = k0 + head;
  wait_busy(master, k0, k);  // the target claims the transaction here; data phases start
  sc_time lat = SC_ZERO_TIME;
  const sc_time t_claim = sc_core::sc_time_stamp();
  PciDisconnect dc;
  gp.set_extension(&dc);
  isock[m.target]->b_transport(gp, lat);  // target stores / supplies the bytes, returns its initial latency
  gp.clear_extension(&dc);
  if (dc.ahead) ahead_[size_t(m.target)] = dc.ahead;  // plan chains to it from now on
  if (dc.accepted < len && gp.is_write()) len = std::max<uint64_t>(dc.accepted, 1);  // target disconnect
  const uint64_t phases = (bus_addr % W + len + W - 1) / W;  // bus words touched
  const uint64_t w = ceil_cycles(lat);
  const bool in_time = !gp.is_response_error() && (w <= p_.max_initial_latency_cycles || gp.is_write());
  const bool defer = rest && in_time && len >= remain;
  // A target's late side effect (PciDisconnect::hold) keeps this thread here
  // as a blocking target did, unless the master leaves now (then the release
  // waits for it below).
  if (!defer && dc.hold > SC_ZERO_TIME) wait(dc.hold);
  auto& s = ms(master);
  ++s.transactions;
  if (gp.is_response_error()) {  // target abort: one data phase with STOP#, no data
    ++s.errors;
    k += 1 + p_.turnaround_cycles;
    wait_busy(master, k0, k);
    release(k0, k);
    return 0;
  }
  s.bytes += std::min<uint64_t>(len, gp.get_data_length());
  if (in_time) {
    // Target answers in time (or a posted write: the target inserts wait states).
    k += w + phases + p_.turnaround_cycles;
    const uint64_t t_end = ticks_of(k), now = sc_core::sc_time_stamp().value();
    // When the master's thread would have woken to release the bus: the end,
    // or later if the target would have held it longer.
    const uint64_t t_rel = std::max<uint64_t>(t_end, now + dc.hold.value());
    if (defer && t_rel > now) {
      // The transfer's last piece: its master leaves now with the rest as its
      // delay; the bus releases itself then.
      vcd_hold(master, ticks_of(k0), t_end);  // what wait_busy does before waiting
      settle();  // (a previous deferred release's busy time, if any: counted before this one's)
      // release(k0, k) at t_rel: its busy time and free edge now, counted
      // when time gets there; lines idle at t_rel; the bus to a waiter.
      free_edge_ = k;
      rel_k0_ = k0;
      rel_k_ = k;
      rel_open_ = rel_busy_ = true;
      rel_handed_ = false;
      rel_t_ = t_rel;
      if (VcdWriter* vw = vcd_writer(); vw && gnt_ >= 0) {
        vw->schedule(v_busy_, 0, vcd_ps(sc_time::from_value(t_rel)));
        vw->schedule(v_gnt_[size_t(gnt_)], 0, vcd_ps(sc_time::from_value(t_rel)));
      }
      hand_at_end();
      *rest = sc_time::from_value(t_rel - now);
      return len;
    }
    wait_busy(master, k0, k);
    release(k0, k);
    return len;
  }
  const sc_time ready = t_claim + lat;
  if (p_.pcix()) {
    // Split transaction: Split Response frees the bus; the completer arbitrates
    // once its data is ready and sends a split completion (address + attribute
    // carrying the requester ID, decode by the requester, data phases).
    ++s.splits;
    k += p_.split_response_cycles + p_.turnaround_cycles;
    wait_busy(master, k0, k);
    release(k0, k);
    if (ready > sc_core::sc_time_stamp()) wait(ready - sc_core::sc_time_stamp());
    const uint64_t c0 = acquire(master);
    const uint64_t c = c0 + p_.addr_cycles + p_.attr_cycles + p_.decode_cycles + phases + p_.turnaround_cycles;
    wait_busy(master, c0, c);
    release(c0, c);
    return len;
  }
  // Conventional PCI delayed transaction: Retry now, the target fetches the
  // data meanwhile, the master repeats the read until it completes.
  k += p_.retry_cycles + p_.turnaround_cycles;
  wait_busy(master, k0, k);
  release(k0, k);
  for (;;) {
    wait(cycles(p_.retry_gap_cycles));
    const uint64_t r0 = acquire(master);
    uint64_t r = r0 + head;
    if (time_of(r) >= ready) {
      r += phases + p_.turnaround_cycles;
      wait_busy(master, r0, r);
      release(r0, r);
      return len;
    }
    ++s.retries;
    r += p_.retry_cycles + p_.turnaround_cycles;
    wait_busy(master, r0, r);
    release(r0, r);
  }
}

unsigned PcixBus::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const Mapping* m = decode(addr, std::max<unsigned>(gp.get_data_length(), 1));
  if (!m) return 0;
  gp.set_address(addr - m->base);
  const unsigned n = isock[m->target]->transport_dbg(gp);
  gp.set_address(addr);
  return n;
}

// --- statistics ------------------------------------------------------------
void PcixBus::reset_stats() {
  settle();
  for (auto& s : stats_) s = MasterStats{};
  busy_s_ = 0;
  window_start_ = sc_core::sc_time_stamp();
}

void PcixBus::report(Stats& out, double window_s) const {
  settle();
  const std::string b = name();
  uint64_t bytes = 0;
  for (size_t i = 0; i < stats_.size(); ++i) {
    const auto& s = stats_[i];
    const std::string mn = b + "." + (i < master_names_.size() && !master_names_[i].empty() ? master_names_[i]
                                                                                           : "m" + std::to_string(i));
    StatGroup g = out.group(mn, "pci_master");
    g.add("data", double(s.bytes), "B", StatKind::Counter, "bytes moved by this master");
    g.add("transactions", double(s.transactions), "count", StatKind::Counter, "bus transactions (4 KB pieces)");
    g.add("splits", double(s.splits), "count", StatKind::Counter, "PCI-X split reads");
    g.add("retries", double(s.retries), "count", StatKind::Counter, "PCI delayed-read retries");
    g.add("errors", double(s.errors), "count", StatKind::Counter, "master / target aborts");
    g.add("arb_wait", s.arbitrations ? 1e6 * s.arb_wait_s / double(s.arbitrations) : 0, "us", StatKind::Distribution, "mean wait from bus request to FRAME#");
    g.add("data_rate", window_s > 0 ? double(s.bytes) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "achieved");
    bytes += s.bytes;
  }
  StatGroup g = out.group(b, "pci_bus");
  g.add("busy", window_s > 0 ? 100.0 * busy_s_ / window_s : 0, "%", StatKind::Fraction, "busy fraction of bus clocks");
  g.add("data_rate", window_s > 0 ? double(bytes) / window_s / 1e6 : 0, "MB/s", StatKind::Rate, "achieved, all masters");
  g.add("peak_data_rate", p_.peak_bytes_per_s() / 1e6, "MB/s", StatKind::Setting, "width x clock");
}

} // namespace iosim
