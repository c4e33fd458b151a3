#include "model/card/queue_controller.hpp"

#include "model/stats/vcd.hpp"

#include <cmath>
#include <stdexcept>

namespace iosim {

using namespace sc_core;

QueueController::QueueController(sc_module_name name, const QueueControllerParams& p)
    : sc_module(name), p_(p) {
  if (!(p_.clock_hz > 0)) throw std::invalid_argument(std::string(this->name()) + ": clock_hz must be > 0");
  require_ps_resolution();
  period_ps_ = uint64_t(std::llround(1e12 / p_.clock_hz));
  if (period_ps_ < 2) throw std::invalid_argument(std::string(this->name()) + ": clock above 500 GHz");
  core_ = make_queue_ctrl_core(p_.core, p_.depth);
  if (!p_.rtl_vcd_path.empty()) core_->trace_open(p_.rtl_vcd_path);
  register_vcd();
  SC_METHOD(settle_method);
  sensitive << settle_ev_;
  dont_initialize();
}

QueueController::~QueueController() { core_->trace_close(); }

uint64_t QueueController::now_ps() const { return to_ps(sc_time_stamp()); }

bool QueueController::host_push_request() { return request(kHostPush); }
bool QueueController::card_pop_request() { return request(kCardPop); }
bool QueueController::card_push_completion() { return request(kCardCpl); }
bool QueueController::host_pop_completion() { return request(kHostCpl); }

sc_time QueueController::host_push_request_posted(Done done, void* ctx) { return request_posted(kHostPush, done, ctx); }
sc_time QueueController::host_pop_completion_posted(Done done, void* ctx) { return request_posted(kHostCpl, done, ctx); }

uint64_t QueueController::next_edge(Port port) {
  // Strictly after now: calls at one simulated time share an edge whatever
  // their delta cycle, which keeps the result independent of process order.
  // One strobe per port per edge: behind the port's previous call, which is
  // the edge a clock serving each port's calls in order would give it (every
  // edge after a busy one is clocked).
  const uint64_t k = std::max(now_ps() / period_ps_ + 1, port_edge_[port] + 1);
  port_edge_[port] = k;
  return k;
}

sc_time QueueController::request_posted(Port port, Done done, void* ctx) {
  if (posted_free_.empty()) {
    posted_store_.emplace_back(new Call{0});
    posted_free_.push_back(posted_store_.back().get());
  }
  Call* c = posted_free_.back();
  posted_free_.pop_back();
  *c = Call{next_edge(port)};
  c->posted = done;
  c->ctx = ctx;
  waiting_[port].push_back(c);
  // settle_method evaluates the edge at its time (an earlier pending
  // notification wins; the method then re-arms for this one).
  const sc_time to_edge = from_ps(c->edge * period_ps_) - sc_time_stamp();
  settle_ev_.notify(to_edge);
  return to_edge;
}

bool QueueController::request(Port port) {
  const uint64_t now = now_ps();
  Call call{next_edge(port)};
  // The first call for an edge waits for the edge's time; the others wait
  // for the edge to be evaluated (edge_ev_, notified at once). So the calls
  // of one edge wake in an order fixed by the order they were made, not by
  // the kernel's order among equal-time timeouts.
  bool first = true;
  for (const auto& q : waiting_)
    for (const Call* c : q) first = first && c->edge != call.edge;
  waiting_[port].push_back(&call);
  if (first) {
    wait(from_ps(call.edge * period_ps_ - now));
    catch_up_now();  // this edge, unless another process got here first
  }
  while (!call.done) wait(edge_ev_);
  return call.ok;
}

void QueueController::catch_up() const {
  // Only edges whose time has passed: what a clock thread would have done by
  // now. Logically const (the present state); the core is advanced in place.
  const_cast<QueueController*>(this)->catch_up_now();
}

void QueueController::catch_up_now() {
  const uint64_t now = now_ps();
  for (;;) {
    uint64_t k = UINT64_MAX;
    for (const auto& q : waiting_)
      if (!q.empty()) k = std::min(k, q.front()->edge);
    if (settle_pending_) k = std::min(k, last_edge_ + 1);
    if (k == UINT64_MAX) return;  // idle: no edges until someone calls
    k = std::max(k, last_edge_ + 1);
    if (k * period_ps_ > now) return;
    clock_edge(k);
  }
}

// Settle edges and posted calls' edges, each at its time. settle_ev_ keeps
// only its earliest notification, so the method re-arms for the next posted
// call still queued (a later settle edge is armed by clock_edge).
void QueueController::settle_method() {
  catch_up_now();
  uint64_t k = UINT64_MAX;
  for (const auto& q : waiting_)
    for (const Call* c : q)
      if (c->posted) {
        k = std::min(k, c->edge);
        break;  // a port's calls are in edge order
      }
  if (k != UINT64_MAX) settle_ev_.notify(from_ps(k * period_ps_) - sc_time_stamp());
}

void QueueController::clock_edge(uint64_t k) {
  const uint64_t t = k * period_ps_;
  std::array<Call*, kPorts> served{};
  QcInputs in;
  bool* strobe[kPorts] = {&in.h_req_push, &in.c_req_pop, &in.c_cpl_push, &in.h_cpl_pop};
  bool any = false;
  for (int i = 0; i < kPorts; ++i) {
    auto& q = waiting_[i];
    if (!q.empty() && q.front()->edge <= k) {
      served[i] = q.front();
      q.pop_front();
      *strobe[i] = any = true;
    }
  }
  const QcOutputs& o = core_->cycle(in);
  last_edge_ = k;
  settle_pending_ = any;
  const bool ok[kPorts] = {o.h_req_ok, o.c_req_pop_ok, o.c_cpl_ok, o.h_cpl_pop_ok};
  for (int i = 0; i < kPorts; ++i) {
    if (!served[i]) continue;
    ++(ok[i] ? accepted_ : refused_)[i];
    if (Call* c = served[i]; c->posted) {
      posted_free_.push_back(c);
      c->posted(c->ctx, ok[i]);
      continue;
    }
    served[i]->ok = ok[i];
    served[i]->done = true;
  }
  req_occ_.set(o.req_count);
  cpl_occ_.set(o.cpl_count);
  core_->trace_dump(t);
  trace_edge(in, true);
  if (VcdWriter* w = tracing_ ? vcd_writer() : nullptr) {
    // Clock low and strobes off at half period, only for the waveform.
    const uint64_t half = t + period_ps_ / 2;
    w->schedule(v_clk_, 0, half);
    for (int i = 0; i < kPorts; ++i) w->schedule(v_in_[i], 0, half);
  }
  if (any) edge_ev_.notify();  // immediate: the edge's other callers run in this evaluation phase
  // The settle edge is clocked at its time by settle_method (one method
  // activation, no thread switch), traced or not: a waveform run must not
  // differ from a plain one, and which process runs first among equal-time
  // timeouts depends on what else the kernel has queued.
  if (any) settle_ev_.notify(from_ps(t + period_ps_) - sc_time_stamp());
}

void QueueController::reset_rings() {
  catch_up_now();
  for (const auto& q : waiting_)
    if (!q.empty()) throw std::logic_error(std::string(name()) + ": ring reset with an operation pending");
  const uint64_t k = std::max(now_ps() / period_ps_ + 1, last_edge_ + 1);
  core_->reset();  // rst_n low for one edge
  last_edge_ = k;
  for (auto& e : port_edge_) e = std::max(e, k);
  settle_pending_ = false;
  const QcOutputs& o = core_->outputs();
  req_occ_.set(o.req_count);
  cpl_occ_.set(o.cpl_count);
  core_->trace_dump(k * period_ps_);
  trace_edge(QcInputs{}, false);
}

void QueueController::register_vcd() {
  VcdWriter* w = vcd_writer();
  if (!w) return;
  const std::string s = name();
  const unsigned pw = 13, cw = 14;  // port widths of rtl/queue_ctrl.sv with MAX_DEPTH = 8192
  v_clk_ = w->add(s, "clk", 1);
  const char* in_names[kPorts] = {"h_req_push", "c_req_pop", "c_cpl_push", "h_cpl_pop"};
  const char* ok_names[kPorts] = {"h_req_ok", "c_req_pop_ok", "c_cpl_ok", "h_cpl_pop_ok"};
  for (int i = 0; i < kPorts; ++i) {
    v_in_[i] = w->add(s, in_names[i], 1);
    v_ok_[i] = w->add(s, ok_names[i], 1);
  }
  const char* p_names[4] = {"p_hr", "p_sr", "p_sc", "p_hc"};
  for (int i = 0; i < 4; ++i) v_p_[i] = w->add(s, p_names[i], pw);
  v_full_[0] = w->add(s, "req_full", 1);
  v_full_[1] = w->add(s, "cpl_full", 1);
  v_empty_[0] = w->add(s, "req_empty", 1);
  v_empty_[1] = w->add(s, "cpl_empty", 1);
  v_count_[0] = w->add(s, "req_count", cw);
  v_count_[1] = w->add(s, "cpl_count", cw);
  tracing_ = true;  // even if the filters dropped some ids (set(-1, ...) is a no-op)
  // Values after reset, at time 0.
  trace_edge(QcInputs{}, false);
}

// At sc_time_stamp(): every edge is evaluated at its time (its first caller or settle_method).
void QueueController::trace_edge(const QcInputs& in, bool clk) {
  VcdWriter* w = vcd_writer();
  if (!w || !tracing_) return;
  const QcOutputs& o = core_->outputs();
  w->set(v_clk_, clk);
  const bool st[kPorts] = {in.h_req_push, in.c_req_pop, in.c_cpl_push, in.h_cpl_pop};
  const bool ok[kPorts] = {o.h_req_ok, o.c_req_pop_ok, o.c_cpl_ok, o.h_cpl_pop_ok};
  for (int i = 0; i < kPorts; ++i) {
    w->set(v_in_[i], st[i]);
    w->set(v_ok_[i], ok[i]);
  }
  const uint32_t p[4] = {o.p_hr, o.p_sr, o.p_sc, o.p_hc};
  for (int i = 0; i < 4; ++i) w->set(v_p_[i], p[i]);
  w->set(v_full_[0], o.req_full);
  w->set(v_full_[1], o.cpl_full);
  w->set(v_empty_[0], o.req_empty);
  w->set(v_empty_[1], o.cpl_empty);
  w->set(v_count_[0], o.req_count);
  w->set(v_count_[1], o.cpl_count);
}

void QueueController::reset_stats() {
  catch_up_now();  // edges up to now belong before the reset
  cycles_at_reset_ = core_->cycles();
  accepted_ = {};
  refused_ = {};
  req_occ_.reset();
  cpl_occ_.reset();
}

void QueueController::report(Stats& out, double window_s) const {
  catch_up();
  const std::string n = name();
  const double cycles = double(core_->cycles() - cycles_at_reset_);
  StatGroup g = out.group(n, "queue_controller");
  g.add("cycles", cycles, "count", StatKind::Counter, "clock edges evaluated (idle time skipped)");
  if (window_s > 0)
    g.add("clocked", 100.0 * cycles / (window_s * 1e12 / double(period_ps_)), "%", StatKind::Fraction,
          "edges evaluated / edges of a free-running clock");
  const char* op[kPorts] = {"req_push", "req_pop", "cpl_push", "cpl_pop"};
  for (int i = 0; i < kPorts; ++i) {
    g.add(std::string(op[i]) + "_ok", double(accepted_[i]), "count", StatKind::Counter, "operations accepted");
    g.add(std::string(op[i]) + "_refused", double(refused_[i]), "count", StatKind::Counter,
          "operations refused (ring full on push, empty on pop)");
  }
  g.add("req_occupancy", req_occ_.mean(), "count", StatKind::Level, "time-weighted valid requests");
  g.add("req_occupancy.max", req_occ_.max(), "count", StatKind::Level, "most valid requests at once");
  g.add("cpl_occupancy", cpl_occ_.mean(), "count", StatKind::Level, "time-weighted valid completions");
  g.add("cpl_occupancy.max", cpl_occ_.max(), "count", StatKind::Level, "most valid completions at once");
}

} // namespace iosim
