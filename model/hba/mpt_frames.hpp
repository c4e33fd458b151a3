#pragma once
// Fusion-MPT request frames in host memory (LSI 53C1030 technical manual, via
// PARAMETERS.md): the driver builds a SCSI IO request frame (<= 128 B) in a
// pool of host memory and posts the frame's physical address to the chip's
// request FIFO; the chip fetches the frame by DMA and decodes it. The DMA is
// timed by the PCI model; the frame's decoded contents are kept here, keyed by
// its physical address, so driver and chip share them through declared ports
// (`sc_port<MptFrameIf> frames` on both), bound by the platform builder to one
// MptFrameMemory.
#include "model/common/io_request.hpp"

#include <systemc>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace iosim {

// The fields of an MPT SCSI IO request that the model uses.
struct MptFrame {
  IoOp op = IoOp::Read;
  int target = -1;           // TargetID
  uint64_t lba = 0;          // from the CDB
  uint32_t blocks = 0;       // from the CDB
  uint64_t buffer = 0;       // the SGL's single element
  uint32_t context = 0;      // MsgContext: returned in the context reply
  uint64_t id = 0;           // the request's id, to follow it through the chip (not a hardware field)
};

class MptFrameIf : public virtual sc_core::sc_interface {
public:
  virtual void write(uint64_t addr, const MptFrame& f) = 0;  // driver builds a frame
  virtual const MptFrame& read(uint64_t addr) const = 0;     // chip decodes a fetched frame
  virtual void free(uint64_t addr) = 0;                      // driver reuses the frame
};

class MptFrameMemory : public sc_core::sc_object, public MptFrameIf {
public:
  explicit MptFrameMemory(const char* name) : sc_object(name) {}
  void write(uint64_t addr, const MptFrame& f) override { frames_[addr] = f; }
  const MptFrame& read(uint64_t addr) const override {
    auto it = frames_.find(addr);
    if (it == frames_.end()) throw std::logic_error(std::string(name()) + ": request frame at unknown address");
    return it->second;
  }
  void free(uint64_t addr) override { frames_.erase(addr); }

private:
  std::unordered_map<uint64_t, MptFrame> frames_;
};

} // namespace iosim
