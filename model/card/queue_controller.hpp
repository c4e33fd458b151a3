#pragma once
// QueueController: the card's queue controller as a SystemC module. It owns one
// QueueCtrlCore ("rtl" = Verilated rtl/queue_ctrl.sv, or "model") and clocks it
// only while it has work, jumping over idle time (no sc_clock: ARCHITECTURE.md,
// "No free-running clocks").
//
// Callers (SC_THREADs: host driver and poller, card firmware) ask for one
// operation; the call's strobe is sampled at the next clock edge strictly
// after now, together with every other call made before that edge (one strobe
// per port per edge; a second call on the same port takes the following
// edge), and the caller wakes at that edge with the core's ok flag.
//
// No clock process: the caller computes its edge and waits once: the edge's
// first caller until the edge's time, the others until it is evaluated. The
// first process to reach an edge's time (that caller, or anyone reading
// state()) evaluates the core for every edge due by then, in order. An edge's strobes
// are all known by its time (later calls go to later edges), so evaluating it
// then gives what a clock thread evaluating it at that time gave.
//
// Exactness: after a busy edge one more edge is clocked with no strobes so the
// registered ok flags return to 0; from then on an edge without strobes leaves
// every output unchanged, so skipping idle edges gives exactly the outputs a
// free-running clock would (the test replays the edges on a free-running core).
// That settle edge is evaluated at its time by a method (cheaper than a
// thread switch), the same whether or not a waveform is written.
//
// Posted calls (*_posted): for a caller that needs neither to wait for the
// edge nor the ok flag right away (CardMemory inside a bus transaction that
// lasts longer than the wait anyway). The strobe takes the edge the blocking
// call would; the call returns at once with the time to that edge, and the
// same method evaluates the edge at its time and hands `done` the ok flag
// there (where the blocking caller would have woken). One thread wait fewer
// per call.
#include "model/common/time_ps.hpp"
#include "model/card/queue_ctrl_core.hpp"
#include "model/stats/stats.hpp"

#include <systemc>

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace iosim {

struct QueueControllerParams {
  QcCore core = QcCore::Rtl;  // the RTL by default (the paper's table, ARCHITECTURE.md)
  uint32_t depth = 5000;     // records per ring: both rings 5000 (BRIEF.md, test platform)
  // Card logic clocked from the PCI-X bus, 64-bit/133 MHz (PARAMETERS.md, PCI-X 64/133).
  // The period is rounded to the 1 ps time resolution: 133 MHz -> 7519 ps.
  double clock_hz = 133e6;
  std::string rtl_vcd_path;  // non-empty: the core's own waveform (Verilator VCD for "rtl")
};

class QueueController : public sc_core::sc_module, public Reporter {
public:
  SC_HAS_PROCESS(QueueController);
  QueueController(sc_core::sc_module_name name, const QueueControllerParams& p = {});
  ~QueueController() override;

  // One operation each; call from an SC_THREAD. True if accepted, false if
  // refused (push into a full ring, pop from an empty one).
  bool host_push_request();     // fill record at P_HR
  bool card_pop_request();      // take record at P_SR
  bool card_push_completion();  // fill completion at P_SC
  bool host_pop_completion();   // take completion at P_HC
  // Posted forms (see above): `done(ctx, ok)` runs at the edge; returns the time to it.
  using Done = void (*)(void* ctx, bool ok);
  sc_core::sc_time host_push_request_posted(Done done, void* ctx);
  sc_core::sc_time host_pop_completion_posted(Done done, void* ctx);

  // Synchronous reset (issue 11: the firmware re-initialises the controller
  // when it boots after a card reset): every pointer 0, every record invalid.
  // Takes the next edge; no call may be waiting (the firmware is the caller,
  // the host touches no ring while it resets the card).
  void reset_rings();
  // Status read, no edge of its own (edges due by now are evaluated first).
  const QcOutputs& state() const { catch_up(); return core_->outputs(); }
  const QueueCtrlCore& core() const { catch_up(); return *core_; }
  const QueueControllerParams& params() const { return p_; }
  sc_core::sc_time period() const { return from_ps(period_ps_); }
  uint64_t cycles_clocked() const { catch_up(); return core_->cycles(); }  // since construction

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  enum Port { kHostPush, kCardPop, kCardCpl, kHostCpl, kPorts };
  struct Call {
    uint64_t edge;  // the edge that samples this call
    bool done = false, ok = false;
    Done posted = nullptr;  // a posted call: told at its edge (then recycled)
    void* ctx = nullptr;
  };
  bool request(Port port);
  sc_core::sc_time request_posted(Port port, Done done, void* ctx);
  uint64_t next_edge(Port port);  // the edge a call on `port` made now takes (and claims it)
  // Evaluates every edge due by now. Const because reads (state()) call it:
  // edges whose time has passed are part of the present state.
  void catch_up() const;
  void catch_up_now();
  void settle_method();  // the settle edge, at its own time
  void clock_edge(uint64_t k);
  void register_vcd();
  void trace_edge(const QcInputs& in, bool clk);
  uint64_t now_ps() const;

  QueueControllerParams p_;
  uint64_t period_ps_;
  std::unique_ptr<QueueCtrlCore> core_;
  std::array<std::deque<Call*>, kPorts> waiting_;  // per port, in edge order
  std::array<uint64_t, kPorts> port_edge_{};       // last edge given to a call on the port (0: none)
  uint64_t last_edge_ = 0;      // index of the last clocked edge (edge k at k * period)
  bool settle_pending_ = false; // last edge had strobes: clock one more to clear ok flags
  sc_core::sc_event settle_ev_, edge_ev_;
  std::vector<std::unique_ptr<Call>> posted_store_;  // posted calls, reused
  std::vector<Call*> posted_free_;

  // statistics over the measurement window
  uint64_t cycles_at_reset_ = 0;
  std::array<uint64_t, kPorts> accepted_{}, refused_{};
  LevelTracker req_occ_, cpl_occ_;

  // VCD ids (-1 when tracing is off or filtered out)
  bool tracing_ = false;
  int v_clk_ = -1, v_in_[kPorts] = {-1, -1, -1, -1}, v_ok_[kPorts] = {-1, -1, -1, -1};
  int v_p_[4] = {-1, -1, -1, -1}, v_full_[2] = {-1, -1}, v_empty_[2] = {-1, -1}, v_count_[2] = {-1, -1};
};

} // namespace iosim
