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
inline uint8_t outcome(uint8_t status) { return uint8_t(status >> kOutcomeShift); }
constexpr uint32_t kBytes = 24;
}  // namespace cpl

struct Layout {
  uint32_t depth = 5000;  // records per ring (paper: 5000)
  uint64_t req_base() const { return 0; }
  uint64_t cpl_base() const { return (uint64_t(depth) * req::kBytes + 4095) / 4096 * 4096; }
  uint64_t bytes() const { return cpl_base() + (uint64_t(depth) * cpl::kBytes + 4095) / 4096 * 4096; }
  uint64_t req_rec(uint32_t i) const { return req_base() + uint64_t(i) * req::kBytes; }
  uint64_t cpl_rec(uint32_t i) const { return cpl_base() + uint64_t(i) * cpl::kBytes; }
};

template <class T> inline void put(uint8_t* p, uint32_t off, T v) { std::memcpy(p + off, &v, sizeof v); }
template <class T> inline T get(const uint8_t* p, uint32_t off) { T v; std::memcpy(&v, p + off, sizeof v); return v; }

}  // namespace iosim::ring
