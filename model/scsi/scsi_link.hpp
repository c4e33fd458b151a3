#pragma once
// The SCSI protocol's interfaces, one per direction of each link (as VCML
// pairs an initiator and a target socket per protocol). Every one is an
// sc_interface reached through a port declared in the component's header and
// bound by the platform builder (sim/platform.cpp):
//
//   ScsiInitiator::bus ------ ScsiBusIf ------> ScsiBus      (commands, task management, RST)
//   ScsiBus::initiators[id] -- ScsiInitiatorPort -> ScsiInitiator (completions)
//   ScsiBus::targets[id] ----- ScsiTarget -----> Disk          (commands delivered, TMFs)
//   Disk::link -------------- ScsiTargetLink --> ScsiBus or DirectLink (data, status)
//
// A target (Disk) is reached through a ScsiBus (Ultra320, shared by up to 15
// targets) or a DirectLink (disk validation: a private link timed by
// DiskSim's "bulk sector transfer time"). Command flow, as on a real parallel
// SCSI bus with disconnect/reconnect:
//   initiator --(arbitrate, select, command IU)--> ScsiTarget::command(req)
//   target disconnects, works (seek, rotate, media transfer, buffer)
//   target --(arbitrate, reselect, data IUs)--> ScsiTargetLink::transfer()   (1+ times)
//   target --(status IU)--> ScsiTargetLink::complete()   => the initiator's command_complete
// req.target carries the SCSI id of the target from the initiator on.
#include "model/common/io_request.hpp"

#include <systemc>

namespace iosim {

class ScsiTargetLink : public virtual sc_core::sc_interface {
public:
  // Move `bytes` of req's data between target and initiator (read: to the
  // initiator, write: from it). Must be called from an SC_THREAD: blocks it for
  // arbitration, reselection, IU overheads and the data phase. May be called
  // several times per request (the target reconnecting per buffer-full burst).
  virtual void transfer(int target_id, IoRequest& req, uint64_t bytes) = 0;
  // Status phase; after it returns, req.on_done has been called at the
  // initiator side (the request is complete). Called from an SC_THREAD.
  virtual void complete(int target_id, IoRequest& req) = 0;
};

class ScsiTarget : public virtual sc_core::sc_interface {
public:
  // The command has crossed the bus (the initiator paid arbitration +
  // selection + command IU). Never blocks; the target queues it (tagged
  // command queue) and later reconnects through its ScsiTargetLink.
  virtual void command(IoRequest& req) = 0;
  virtual uint64_t capacity_blocks() const = 0;
  virtual int max_queue_depth() const = 0;  // tagged queue limit

  // Task management (issue 11; SAM-2 task management functions, delivered by
  // the bus in a connection of their own). Each returns whether the target
  // answered (FUNCTION COMPLETE); a target whose firmware does not respond
  // answers nothing and the initiator's own timeout decides. A command the
  // target drops is never reconnected for: the initiator returns it to its
  // issuer. Targets without task management (test fakes) answer nothing.
  // ABORT TASK: drop `cmd` (answered also when it is no longer there).
  virtual bool abort_task(const IoRequest& cmd) { (void)cmd; return false; }
  // TARGET RESET: drop every command this target holds.
  virtual bool reset_target() { return false; }
  // The RST signal (a bus reset, SPI-4 hard reset): drop every command; no answer.
  virtual void bus_reset() {}
  // Whether `req` is still a command of this target's (asked by the bus when a
  // reconnection's connection ends: one for a command dropped meanwhile is void).
  virtual bool holds(const IoRequest& req) const { (void)req; return true; }
};

// The bus as an initiator port sees it (the initiator's `bus` port).
class ScsiBusIf : public virtual sc_core::sc_interface {
public:
  // From an SC_THREAD: arbitrate, select req.target, send the L_Q + command
  // IU, disconnect, then ScsiTarget::command(req). False if a reset of the
  // target came while it waited for the bus: the command was not sent (the
  // initiator has already returned it to its issuer).
  virtual bool send_command(int initiator_id, IoRequest& req) = 0;
  // Task management (issue 11), from an SC_THREAD: one connection
  // (arbitration, selection, an L_Q + command IU carrying the function, SPI-4
  // packetized), then the target's answer (a status L_Q in the same
  // connection). Returns whether the target answered (ScsiTarget).
  enum class Tmf { AbortTask, TargetReset };
  virtual bool task_mgmt(int initiator_id, int target, Tmf f, const IoRequest* cmd) = 0;
  // The RST signal, asserted by `initiator_id` from an SC_THREAD: every
  // target drops every command (ScsiTarget::bus_reset).
  virtual void reset(int initiator_id) = 0;
  // The target bound at SCSI id `id` (nullptr if none). Valid once
  // elaboration has bound the ports (end_of_elaboration on).
  virtual ScsiTarget* target(int id) const = 0;
};

// The initiator as the bus sees it: where the status of each command it sent
// arrives (the bus's `initiators[id]` port).
class ScsiInitiatorPort : public virtual sc_core::sc_interface {
public:
  virtual void command_complete(IoRequest& req) = 0;
};

} // namespace iosim
