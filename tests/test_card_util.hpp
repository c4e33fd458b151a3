#pragma once
// The host side of the card's request ring in tests: one request record
// written over the card's BAR (TlmHost) as AsyncDriver writes it — every
// field first, the status byte valid last — so the queue controller sees a
// whole record. Shared by the firmware, card-fault and ring-ordering tests.
#include "tests/test_harness.hpp"

#include "model/card/ring_layout.hpp"

namespace iosim::test {

struct RingRequest {
  uint8_t command = ring::kCmdRead;
  uint64_t lba = 0;
  uint32_t bytes = 4096;
  uint64_t buffer = 0;
  uint64_t callback = 0;
  uint64_t deadline_ns = 0;  // 0: none (AsyncDriver leaves it 0 without deadlines)
  uint32_t stream = 0;
};

// Writes `q` into request record `hr` of ring layout `l` and advances `hr`.
inline void post_request(TlmHost& host, const ring::Layout& l, uint32_t& hr, const RingRequest& q) {
  uint8_t rec[ring::req::kBytes] = {};
  rec[ring::req::kCommand] = q.command;
  ring::put<uint64_t>(rec, ring::req::kLbn, q.lba);
  ring::put<uint32_t>(rec, ring::req::kSize, q.bytes);
  ring::put<uint64_t>(rec, ring::req::kBuffer, q.buffer);
  ring::put<uint64_t>(rec, ring::req::kCallback, q.callback);
  ring::put<uint64_t>(rec, ring::req::kDeadline, q.deadline_ns);
  ring::put<uint32_t>(rec, ring::req::kStream, q.stream);
  REQUIRE(host.write_bytes(l.req_rec(hr) + ring::req::kCommand, rec + ring::req::kCommand,
                           ring::req::kBytes - ring::req::kCommand) == tlm::TLM_OK_RESPONSE);
  const uint8_t valid = ring::kValid;
  REQUIRE(host.write_bytes(l.req_rec(hr) + ring::req::kStatus, &valid, 1) == tlm::TLM_OK_RESPONSE);
  hr = (hr + 1) % l.depth;
}

}  // namespace iosim::test
