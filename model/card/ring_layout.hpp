#pragma once
// The two rings in card memory, record layouts in the order of the paper's
// figure 4. Request record {tail flag, status, command, logical block, size,
// buffer physical address, callback pointer}; completion record {tail flag,
// status, command, logical block, callback pointer}. Little-endian, naturally
// aligned (the host is an x86, the card an XScale in little-endian mode).
// Not in the paper: the request record also carries the request's deadline
// (nanoseconds of host time, 0 = none) and its stream (the issuer's index),
// which the firmware's continuous-media schedulers order by (issue 9; the
// paper's card served requests in arrival order). They grow the record from
// 40 to 56 bytes (8 + 4, padded to 8-byte alignment), so the host's PIO
// writes per request, and the ring's footprint in card memory, grow too.
#include <cstdint>
#include <cstring>

namespace iosim::ring {

constexpr uint8_t kInvalid = 0, kValid = 1;
constexpr uint8_t kCmdRead = 0, kCmdWrite = 1;

namespace req {  // request record: 56 bytes
constexpr uint32_t kTail = 0, kStatus = 1, kCommand = 2, kLbn = 8, kSize = 16, kBuffer = 24, kCallback = 32;
constexpr uint32_t kDeadline = 40, kStream = 48;  // issue 9 (see above); bytes 52-55 padding
constexpr uint32_t kBytes = 56;
}  // namespace req
namespace cpl {  // completion record: 24 bytes
constexpr uint32_t kTail = 0, kStatus = 1, kCommand = 2, kLbn = 8, kCallback = 16;
// The status byte (issue 11): bit 0 is the ownership bit the queue controller
// keeps (valid/invalid, what the host and firmware test); bits 4-7, plain card
// memory, carry the request's outcome, written by the firmware with the other
// fields: 0 = good, else the SCSI sense key of the piece that failed
// (kOutcomeNoSense if it had none). The host's one status read sees both.
constexpr uint8_t kOwnershipMask = 0x01, kOutcomeShift = 4, kOutcomeNoSense = 0xF;
// Not from a drive: the card's DMA of the read data ended in a PCI master
// abort (issue 11). 0xC is a sense key SPC-2 made obsolete (EQUAL), so no
// drive of the period returns it.
constexpr uint8_t kOutcomeDmaAbort = 0xC;
inline uint8_t outcome(uint8_t status) { return uint8_t(status >> kOutcomeShift); }
constexpr uint32_t kBytes = 24;
}  // namespace cpl

// The card's messaging-unit registers (issue 8: the card completing by
// interrupt), one 4 KiB page after the rings in the same BAR. Names and
// offsets of the Intel 80321 (IOP321) Messaging Unit, the I2O-style block the
// card's XScale exposes to the host (also the layout of the Fusion-MPT
// system interface: interrupt status 0x30, mask 0x34): the firmware sets the
// outbound doorbell (ODR) to announce completions; the host reads the
// outbound interrupt status (OISR), clears the doorbell by writing 1 to its
// bit (write-1-to-clear), and masks the interrupt in OIMR. INTA# is asserted
// while ODR & ~OIMR is non-zero. With the paper's polling the firmware never
// rings it and the host never touches the page.
namespace mu {
constexpr uint32_t kOdr = 0x2C, kOisr = 0x30, kOimr = 0x34;
// Issue 11 (card faults). OMR0, the IOP321's outbound message register 0
// (0x18 after IMR0 0x10, IMR1 0x14; Linux include/asm-arm/hardware/iop3xx.h):
// the firmware's heartbeat, a count it advances on every pass of its loop,
// which the host's watchdog reads. kReset is not an IOP321 register: the
// card's own board reset (a write of kResetKey pulls the XScale's reset and
// the firmware reboots), a design choice of this model.
constexpr uint32_t kOmr0 = 0x18, kReset = 0x40;
constexpr uint32_t kResetKey = 0x1;
constexpr uint32_t kDoorbell = 0x1;  // the one doorbell bit the firmware uses: "completions posted"
constexpr uint64_t kBytes = 4096;
}  // namespace mu

struct Layout {
  uint32_t depth = 5000;  // records per ring (paper: 5000)
  uint64_t req_base() const { return 0; }
  uint64_t cpl_base() const { return (uint64_t(depth) * req::kBytes + 4095) / 4096 * 4096; }
  uint64_t bytes() const { return cpl_base() + (uint64_t(depth) * cpl::kBytes + 4095) / 4096 * 4096; }
  uint64_t regs_base() const { return bytes(); }             // the messaging unit's page (mu::)
  uint64_t bar_bytes() const { return bytes() + mu::kBytes; }  // the whole BAR: rings + registers
  uint64_t req_rec(uint32_t i) const { return req_base() + uint64_t(i) * req::kBytes; }
  uint64_t cpl_rec(uint32_t i) const { return cpl_base() + uint64_t(i) * cpl::kBytes; }
};

template <class T> inline void put(uint8_t* p, uint32_t off, T v) { std::memcpy(p + off, &v, sizeof v); }
template <class T> inline T get(const uint8_t* p, uint32_t off) { T v; std::memcpy(&v, p + off, sizeof v); return v; }

}  // namespace iosim::ring
