#pragma once
// Ultra320 parallel SCSI bus (SPI-4 paced, packetized), as a set of timed bus
// phases shared by up to 16 devices (15 targets + the initiator(s)).
//
// What a connection costs (every figure in ScsiBusParams below, with sources):
//   [bus free delay] -> ARBITRATION -> (RE)SELECTION -> phase settle ->
//   training pattern (start of each DT DATA phase) -> initiator context
//   lookup -> information units (SPI L_Q IU + command / data / status IU,
//   each padded to 4 bytes and closed by a 4-byte iuCRC) -> disconnect.
// With QAS enabled, a target ending a connection while others wait hands the
// bus over by QAS arbitration instead of BUS FREE + normal arbitration.
//
// Nothing caps throughput: the U320 ceiling (~234-240 MB/s per channel with
// Cheetah 15K.3 drives, PARAMETERS.md) has to come out of the per-connection
// overheads and the size of the bursts targets move per reconnection.
#include "model/scsi/scsi_link.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace iosim {

struct ScsiBusParams {
  // Data path: 16-bit, 80 MHz clock, DT (both edges) = one 2-byte transfer per
  // 6.25 ns = 320 MB/s peak (SCSI Trade Association FAQ; "fast-160" transfer
  // period 6.25 ns, Seagate Parallel SCSI Interface Product Manual rev A, 3.5.3).
  double transfer_period_s = 6.25e-9;
  uint32_t width_bytes = 2;

  // Control timings, Seagate Parallel SCSI Interface manual (PARAMETERS.md).
  double bus_free_delay_s = 0.8e-6;     // bus must be seen free this long before arbitrating
  double arbitration_delay_s = 2.4e-6;  // arbitration: wait before examining the ids
  double bus_set_delay_s = 1.6e-6;      // spec upper bound, taken as the (re)selection phase time
  double bus_settle_delay_s = 0.4e-6;   // settle after the selected device answers, before the first IU
  bool qas = false;                     // Quick Arbitration and Selection (optional in U320)
  double qas_arbitration_delay_s = 1.0e-6;
  double qas_release_delay_s = 0.2e-6;
  // Optional SPI fairness: a winner does not arbitrate again until every
  // device it beat has had its turn.
  bool fairness = false;

  // Training pattern at the start of every DT DATA phase of a paced transfer
  // unless "retain training information" was negotiated: sections A+B end 192
  // transfer periods after the first REQ, section C is 64 more (Seagate Parallel
  // SCSI Interface manual 3.5.3.1.1) -> 256 periods = 1.6 us at U320.
  bool retain_training = false;
  uint32_t training_periods = 256;

  // Information units (Seagate Parallel SCSI Interface manual 6.2; SPI-4):
  uint32_t lq_iu_bytes = 20;       // SPI L_Q IU, bytes 0-19 (type, tag, LUN, data length, iuCRC interval)
  uint32_t command_iu_bytes = 20;  // SPI command IU with a 16-byte CDB field (L_Q data length >= 14h)
  uint32_t status_iu_bytes = 12;   // SPI status IU header; only sent for non-GOOD status:
                                   // GOOD status is an L_Q with data length 0 (6.2.5)
  uint32_t sense_bytes = 18;       // fixed-format sense data carried with CHECK CONDITION
  uint32_t iucrc_bytes = 4;        // iuCRC closing every IU
  uint32_t iucrc_interval_bytes = 0;  // 0 = one iuCRC at the end of a data IU only
  uint32_t pad_to_bytes = 4;       // IUs are padded so data + pad is a multiple of 4

  // Time the initiator port needs per connection to find the I_T_L_Q nexus
  // named by the L_Q and load its DMA context before it accepts the IU that
  // follows (the REQ/ACK offset is exhausted meanwhile). fitted: no datasheet
  // figure; chosen with the Disk's burst size so that a channel saturates near
  // the measured 234-240 MB/s (PARAMETERS.md, tecChannel U320 test).
  double initiator_latency_s = 1.5e-6;

  // Bus reset (issue 11): the initiator asserts RST for the reset hold time
  // (SCSI-2 X3.131-1994 table 5 / SPI: reset hold time, 25 us minimum); every
  // target drops every command; no device may be selected before the reset
  // to selection time has passed (same table: 250 ms, recommended maximum a
  // target needs after a reset before it answers selection).
  double reset_hold_s = 25e-6;
  double reset_to_selection_s = 0.25;

  double peak_bytes_per_s() const { return double(width_bytes) / transfer_period_s; }
};

class ScsiBus : public sc_core::sc_module, public ScsiBusIf, public ScsiTargetLink, public Reporter {
public:
  static constexpr int kMaxIds = 16;  // 16-bit wide bus: SCSI ids 0..15

  ScsiBus(sc_core::sc_module_name name, const ScsiBusParams& p = {});

  // The devices on the bus, one port per SCSI id, bound by the builder
  // (bind_scsi_target / bind_scsi_initiator below bind both directions of a
  // link). An id is a target's or an initiator's, never both (checked at
  // elaboration). An initiator with nothing bound at its id gets no
  // completions: the bus calls req.on_done instead.
  sc_core::sc_vector<sc_core::sc_port<ScsiTarget, 1, sc_core::SC_ZERO_OR_MORE_BOUND>> targets;
  sc_core::sc_vector<sc_core::sc_port<ScsiInitiatorPort, 1, sc_core::SC_ZERO_OR_MORE_BOUND>> initiators;

  // ScsiBusIf (initiator side).
  ScsiTarget* target(int id) const override;
  bool send_command(int initiator_id, IoRequest& req) override;
  bool task_mgmt(int initiator_id, int target, Tmf f, const IoRequest* cmd) override;
  // Also: returns after the reset hold time; nobody wins arbitration until
  // reset_to_selection later.
  void reset(int initiator_id) override;
  uint64_t resets() const { return resets_; }
  uint64_t task_mgmt_functions() const { return tmfs_; }
  // Adds the RST line to the waveform (--vcd); called at elaboration by the
  // builder for scenarios that can reset a bus (faults), so others' VCDs keep their signals.
  void trace_rst();

  // ScsiTargetLink (target side, from an SC_THREAD).
  void transfer(int target_id, IoRequest& req, uint64_t bytes) override;
  void complete(int target_id, IoRequest& req) override;

  // Bus time of an information unit of `payload` bytes: pad + iuCRC(s).
  sc_core::sc_time iu_time(uint64_t payload) const;
  uint64_t iu_wire_bytes(uint64_t payload) const;
  // SCSI arbitration priority: 7 highest, then 6..0, then 15..8 (SPI-4).
  static int priority(int id) { return id < 8 ? id + 8 : id - 8; }

  const ScsiBusParams& params() const { return p_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

  // Raw counters (for tests and the integrator).
  enum Phase { kBusFree, kArbitration, kSelection, kTraining, kInitiator, kIuOverhead, kData, kPhases };
  double phase_seconds(Phase ph) const { settle_accounts(); return phase_s_[ph]; }
  uint64_t data_bytes() const { return data_bytes_; }
  uint64_t commands() const { return commands_; }
  uint64_t connections() const { return connections_; }
  double arbitration_wait_mean_s() const { return arb_waits_.mean(); }
  // Ids in the order they were granted the bus (kept only if enabled; tests).
  void record_grants(bool on) { record_grants_ = on; }
  const std::vector<int>& grants() const { return grants_; }

private:
  void end_of_elaboration() override;  // takes the bound devices into targets_ / initiators_
  // A device asking for the bus, and the connection it will make once it
  // wins: from then on every phase is fixed, so the arbiter plans them all at
  // the grant and the device wakes once, at the end of the connection.
  enum Conn { kCommand, kTransfer, kStatus };
  struct Waiter {
    int id;
    uint64_t seq;
    sc_core::sc_time t_req;
    sc_core::sc_event granted;  // notified for the end of the connection
    Conn conn;
    int init;            // initiator of the nexus (training is per I_T pair and direction)
    int target;          // target of the nexus
    bool to_initiator;   // direction of the DT DATA phase
    uint64_t bytes = 0;  // kTransfer: data IU payload
    bool bad_status = false;  // kStatus: non-GOOD status (status IU + sense data follow the L_Q)
  };
  void arbiter();
  // Blocks until this device has won arbitration and its connection's phases
  // have elapsed (the connection is still open: release() ends it).
  void acquire(Waiter& w);
  void connect(Waiter& w);  // at the grant: plans the connection
  void status_phases(bool bad_status);
  void release(int owner, const IoRequest* req);
  // A connection's (or an arbitration's) phases after the point where the
  // outcome is known are a fixed sequence: plan() books each phase at the
  // time it would start (statistics and waveform), and the whole sequence is
  // spent in one wait (run_plan(), or the waiter's wait for its grant event).
  // Same times as one wait per phase.
  void plan_start();
  void plan(Phase ph, const sc_core::sc_time& t);
  void run_plan();
  void book(Phase ph, const sc_core::sc_time& at, double s);
  void settle_accounts() const;  // books phase time of phases started by now
  void trace_phase(Phase ph, int id = -1);  // to the VCD, if one is being written
  void trace_at(Phase ph, const sc_core::sc_time& at);
  bool eligible(int id);
  Waiter* pick(const std::vector<Waiter*>& contenders);
  void note_win(int id, const std::vector<Waiter*>& contenders);
  void dt_phase_start(int initiator_id, int target_id, bool to_initiator);

  ScsiBusParams p_;
  sc_core::sc_time tp_;  // transfer period
  void take_devices() const;
  mutable bool devices_taken_ = false;
  mutable std::array<ScsiTarget*, kMaxIds> targets_{};
  mutable std::array<ScsiInitiatorPort*, kMaxIds> initiators_{};
  // The I_T nexus a command belongs to: which initiator sent it (rides on the
  // request from the command phase to its status).
  struct ScsiNexus { int initiator; };
  std::set<std::pair<int, int>> trained_;            // (id pair, direction) for retain_training

  // Arbitration state.
  std::deque<Waiter*> pending_;
  std::vector<Waiter*> contenders_;  // reused each round
  enum ArbState { kIdle, kArbitrating, kConnected } arb_state_ = kIdle;
  sc_core::sc_time arb_t_start_;  // start of the arbitration under way
  bool qas_handover_ = false;
  uint64_t seq_ = 0;
  sc_core::sc_event request_ev_, release_ev_;
  bool busy_ = false, used_ = false;
  sc_core::sc_time t_free_;  // when the bus last went free
  std::array<std::set<int>, kMaxIds> fair_wait_;
  // A connection that just ended a data transfer stays open for the rest of
  // the current time step, so a target that has its status ready sends the
  // status L_Q in the same connection (as packetized targets do).
  int hold_id_ = -1;
  const IoRequest* hold_req_ = nullptr;

  // The plan being built: where the next phase starts.
  sc_core::sc_time cursor_;
  // Phase time booked for phases starting in the future; moved into
  // phase_s_ once simulated time reaches their start, as the per-phase waits
  // did (so a statistics reset in the middle of a connection splits it the
  // same way). In time order per phase: each phase is spent by one process
  // at a time.
  struct Booking {
    sc_core::sc_time at;
    Phase ph;
    double s;
  };
  mutable std::vector<Booking> booked_;

  // Statistics.
  mutable std::array<double, kPhases> phase_s_{};
  uint64_t data_bytes_ = 0, commands_ = 0, completions_ = 0, connections_ = 0;
  Samples arb_waits_;
  bool record_grants_ = false;
  std::vector<int> grants_;
  int v_busy_ = -1, v_phase_ = -1, v_id_ = -1;  // VCD signal ids
  // Resets (issue 11): per target, a count of the resets it has seen (a
  // command sent across one is void); the end of the reset-to-selection time.
  std::array<uint64_t, kMaxIds> reset_gen_{};
  sc_core::sc_time no_select_until_;
  uint64_t resets_ = 0, tmfs_ = 0;
  int v_rst_ = -1;  // VCD: the RST line (only once a reset happens)
};

// Both directions of a target's link: the bus reaches it at SCSI id `id`, it
// reaches the bus through its `link` port (Disk, test fakes).
template <class T>
void bind_scsi_target(ScsiBus& bus, int id, T& t) {
  bus.targets.at(size_t(id)).bind(t);
  t.link.bind(bus);
}
// Both directions of an initiator's link: its `bus` port, and the bus's
// port at its SCSI id for completions (ScsiInitiator).
template <class T>
void bind_scsi_initiator(ScsiBus& bus, T& init) {
  init.bus.bind(bus);
  bus.initiators.at(size_t(init.scsi_id())).bind(init);
}

} // namespace iosim
