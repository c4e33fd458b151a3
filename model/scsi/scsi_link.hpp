#pragma once
// The contract between a SCSI target (Disk) and whatever connects it to its
// initiator: a ScsiBus (Ultra320, shared by up to 15 targets) or a DirectLink
// (disk validation: a private link timed by DiskSim's "bulk sector transfer
// time").
//
// Command flow, as on a real parallel SCSI bus with disconnect/reconnect:
//   initiator --(arbitrate, select, command IU)--> ScsiTarget::command(req)
//   target disconnects, works (seek, rotate, media transfer, buffer)
//   target --(arbitrate, reselect, data IUs)--> ScsiTargetLink::transfer()   (1+ times)
//   target --(status IU)--> ScsiTargetLink::complete()   => req.on_done at the initiator
#include "model/common/io_request.hpp"

namespace iosim {

class ScsiTargetLink {
public:
  virtual ~ScsiTargetLink() = default;
  // Move `bytes` of req's data between target and initiator (read: to the
  // initiator, write: from it). Must be called from an SC_THREAD: blocks it for
  // arbitration, reselection, IU overheads and the data phase. May be called
  // several times per request (the target reconnecting per buffer-full burst).
  virtual void transfer(int target_id, IoRequest& req, uint64_t bytes) = 0;
  // Status phase; after it returns, req.on_done has been called at the
  // initiator side (the request is complete). Called from an SC_THREAD.
  virtual void complete(int target_id, IoRequest& req) = 0;
};

class ScsiTarget {
public:
  virtual ~ScsiTarget() = default;
  // The command has crossed the bus (the initiator paid arbitration +
  // selection + command IU). Never blocks; the target queues it (tagged
  // command queue) and later reconnects through its ScsiTargetLink.
  virtual void command(IoRequest& req) = 0;
  virtual void attach(ScsiTargetLink* link, int target_id) = 0;
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

} // namespace iosim
