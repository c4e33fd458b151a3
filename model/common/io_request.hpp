#pragma once
// One I/O as it travels the path: workload -> driver -> adapter -> bus -> disk and
// back. The same object is handed down (or split into children by Raid0) so a
// reader can follow one request through every hop.
#include <systemc>
#include <cstdint>
#include <functional>

namespace iosim {

constexpr uint32_t kSectorBytes = 512;

enum class IoOp : uint8_t { Read = 0, Write = 1 };

struct IoRequest {
  uint64_t id = 0;          // unique per run (the ledger's key)
  IoOp op = IoOp::Read;
  uint64_t lba = 0;         // first 512-byte sector, in the holder's address space
  uint32_t blocks = 0;      // length in 512-byte sectors
  int target = -1;          // SCSI target id on its bus, once routed
  int status = 0;           // 0 = good; anything else is a reported error
  uint64_t host_buffer = 0; // physical address of the host buffer (DMA target)
  uint64_t tag = 0;         // owner-defined (callback pointer, queue tag, ...)
  sc_core::sc_time t_issue; // when the workload issued it
  sc_core::sc_time t_done;  // when its completion reached the issuer
  // Called exactly once, in simulation context, when this request completes at
  // the layer that was handed it. Each layer replaces it for the layer below.
  std::function<void(IoRequest&)> on_done;

  uint64_t bytes() const { return uint64_t(blocks) * kSectorBytes; }
  bool is_read() const { return op == IoOp::Read; }
};

// Anything that accepts block requests: a Disk (behind a bus), the Raid0 volume,
// a storage adapter. submit() never blocks the caller's thread; completion comes
// through req.on_done.
class BlockDevice {
public:
  virtual ~BlockDevice() = default;
  virtual void submit(IoRequest& req) = 0;
  virtual uint64_t capacity_blocks() const = 0;
};

} // namespace iosim
