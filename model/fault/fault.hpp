#pragma once
// Fault injection (issue 11, deliverable 2): what a scenario's
// `faults:` section asks of one disk, and how an error is written on an
// IoRequest on its way back to the issuer.
//
// IoRequest::status:
//   0    good;
//   > 0  a SCSI status from the target: byte 0 the status byte (02h CHECK
//        CONDITION), bytes 1-3 the fixed-format sense data's sense key, ASC and
//        ASCQ (SPC-2 4.5.3) — what a host adapter's autosense returns;
//   < 0  a host stack's errno: -EIO (-5) once the Linux 2.4 block layer or the
//        card's driver has ended the request in error (end_request(0)).
#include "model/common/enum_names.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace iosim {

enum class FaultKind { MediaError, DiskFailure, DiskHang, FirmwareStall, LostRingUpdate, PciMasterAbort };
template <> struct EnumNames<FaultKind> {
  static constexpr std::array<std::pair<FaultKind, const char*>, 6> table{
      {{FaultKind::MediaError, "media_error"}, {FaultKind::DiskFailure, "disk_failure"},
       {FaultKind::DiskHang, "disk_hang"}, {FaultKind::FirmwareStall, "firmware_stall"},
       {FaultKind::LostRingUpdate, "lost_ring_update"}, {FaultKind::PciMasterAbort, "pci_master_abort"}}};
};
// The kinds whose target is the paper's card (deliverable 2, card side).
constexpr bool is_card_fault(FaultKind k) {
  return k == FaultKind::FirmwareStall || k == FaultKind::LostRingUpdate || k == FaultKind::PciMasterAbort;
}

namespace scsi {
constexpr int kGood = 0x00;
constexpr int kCheckCondition = 0x02;      // SAM-2 status byte
constexpr int kSenseNotReady = 0x2;        // SPC-2 sense keys
constexpr int kSenseMediumError = 0x3;
constexpr int kAscNotReady = 0x04;         // LOGICAL UNIT NOT READY (ASCQ 00h: cause not reportable)
constexpr int kAscUnrecoveredRead = 0x11;  // UNRECOVERED READ ERROR (ASCQ 00h)
constexpr int kAscWriteError = 0x0C;       // WRITE ERROR (ASCQ 00h)

constexpr int check_condition(int key, int asc, int ascq = 0) {
  return kCheckCondition | (key << 8) | (asc << 16) | (ascq << 24);
}
// A command the initiator ended itself, with no SCSI status from the target
// (aborted by ABORT TASK, dropped by a TARGET RESET or a bus reset): the
// Linux 2.4 host byte (drivers/scsi/scsi.h DID_TIME_OUT 03h, DID_ABORT 05h,
// DID_RESET 08h, DID_SOFT_ERROR 0Bh), written as -(256 + host byte) so it is
// neither a status byte (> 0) nor an errno (-1..-255). DID_SOFT_ERROR: what
// mptscsih sets for an IOCStatus it has no case for (the LSI chip's
// IO_DATA_ERROR after a PCI master abort on its DMA).
constexpr int kDidTimeOut = 0x03;
constexpr int kDidAbort = 0x05;
constexpr int kDidReset = 0x08;
constexpr int kDidSoftError = 0x0B;
constexpr int host_status(int did) { return -(256 + did); }
constexpr int host_byte(int status) { return status <= -256 ? -status - 256 : 0; }
constexpr int status_byte(int status) { return status > 0 ? status & 0xff : 0; }
constexpr int sense_key(int status) { return status > 0 ? (status >> 8) & 0xf : 0; }
constexpr int asc(int status) { return status > 0 ? (status >> 16) & 0xff : 0; }
}  // namespace scsi

constexpr int kStatusEio = -5;  // -EIO (Linux asm/errno.h: EIO 5)

// One disk's faults, filled by the scenario loader from its `faults:` entries.
struct DiskFaults {
  // media_error: each sector read from the media is unreadable with this
  // probability (a fresh draw per read: a soft error), and the listed blocks
  // (LBAs on this disk) are unreadable at every read (grown defects); from
  // `media_from_s` on. A write over a grown defect cannot be done in place
  // (the sector's servo/ID field is unreadable: a write is not read back, so
  // soft errors do not touch writes); what the drive does then is `awre`.
  double sector_probability = 0;
  std::vector<uint64_t> bad_blocks;  // sorted, unique
  double media_from_s = 0;
  // The drive re-reads an unreadable sector once per revolution, `retries`
  // times (mode page 01h READ RETRY COUNT). Default: 63, the Fujitsu
  // MBA3xxxNC/NP (an Ultra320 10k/15k rpm drive of the paper's time) product
  // manual's default read retry count; the Cheetah's own value was not found.
  int retries = 63;
  // Probability that the retries recover the sector; it is recovered on a
  // retry drawn uniformly from 1..retries (estimate: no source gives the
  // distribution). Otherwise CHECK CONDITION, MEDIUM ERROR 11h/00h after all
  // `retries` revolutions.
  double recover = 0;
  // AWRE, mode page 01h (automatic write reallocation; SBC-2 6.3.4): on, the
  // drive reassigns a defective block a write meets to a spare sector and
  // writes it there (the block is then good: off the defect list), taking
  // `reassign_revs` revolutions more per block; off, it tries the sector
  // `retries` more revolutions, then ends the write with CHECK CONDITION,
  // MEDIUM ERROR 03h, ASC 0Ch/00h (WRITE ERROR) at the defect. On by default:
  // the mode page's default on the drives of the paper's time (Seagate Cheetah
  // and Fujitsu MBA3 product manuals list AWRE default 1; estimate for the
  // Cheetah 15K.3 whose table was not read).
  bool awre = true;
  // Revolutions per reassigned block: one to write the spare sector on the
  // same cylinder, one to record the block in the grown defect list (G-list)
  // (estimate: no manual gives the reassignment's time).
  int reassign_revs = 2;
  // disk_failure: from this time on every command ends in CHECK CONDITION,
  // NOT READY 04h/00h (a drive whose spindle or servo has failed still answers
  // on the bus; one that answers nothing is a disk_hang, below, which the
  // stacks' command timeouts recover from). Commands already in service finish.
  double fail_at_s = std::numeric_limits<double>::infinity();
  // disk_hang: from `hang_at_s` on the drive's firmware is stuck: its bus
  // interface still accepts commands (selection, command IU) but nothing is
  // served, answered or reconnected, and task management that needs the
  // firmware (ABORT TASK, TARGET RESET) gets no response. At `hang_until_s`
  // (at + duration; infinity = forever) it works again and serves what it
  // holds. The RST signal (a bus reset) clears every command it holds; with
  // `recover_on_reset` it also ends the hang (the reset restarts the firmware).
  double hang_at_s = std::numeric_limits<double>::infinity();
  double hang_until_s = std::numeric_limits<double>::infinity();
  bool recover_on_reset = false;

  bool any() const {
    return sector_probability > 0 || !bad_blocks.empty() || fail_at_s != std::numeric_limits<double>::infinity() ||
           hang_at_s != std::numeric_limits<double>::infinity();
  }
};

// A fault that strikes once at a time or at each event with a probability
// (lost_ring_update: per completion posted; pci_master_abort: per DMA).
struct EventFault {
  double probability = 0;                                   // per event, from `from_s` on
  double at_s = std::numeric_limits<double>::infinity();    // the first event at or after this time (once)
  double from_s = 0;
  bool any() const { return probability > 0 || at_s != std::numeric_limits<double>::infinity(); }
};

// The card's faults, filled by the builder from the scenario's card entries
// (model/card/README.md, "Faults").
struct CardFaults {
  // firmware_stall: the embedded CPU stops at `at_s` for `duration_s`
  // (infinity: until the host resets the card). Several stalls, sorted.
  struct Stall { double at_s = 0; double duration_s = std::numeric_limits<double>::infinity(); };
  std::vector<Stall> stalls;
  EventFault lost_update;   // the firmware's completion push never reaches the queue controller
  EventFault master_abort;  // the card's DMA write to host memory gets no DEVSEL#
  bool any() const { return !stalls.empty() || lost_update.any() || master_abort.any(); }
};

}  // namespace iosim
