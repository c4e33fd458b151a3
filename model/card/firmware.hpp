#pragma once
// The card's embedded CPU running its firmware loop (BRIEF.md, "The I/O card"):
// poll the record at P_SR; when valid, take it (read its fields over the local
// bus, set it invalid, P_SR++), map its logical block through RAID0, start a
// SCSI command per piece on the right bus (the SCSI controllers queue them per
// disk with tagged queueing); when every piece is back, program the DMA engine
// to copy the data into the host buffer; when the DMA is done, fill the
// completion record at P_SC (if free), set it valid, P_SC++. No interrupt to the
// host on the paper's card; with `irq` set (platform.async.completion: irq or
// hybrid, issue 8) it then rings the messaging unit's outbound doorbell
// (card_memory.hpp), which raises INTA#: once per `irq_coalesce_count`
// completions, or `irq_coalesce_timeout` after the first one not yet
// announced, whichever comes first; a completion posted while the doorbell is
// still set (the host has not cleared it yet, so its drain will see it) is
// not counted. The order of the SCSI commands per disk is a policy
// (model/common/io_sched.hpp): fifo (default) hands each command to the SCSI
// controller as the request is taken, as the card always did, and the
// controller's per-target FIFO holds what exceeds the tags; any other policy
// keeps a backlog per disk in the firmware, ordered by the policy, and hands
// a command over only while fewer than tags_per_disk are outstanding at that
// disk, so what reaches the disk is the policy's order. Every step costs firmware cycles on one CPU, so if the card's CPU
// saturates, that shows.
//
// Links: `members` (one BlockDevice per RAID0 member, in member order: the
// SCSI controllers' target views) and `dma` (the card's PCI master), both
// bound by IoCard; card memory and the queue controller are the card's
// local bus, reached directly.
#include "model/card/card_memory.hpp"
#include "model/common/cm_bounds.hpp"
#include "model/common/io_sched.hpp"
#include "model/common/dma_port.hpp"
#include "model/common/io_pool.hpp"
#include "model/common/rng.hpp"
#include "model/fault/fault.hpp"
#include "model/raid/raid0.hpp"
#include "model/scsi/scsi_initiator.hpp"

#include <deque>
#include <memory>
#include <vector>

namespace iosim {

struct FirmwareParams {
  double cpu_hz = 600e6;           // Intel IOP321 XScale at 600 MHz: a fair guess for the card's CPU (issue 3)
  double poll_interval_s = 2e-6;   // idle loop: re-read the status at P_SR (estimate)
  double take_cycles = 1200;       // read a request record (48 B) over the local bus, set it invalid (estimate)
  double map_cycles = 400;         // RAID0 translation (estimate)
  double issue_cycles = 2500;      // build a SCSI command, hand it to the SCSI controller (estimate)
  double scsi_done_cycles = 2000;  // SCSI controller's completion interrupt and bookkeeping (estimate)
  double dma_setup_cycles = 800;   // program one DMA descriptor chain (estimate)
  double post_cycles = 1200;       // fill a completion record, set it valid (estimate)
  // Command descriptors in card memory: a request is taken off the ring only
  // when one is free, so a slow array backs up into the ring (and the ring
  // into the host: async degenerates into sync). Estimate.
  int max_jobs = 512;
  int dma_channels = 2;            // Intel IOP321: two DMA channels on its PCI interface (IOP321 datasheet)
  // Per-disk command order (issue 9). fifo: as taken, no firmware backlog.
  IoSchedParams sched{IoSchedKind::Fifo};
  // Commands the firmware lets out per disk when it keeps a backlog: the
  // card's tags per disk (platform.async.tags_per_disk; set by the builder).
  int tags_per_disk = 64;
  CmDiskBound round_bound;  // for the round-based policies' report (set by the builder)
  bool report_errors = false;  // add `failed` to the stats (scenarios with faults)
  // Completion by interrupt (issue 8), set by the builder from
  // platform.async.completion (irq, hybrid) and platform.async.irq.
  bool irq = false;
  int irq_coalesce_count = 1;          // completions per doorbell (1: every completion)
  double irq_coalesce_timeout_s = 0;   // longest hold of a partial batch (0: none; needed when count > 1)
  // One store to the MU's ODR over the local bus, plus the test of the
  // doorbell and the count (estimate: a few tens of cycles of an XScale).
  double doorbell_cycles = 50;
  // Faults (issue 11, set by the builder from the scenario's card entries;
  // model/card/README.md "Faults"). Reported (stalls, resets, ...) only when
  // any is set.
  CardFaults faults;
  uint64_t seed = 1;  // the scenario's seed: lost updates draw from (seed, this module's name)
  // From the host's reset (the board reset register) to the firmware running
  // again: the XScale's boot from flash, the RTOS and the SCSI controllers'
  // initialisation, the queue controller's reset. Estimate (no source for the
  // card's; an embedded RTOS boots in about a second).
  double restart_s = 1.0;
  // The firmware's own SCSI command timeout (issue 11; model/card/README.md,
  // "Command timeouts"). Set by the loader when the scenario has a disk_hang
  // on the async path or writes platform.async.firmware.scsi_timeout: off, no
  // timer, no process, no signal (results without hangs are unchanged). The
  // paper's firmware is custom and no source gives its values: all
  // estimates, chosen so that a command given up on (scsi_retries + 1 rounds
  // of scsi_timeout + 2 tm_timeout + the bus reset) ends well inside the host
  // watchdog's request_timeout (30 s, sd.c's SD_TIMEOUT), which the loader checks.
  bool scsi_timer = false;
  double scsi_timeout_s = 5;  // a command outstanding this long is aborted (estimate)
  double tm_timeout_s = 1;    // wait for a target's answer to ABORT TASK / TARGET RESET (estimate)
  int scsi_retries = 2;       // times a command ended by an abort or reset is sent again (estimate)
  double tm_cycles = 2500;    // build a task management request for the SCSI controller (estimate: like `issue`)
};

class Firmware : public sc_core::sc_module, public Reporter {
public:
  sc_core::sc_port<BlockDevice, 0> members;  // RAID0 member k = the k-th binding
  sc_core::sc_port<DmaPort> dma;             // card -> host memory
  // Task management on the card's SCSI controllers (issue 11), one binding
  // per bus in bus order; used only with scsi_timer. set_member_buses names
  // each RAID0 member's bus.
  sc_core::sc_port<ScsiTaskMgmtIf, 0, sc_core::SC_ZERO_OR_MORE_BOUND> buses;

  SC_HAS_PROCESS(Firmware);
  Firmware(sc_core::sc_module_name name, const FirmwareParams& p, CardMemory& mem, QueueController& qc,
           const Raid0Geometry& raid);

  void set_member_buses(std::vector<int> bus_of_member) { member_bus_ = std::move(bus_of_member); }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  // A taken request record's callback field, carried to its completion record.
  struct RingCallback { uint64_t value; };
  // The firmware's marks on its requests (issue 11), one extension type for
  // both kinds (the slots are few): a job's incarnation (reset count) it was
  // taken in — after a reset, what an old job's SCSI commands and DMA bring
  // back is dropped; a SCSI command's timer (serial, armed), retries, whether
  // it timed out, and whether it is back from the SCSI controller.
  struct FwTag {
    uint32_t gen;
    uint32_t serial;
    uint16_t retries;
    uint8_t armed, timed_out, back;
  };
  bool halted() const { return stalled_ || in_reset_; }
  bool stale(IoRequest& j) { return p_.faults.any() && j.ext<FwTag>().gen != gen_; }
  void drop_stale(IoRequest& j);   // release an old incarnation's job
  void stall_thread();             // firmware_stall: stop and (maybe) resume at the scenario's times
  void reset_method();             // SC_METHOD: the host wrote the board reset register
  void boot_method();              // SC_METHOD: the firmware runs again after restart_s
  bool lost_update_hits();         // lost_ring_update strikes this post
  // The SCSI command timer (issue 11): one timer for the firmware, on the
  // oldest deadline (every command has the same timeout, so issue order is
  // deadline order); the entries live in a ring that only grows.
  struct Timer { sc_core::sc_time deadline; IoRequest* cmd; uint32_t serial; };
  void submit_command(IoRequest& cmd);  // hand to the SCSI controller, arm the timer
  bool timer_stale(const Timer& t);
  void pop_stale_timers();
  bool retry_command(IoRequest& cmd);   // ended by an abort or reset: send again (true) or give up
  void recovery_thread();               // SC_THREAD (scsi_timer only): expiries and escalation
  void escalate(IoRequest& cmd);        // ABORT TASK, TARGET RESET, bus reset
  void run();
  void dma_engine();
  void spend(double cycles);  // accrue firmware time
  void sync();                // spend what accrued
  void wake_at_next_poll();
  void on_change();           // SC_METHOD: request posted, SCSI command back, DMA done
  void on_slot_freed();       // SC_METHOD: the host freed a completion slot
  void take_request();
  void post_completion(IoRequest& job);
  void announce();          // irq: count the posted completion, ring the doorbell when due
  void ring_doorbell();
  void coalesce_method();   // SC_METHOD: the coalescing timeout expired
  // A request is taken only with a completion slot kept for it: jobs in the
  // card + valid completions <= ring depth. The card's memory is finite, so
  // when the storage falls behind, requests wait on the request ring, it
  // fills and the issuing processes block (BRIEF.md: async degenerates into
  // sync); and a finished job never waits for a completion slot.
  bool room_for_job() const;
  // A policy other than fifo: hand disk m's backlog to its SCSI controller, in
  // the policy's order, while it has fewer than tags_per_disk outstanding.
  void release(uint32_t m);
  bool backlog() const { return p_.sched.kind != IoSchedKind::Fifo; }
  struct Backlog { std::unique_ptr<IoSchedIf> queue; int outstanding = 0; };

  FirmwareParams p_;
  CardMemory& mem_;
  QueueController& qc_;
  const Raid0Geometry& raid_;
  IoPool jobs_pool_;    // command descriptors: one per request taken
  IoPool commands_;     // SCSI commands, one per RAID0 piece
  std::deque<IoRequest*> scsi_done_;
  std::deque<IoRequest*> to_dma_, to_post_;
  std::vector<Raid0Piece> map_;     // scratch of take_request (one thread: run)
  std::vector<IoRequest*> pieces_;  // idem
  std::vector<Backlog> backlog_;    // per RAID0 member; empty with fifo
  sc_core::sc_event scsi_ev_, dma_req_ev_, dma_done_ev_;
  sc_core::sc_event wake_ev_;  // an idle firmware's next poll instant with news
  sc_core::sc_event coalesce_ev_;  // irq: the oldest unannounced completion's timeout
  int unannounced_ = 0;            // irq: completions posted since the last doorbell
  uint64_t doorbells_ = 0;
  bool idle_ = false, wants_slot_ = false;
  sc_core::sc_time pending_;   // firmware time accrued, not yet spent
  LevelTracker busy_, in_card_;
  uint64_t taken_ = 0, posted_ = 0, commands_issued_ = 0, polls_ = 0, failed_ = 0;
  // Faults (issue 11)
  uint32_t gen_ = 0;
  bool stalled_ = false, in_reset_ = false;
  sc_core::sc_event resume_ev_, boot_ev_;
  Rng fault_rng_{0, ""};
  EventFault lost_;  // lost_ring_update, consumed as it strikes (`at` once)
  LevelTracker stalled_lv_, reset_lv_;  // waveform and time fractions
  uint64_t stalls_ = 0, resets_ = 0, stale_ = 0, lost_updates_ = 0, master_aborts_ = 0;
  int jobs_ = 0;  // descriptors in use
  // SCSI command timeouts (issue 11)
  std::vector<int> member_bus_;      // RAID0 member -> index of its bus in `buses`
  std::vector<Timer> timers_;        // ring: timers_[(head_ + i) % size], i < armed_count_
  size_t timer_head_ = 0, timer_count_ = 0;
  uint32_t serial_ = 0;
  int esc_bus_ = -1, esc_target_ = -1;  // the drive whose resets are under way (escalate)
  sc_core::sc_event timer_ev_;
  LevelTracker recovery_lv_;  // waveform: 0 idle, 1 abort, 2 target reset, 3 bus reset
  uint64_t timeouts_ = 0, aborts_ = 0, target_resets_ = 0, bus_resets_ = 0, scsi_retries_ = 0, gave_up_ = 0;
};

} // namespace iosim
