#pragma once
// A SCSI disk drive: tagged command queue (FCFS / SSTF / SPTF), firmware
// overheads per command type, mechanics (seek, rotation, head switch), an
// on-board buffer with read-ahead and fast writes, and disconnect/reconnect:
// the drive takes a command, works on it off the bus, then reconnects through
// its ScsiTargetLink to move the data (in max_burst_bytes pieces, paced so the
// link never outruns the media) and to return status.
//
// One SC_THREAD serves the queue; all mechanical times are computed in closed
// form (disk_mechanics), so a request costs a handful of waits, not one per sector.
#include "model/disk/disk_buffer.hpp"
#include "model/disk/disk_layout.hpp"
#include "model/disk/disk_mechanics.hpp"
#include "model/disk/disk_params.hpp"
#include "model/common/rng.hpp"
#include "model/fault/fault.hpp"
#include "model/scsi/scsi_link.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <deque>
#include <functional>

namespace iosim {

class Disk : public sc_core::sc_module, public ScsiTarget, public Reporter {
public:
  Disk(sc_core::sc_module_name name, const DiskParams& params);

  // Where the drive reconnects to move data and return status: a ScsiBus
  // (bound with bind_scsi_target, which also binds the bus's target port at
  // the drive's id) or a DirectLink (disk validation).
  sc_core::sc_port<ScsiTargetLink> link;

  // ScsiTarget
  void command(IoRequest& req) override;
  uint64_t capacity_blocks() const override { return layout_.capacity(); }
  int max_queue_depth() const override { return int(p_.queue_depth); }
  // Task management (issue 11): answered unless the firmware hangs
  // (DiskFaults::hang_at_s); the RST signal always clears the drive.
  bool abort_task(const IoRequest& cmd) override;
  bool reset_target() override;
  void bus_reset() override;
  bool holds(const IoRequest& req) const override { return &req == current_ && !current_dropped_; }
  bool hung() const;  // the firmware is stuck now (disk_hang)

  // Reporter
  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

  // Faults injected into this drive (model/fault/fault.hpp); its draws come
  // from its own stream (seed, name + ".faults"), so other draws do not move.
  void set_faults(const DiskFaults& f, uint64_t seed);
  const DiskFaults& faults() const { return faults_; }

  const DiskParams& params() const { return p_; }
  const DiskLayout& layout() const { return layout_; }
  const DiskMechanics& mechanics() const { return mech_; }
  uint64_t completed() const { return ios_; }
  uint64_t read_hits() const { return read_hits_; }  // reads served (or being served) from the buffer
  uint64_t queue_overflows() const { return overflows_; }

private:
  struct Cmd {
    IoRequest* req;
    uint64_t arrival;
  };

  void run();
  size_t choose();
  void serve(IoRequest& r);
  void serve_read(IoRequest& r, bool after_write);
  void serve_write(IoRequest& r, bool after_write);
  void serve_failed(IoRequest& r);
  // Index in [0, n) of the first unreadable block of a media read of [lba,
  // lba + n) at time t, or -1.
  int64_t first_bad(uint64_t lba, uint64_t n, double t);
  void destage(int seg);
  // Returns the offset in the range of the block the write stopped at (a
  // grown defect with AWRE off), or -1: all written.
  int64_t write_media(uint64_t lba, uint32_t n);
  int64_t first_defect(uint64_t lba, uint64_t n, double t) const;  // grown defects only (writes)
  // Stop any read-ahead at time t; the head stays where it got to.
  void stop_read_ahead(double t);
  // Head position and the time the mechanism is free, as seen at time t.
  HeadPos head_at(double t) const;
  // Send read blocks [0, n) to the initiator; ready(k): when block k is in the buffer.
  void send_read_data(IoRequest& r, const std::function<double(uint64_t)>& ready);
  // Bus connections this drive starts; their time is also the bus's, so it is
  // kept apart (link_s_) to split a command's service into drive and bus time.
  void bus_transfer(IoRequest& r, uint64_t bytes);
  void bus_complete(IoRequest& r);
  void wait_until(double t);
  static double now();
  // Drop every command the drive holds (reset): the queued ones and the one in
  // service (its remaining connections are not made).
  void drop_all();

  DiskParams p_;
  DiskLayout layout_;
  DiskMechanics mech_;
  DiskBuffer buf_;

  std::deque<Cmd> queue_;
  sc_core::sc_event cmd_ev_;
  uint64_t arrivals_ = 0;
  HeadPos head_;            // where the head is once the mechanism is free
  double mech_free_ = 0;    // when the last media plan (not a read-ahead) ends
  int filling_seg_ = -1;    // segment whose read-ahead is (maybe) still running
  bool last_write_ = false;

  // Statistics (since reset_stats).
  uint64_t ios_ = 0, reads_ = 0, read_hits_ = 0, media_ops_ = 0, overflows_ = 0;
  double seek_s_ = 0, rotate_s_ = 0, transfer_s_ = 0, link_s_ = 0;
  LevelTracker busy_, depth_;
  DiskFaults faults_;
  Rng fault_rng_{0, ""};
  LevelTracker fault_events_;  // waveform only: media errors + NOT READY answers so far
  uint64_t media_errors_ = 0, recovered_ = 0, unrecovered_ = 0, retry_revs_ = 0, not_ready_ = 0;
  uint64_t write_defects_ = 0, reassigned_ = 0, write_errors_ = 0;
  bool has_faults_ = false;
  // disk_hang and resets (issue 11).
  IoRequest* current_ = nullptr;  // the command in service
  bool current_dropped_ = false;  // ... aborted or reset meanwhile: no more connections for it
  bool hang_cleared_ = false;     // a bus reset ended the hang (recover_on_reset)
  sc_core::sc_event reset_ev_;
  LevelTracker hung_;             // waveform only: 1 while the firmware hangs with commands held
  uint64_t dropped_ = 0, tm_answered_ = 0, tm_ignored_ = 0, bus_resets_ = 0;
};

} // namespace iosim
