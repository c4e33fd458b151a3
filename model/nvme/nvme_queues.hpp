#pragma once
// The NVMe submission and completion queues, in HOST memory (NVMe 1.3, 4.1):
// the driver stores 64-byte submission queue entries (SQEs) with CPU stores
// and rings the SQ tail doorbell; the controller fetches them by DMA. The
// controller writes 16-byte completion queue entries (CQEs) by DMA, each with
// the phase tag that flips on every pass over the ring, so the host can see a
// new entry without reading a device register (NVMe 1.3, 4.6).
//
// Timing is not here: the DMA that fetches an SQE or writes a CQE is timed on
// the bus by the controller (its DmaPort); this module holds the contents, as
// MptFrameMemory does for the LSI HBA's request frames. A CQE becomes visible
// at `cqe_written()` (the driver's snoop of its CQ lines, below), when the
// controller's DMA write of it has ended.
#include <systemc>

#include <cstdint>
#include <vector>

namespace iosim {

// The fields of an SQE the model uses (NVMe 1.3, 4.2 and 6.9, Read command).
struct NvmeSqe {
  uint8_t opcode = 0x02;  // 02h Read
  uint16_t cid = 0;       // command identifier (CDW0 bits 31:16)
  uint32_t nsid = 1;
  uint64_t prp1 = 0;      // data buffer (host physical); PRP2/lists not modelled (<= one page + offset)
  uint64_t slba = 0;      // CDW10-11
  uint32_t nlb = 0;       // CDW12 bits 15:0, 0-based number of logical blocks (512 B here)
};

// The fields of a CQE (NVMe 1.3, 4.6).
struct NvmeCqe {
  uint16_t sq_head = 0;  // DW2: how far the controller has consumed the SQ
  uint16_t sq_id = 0;
  uint16_t cid = 0;      // DW3
  bool phase = false;    // P bit
  uint16_t status = 0;   // SC/SCT, 0 = success
};

class NvmeQueueIf : public virtual sc_core::sc_interface {
public:
  virtual void write_sqe(int q, uint32_t slot, const NvmeSqe& e) = 0;     // host CPU store
  virtual NvmeSqe read_sqe(int q, uint32_t slot) const = 0;               // controller, after its DMA read
  virtual void write_cqe(int q, uint32_t slot, const NvmeCqe& e) = 0;     // controller, at its DMA write's end
  virtual NvmeCqe read_cqe(int q, uint32_t slot) const = 0;               // host CPU load
  virtual const sc_core::sc_event& cqe_written() const = 0;               // any CQ got an entry (this delta)
  virtual uint32_t entries() const = 0;
};

class NvmeQueueMemory : public sc_core::sc_module, public NvmeQueueIf {
public:
  NvmeQueueMemory(sc_core::sc_module_name name, int queues, uint32_t entries);

  void write_sqe(int q, uint32_t slot, const NvmeSqe& e) override;
  NvmeSqe read_sqe(int q, uint32_t slot) const override;
  void write_cqe(int q, uint32_t slot, const NvmeCqe& e) override;
  NvmeCqe read_cqe(int q, uint32_t slot) const override;
  const sc_core::sc_event& cqe_written() const override { return cqe_ev_; }
  uint32_t entries() const override { return entries_; }

  // Host physical addresses of the rings (what the controller's DMA is timed against).
  static uint64_t sq_addr(int q, uint32_t slot) { return 0x20000000ull + uint64_t(q) * 0x100000 + uint64_t(slot) * 64; }
  static uint64_t cq_addr(int q, uint32_t slot) { return 0x30000000ull + uint64_t(q) * 0x100000 + uint64_t(slot) * 16; }

private:
  void check(int q, uint32_t slot) const;
  uint32_t entries_;
  std::vector<std::vector<NvmeSqe>> sq_;
  std::vector<std::vector<NvmeCqe>> cq_;
  sc_core::sc_event cqe_ev_;
};

} // namespace iosim
