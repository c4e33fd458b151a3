#pragma once
// One I/O as it travels the path: workload -> driver -> adapter -> bus -> disk and
// back. The same object is handed down (or split into children by SplitJoin) so a
// reader can follow one request through every hop.
//
// Per-hop data rides on the request as typed extensions (DRAMSys keeps its
// per-hop data as typed TLM extensions): a hop that must remember something
// about a request in flight declares a small struct and reads it back with
// req.ext<T>(); nothing is smuggled through an integer. A request split into
// pieces knows its parent (the Parent/Child pair of DRAMSys), see split_join.hpp.
#include <systemc>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <type_traits>

namespace iosim {

constexpr uint32_t kSectorBytes = 512;

enum class IoOp : uint8_t { Read = 0, Write = 1 };

// Inline storage for typed per-hop extensions: one slot per extension type,
// no heap allocation. Types get their slot index on first use (deterministic:
// the order of first use is the program's). An extension is plain data
// (trivially copyable), zero when first read.
class IoExtensions {
public:
  static constexpr unsigned kSlots = 6, kSlotBytes = 16;

  template <class T> T& get() {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= kSlotBytes && alignof(T) <= 8,
                  "an I/O extension is small plain data");
    const unsigned i = slot_of<T>();
    if (!(used_ & (1u << i))) {
      std::memset(slot_[i], 0, kSlotBytes);
      used_ |= 1u << i;
    }
    return *std::launder(static_cast<T*>(static_cast<void*>(slot_[i])));  // zeroed storage of a trivial T
  }
  template <class T> bool has() const { return used_ & (1u << slot_of<T>()); }
  template <class T> void clear() { used_ &= ~(1u << slot_of<T>()); }
  void clear_all() { used_ = 0; }

private:
  static unsigned next_slot() {
    static unsigned n = 0;
    if (n >= kSlots) throw std::logic_error("more I/O extension types than IoExtensions::kSlots");
    return n++;
  }
  template <class T> static unsigned slot_of() {
    static const unsigned i = next_slot();
    return i;
  }
  alignas(8) unsigned char slot_[kSlots][kSlotBytes];
  uint32_t used_ = 0;
};

struct IoRequest {
  uint64_t id = 0;          // unique per run (the ledger's key)
  IoOp op = IoOp::Read;
  uint64_t lba = 0;         // first 512-byte sector, in the holder's address space
  uint32_t blocks = 0;      // length in 512-byte sectors
  int target = -1;          // SCSI target id on its bus, once routed
  int status = 0;           // 0 = good; anything else is a reported error
  uint64_t host_buffer = 0; // physical address of the host buffer (DMA target)
  uint32_t origin = 0;      // the issuer's own index (its process, slot or stream)
  sc_core::sc_time t_issue; // when the workload issued it
  // When the issuer needs the data (a streaming client's period end); zero =
  // no deadline. Schedulers that order by deadline (SCAN-EDF) read it; pieces
  // inherit it from their parent (split_join.hpp).
  sc_core::sc_time deadline;
  sc_core::sc_time t_done;  // when its completion reached the issuer
  // Split/join (split_join.hpp): a piece points at the request it was cut
  // from; a parent counts the pieces still out.
  IoRequest* parent = nullptr;
  uint32_t pieces_left = 0;
  IoExtensions ext_;
  // Called exactly once, in simulation context, when this request completes at
  // the block device it was submitted to (storage side: disks, RAID0, SCSI
  // initiator ports). Host-side stacks complete through declared ports instead.
  std::function<void(IoRequest&)> on_done;

  template <class T> T& ext() { return ext_.get<T>(); }
  template <class T> bool has_ext() const { return ext_.has<T>(); }
  template <class T> void clear_ext() { ext_.clear<T>(); }
  uint64_t bytes() const { return uint64_t(blocks) * kSectorBytes; }
  bool is_read() const { return op == IoOp::Read; }
};

// Anything that accepts block requests: a Disk (behind a bus), the Raid0 volume,
// a SCSI initiator port's view of one target. submit() never blocks the caller's
// thread; completion comes through req.on_done. An sc_interface, so a component
// reaches its block device through a declared sc_port bound by the builder.
class BlockDevice : public virtual sc_core::sc_interface {
public:
  virtual void submit(IoRequest& req) = 0;
  virtual uint64_t capacity_blocks() const = 0;
};

} // namespace iosim
