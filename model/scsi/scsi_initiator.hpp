#pragma once
// A SCSI initiator port on one ScsiBus: what the paper's I/O card SCSI
// controllers and the LSI 53C1030 channels use to reach their disks.
//
// Per target it offers a BlockDevice view whose submit() only queues the
// command (never blocks the caller). One SC_THREAD sends queued commands over
// the bus in arrival order, skipping targets that are at their tagged-queue
// limit (per-device queues, as in an HBA: no head-of-line blocking), and never
// with more than the per-port limit outstanding. Completions come back
// through the bus and end in req.on_done.
#include "model/scsi/scsi_bus.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <array>
#include <deque>
#include <memory>

namespace iosim {

// Task management on an initiator port (issue 11), for the adapter that owns
// it (the LSI chip's task management requests). Called from an SC_THREAD;
// each blocks for its bus time. A command ended this way comes back to its
// issuer through on_done with a host status (model/fault/fault.hpp:
// scsi::host_status(kDidAbort | kDidReset)), never silently dropped.
class ScsiTaskMgmtIf : public virtual sc_core::sc_interface {
public:
  // ABORT TASK for `cmd`: true if it is no longer at the target (answered,
  // or it had already completed); false if the target did not answer.
  virtual bool abort_task(IoRequest& cmd) = 0;
  // TARGET RESET: true if answered; every command at that target comes back.
  virtual bool reset_target(int id) = 0;
  // The RST signal: every command at every target on the bus comes back.
  virtual void reset_bus() = 0;
  // Every command for target `id` still waiting in the port (never sent)
  // comes back with `status` (issue 11: the card firmware ends what its
  // controller holds for a drive it has just reset). Default: none held.
  virtual void drop_queued(int id, int status) { (void)id; (void)status; }
};

struct ScsiInitiatorParams {
  int scsi_id = 7;              // highest arbitration priority, the usual host adapter id
  int per_target_limit = 64;    // tagged commands allowed per target (also capped by the target's own limit)
  int port_limit = 255;         // commands outstanding on the whole port
};

class ScsiInitiator : public sc_core::sc_module, public ScsiInitiatorPort, public ScsiTaskMgmtIf, public Reporter {
public:
  ScsiInitiator(sc_core::sc_module_name name, const ScsiInitiatorParams& p = {});

  // The bus, bound by the builder with bind_scsi_initiator (scsi_bus.hpp),
  // which also binds the bus's initiator[scsi_id()] port back to this one.
  sc_core::sc_port<ScsiBusIf> bus;
  int scsi_id() const { return p_.scsi_id; }

  // The BlockDevice through which target `id` on this bus is reached; its
  // capacity is the target's (ask once the ports are bound). The bus must
  // have a target at `id`: checked at the end of elaboration.
  BlockDevice& target(int id);
  // The whole port as one BlockDevice: each command goes to the target its
  // req.target names (an HBA's SCSI side, bound to its `scsi` port). Capacity
  // is a target's: asking the port is an error.
  BlockDevice& port() { return port_view_; }

  void command_complete(IoRequest& req) override;  // from the bus

  // ScsiTaskMgmtIf (issue 11).
  bool abort_task(IoRequest& cmd) override;
  bool reset_target(int id) override;
  void reset_bus() override;
  void drop_queued(int id, int status) override;

  int outstanding(int id) const { return outstanding_[id]; }
  int queued(int id) const { return int(queue_[id].size()); }
  int port_outstanding() const { return port_outstanding_; }
  int limit(int id) const;
  uint64_t issued() const { return issued_; }
  uint64_t completed() const { return completed_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  class View : public BlockDevice {
  public:
    View(ScsiInitiator& o, int id) : owner_(o), id_(id) {}
    void submit(IoRequest& req) override { owner_.enqueue(id_, req); }
    uint64_t capacity_blocks() const override;
  private:
    ScsiInitiator& owner_;
    int id_;
  };
  class PortView : public BlockDevice {
  public:
    explicit PortView(ScsiInitiator& o) : owner_(o) {}
    void submit(IoRequest& req) override { owner_.enqueue(req.target, req); }
    uint64_t capacity_blocks() const override;
  private:
    ScsiInitiator& owner_;
  };
  struct Entry {
    uint64_t seq;
    IoRequest* req;
  };
  void enqueue(int id, IoRequest& req);
  // Take `req` off target id's outstanding commands (false if not there).
  bool retire(int id, IoRequest& req);
  // End commands at the target with a host status (resets, aborts).
  void give_back(std::vector<IoRequest*>& cmds, int status);
  void issue_loop();
  int next_target();  // eligible target whose head command arrived first, or -1

  void end_of_elaboration() override;
  ScsiInitiatorParams p_;
  std::array<std::unique_ptr<View>, ScsiBus::kMaxIds> views_;
  PortView port_view_{*this};
  std::array<bool, ScsiBus::kMaxIds> addressed_{};  // a command was sent through port() to this id
  std::array<std::deque<Entry>, ScsiBus::kMaxIds> queue_;
  std::array<int, ScsiBus::kMaxIds> outstanding_{};
  std::array<std::vector<IoRequest*>, ScsiBus::kMaxIds> active_;  // sent (or being sent), not completed
  IoRequest* sending_ = nullptr;  // the command issue_loop is sending
  int port_outstanding_ = 0;
  uint64_t seq_ = 0, issued_ = 0, completed_ = 0;
  sc_core::sc_event work_ev_;
  std::array<LevelTracker, ScsiBus::kMaxIds> queued_lvl_, outstanding_lvl_;
};

} // namespace iosim
