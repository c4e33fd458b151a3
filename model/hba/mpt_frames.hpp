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
  // Task management (issue 11): Function MPI_FUNCTION_SCSI_TASK_MGMT (01h)
  // instead of SCSI_IO_REQUEST (00h); TaskType; TaskMsgContext (the
  // MsgContext of the command to abort).
  uint8_t function = 0;
  uint8_t task_type = 0;
  uint32_t task_context = 0;
};

// An address reply (MPI SCSI IO reply frame, 32 B, plus the sense data the
// chip writes into the request's sense buffer): what the chip posts instead of
// a context reply when a command did not end GOOD. The reply FIFO word then
// has its A bit set and holds the frame's address >> 1 (MPI: address replies).
struct MptReply {
  uint32_t context = 0;      // MsgContext of the request
  uint16_t ioc_status = 0;   // IOCStatus
  uint8_t scsi_status = 0;   // SCSIStatus (02h CHECK CONDITION)
  uint8_t scsi_state = 0;    // SCSIState (01h AUTOSENSE_VALID)
  int sense = 0;             // the sense data, as IoRequest::status encodes it (model/fault/fault.hpp)
  uint8_t function = 0;      // Function: 00h SCSI IO reply, 01h task management reply
};

namespace mpi {
constexpr uint32_t kAddressReplyBit = 0x80000000u;    // MPI_ADDRESS_REPLY_A_BIT
constexpr uint16_t kIocStatusSuccess = 0x0000;        // MPI_IOCSTATUS_SUCCESS
constexpr uint16_t kIocStatusScsiDataUnderrun = 0x0045;  // MPI_IOCSTATUS_SCSI_DATA_UNDERRUN: fewer bytes than asked
constexpr uint16_t kIocStatusScsiDeviceNotThere = 0x0043;  // MPI_IOCSTATUS_SCSI_DEVICE_NOT_THERE (unused here)
constexpr uint8_t kScsiStateAutosenseValid = 0x01;    // MPI_SCSI_STATE_AUTOSENSE_VALID
// Task management (issue 11; MPI mpi.h / mpi_init.h).
constexpr uint8_t kFunctionScsiIo = 0x00;              // MPI_FUNCTION_SCSI_IO_REQUEST
constexpr uint8_t kFunctionTaskMgmt = 0x01;            // MPI_FUNCTION_SCSI_TASK_MGMT
constexpr uint8_t kTaskAbortTask = 0x01;               // MPI_SCSITASKMGMT_TASKTYPE_ABORT_TASK
constexpr uint8_t kTaskTargetReset = 0x03;             // MPI_SCSITASKMGMT_TASKTYPE_TARGET_RESET
constexpr uint8_t kTaskResetBus = 0x04;                // MPI_SCSITASKMGMT_TASKTYPE_RESET_BUS
// Not an MPI task type: mptscsih's host reset is an IOC hard reset
// (mpt_HardResetHandler, through the diagnostic register); the model takes
// it as one more request on the same path.
constexpr uint8_t kTaskIocReset = 0xF0;
constexpr uint16_t kIocStatusScsiTaskTerminated = 0x0048;  // MPI_IOCSTATUS_SCSI_TASK_TERMINATED (aborted)
constexpr uint16_t kIocStatusScsiTaskMgmtFailed = 0x004A;  // MPI_IOCSTATUS_SCSI_TASK_MGMT_FAILED (mpi.h; 0x0049 is RESIDUAL_MISMATCH)
constexpr uint16_t kIocStatusScsiIocTerminated = 0x004B;   // MPI_IOCSTATUS_SCSI_IOC_TERMINATED (reset)
}  // namespace mpi

class MptFrameIf : public virtual sc_core::sc_interface {
public:
  // Reply frames (host memory the driver gave the chip): the chip fills one,
  // the driver reads it and gives the frame back.
  virtual void write_reply(uint64_t addr, const MptReply& r) = 0;
  virtual MptReply take_reply(uint64_t addr) = 0;
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
  void write_reply(uint64_t addr, const MptReply& r) override { replies_[addr] = r; }
  MptReply take_reply(uint64_t addr) override {
    auto it = replies_.find(addr);
    if (it == replies_.end()) throw std::logic_error(std::string(name()) + ": reply frame at unknown address");
    const MptReply r = it->second;
    replies_.erase(it);
    return r;
  }

private:
  std::unordered_map<uint64_t, MptFrame> frames_;
  std::unordered_map<uint64_t, MptReply> replies_;
};

} // namespace iosim
