#pragma once
// LSI 53C1030 channel, Fusion-MPT style (LSI 53C1030 technical manual, via
// PARAMETERS.md): the host posts the address of a request frame (<= 128 B, in
// host memory) to the request FIFO with one PIO write; the chip's I/O processor
// (ARM966E-S) fetches the frame by DMA, starts the SCSI command, and when the
// data is in host memory puts a short "context reply" in the reply FIFO and
// raises its interrupt. The host's ISR reads the interrupt status and pops the
// reply FIFO until it reads "empty" (0xFFFFFFFF), each read a PIO read.
#include "model/common/dma_port.hpp"
#include "model/common/io_pool.hpp"
#include "model/common/irq.hpp"
#include "model/hba/mpt_frames.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <deque>
#include <unordered_map>

namespace iosim {

struct Lsi53c1030Params {
  double iop_hz = 225e6;              // ARM966E-S core clock (53C1030 manual: 225 MHz)
  double iop_cycles_per_request = 4000;  // frame decode + SCSI start (estimate, ~18 us)
  double iop_cycles_per_reply = 1500;    // context reply + interrupt (estimate)
  uint32_t frame_bytes = 128;         // request frame <= 128 B (manual)
  // Reply coalescing: Fusion-MPT IOC Page 1 (MPI spec; mpi_cnfg.h
  // CONFIG_PAGE_IOC_1): Flags bit REPLY_COALESCING, CoalescingDepth (replies
  // per interrupt, an 8-bit field) and CoalescingTimeout (microseconds; Linux
  // mptbase.c caps it at MPT_COALESCING_TIMEOUT = 0x10, 16 us). The interrupt
  // is raised after `coalesce_count` replies, or `coalesce_timeout` after the
  // first reply not yet announced, whichever comes first.
  int coalesce_count = 1;             // replies per interrupt; 1 = coalescing off (paper's default)
  double coalesce_timeout_s = 0;      // max hold of a partial batch
  // Address replies (a command that did not end GOOD): reply frames in host
  // memory, handed to the chip by the driver at init and after each use
  // (written back to the reply FIFO register). Estimates: the MPI SCSI IO
  // reply is 32 B, sense data 18 B (fixed format); 32 frames per chip.
  uint64_t reply_frames_base = 0x10800000;  // host physical address (set per chip by the builder)
  uint32_t reply_frame_bytes = 32;
  uint32_t sense_bytes = 18;
  int reply_frames = 32;
  double iop_cycles_per_error_reply = 3000;  // build the reply frame + sense DMA (estimate: twice a context reply)
  bool report_errors = false;  // add error_replies to the stats (scenarios with faults)
  bool report_master_aborts = false;  // a pci_master_abort targets this chip (issue 11): add master_aborts
  // Task management (issue 11). How long the IOC waits for a target's
  // answer to ABORT TASK or TARGET RESET before it replies TASK_MGMT_FAILED:
  // estimate, 10 s (the later Fusion-MPT driver's mptscsih_get_tm_timeout for
  // parallel SCSI; the 2.4 driver's own wait was not found).
  double tm_timeout_s = 10;
  double iop_cycles_per_tm = 3000;  // decode + build the task management IU (estimate: like an error reply)
  // IOC hard reset (host reset): firmware restart and re-initialisation
  // before it takes requests again (estimate: 1 s; MPI gives no figure).
  double ioc_reset_s = 1.0;
};

namespace mpi {
// MPI_IOCSTATUS_SCSI_IO_DATA_ERROR (MPI mpi.h): what the chip reports for a
// request whose data DMA master-aborted (issue 11). Estimate: the MPI
// specification names no status for a host-bus abort; mptscsih's io_done
// maps this one, like every IOCStatus it has no case for, to DID_SOFT_ERROR,
// so the driver's view does not depend on the choice.
constexpr uint16_t kIocStatusScsiIoDataError = 0x0046;
}  // namespace mpi

// Register offsets in the chip's PCI memory BAR (Fusion-MPT system interface).
namespace mpt {
constexpr uint64_t kIntStatus = 0x30;
// Host Interrupt Mask (MPI: HostInterruptMask, bit MPI_HIM_RIM = 0x8 masks
// the reply interrupt): the hybrid driver masks it while it polls the reply
// FIFO (issue 8). While masked, replies queue without an interrupt; unmasking
// with replies queued raises it at once.
constexpr uint64_t kIntMask = 0x34;
constexpr uint32_t kReplyIntMask = 0x8;
constexpr uint64_t kRequestFifo = 0x40;
constexpr uint64_t kReplyFifo = 0x44;
constexpr uint32_t kEmpty = 0xFFFFFFFFu;
} // namespace mpt

class Lsi53c1030 : public sc_core::sc_module, public Reporter {
public:
  tlm_utils::simple_target_socket<Lsi53c1030> regs;  // the register BAR, on the PCI bus
  sc_core::sc_port<DmaPort> dma;                     // its PCI bus-master engine
  sc_core::sc_port<MptFrameIf> frames;               // request frames in host memory
  sc_core::sc_port<BlockDevice> scsi;                // its SCSI port; a command names its target id
  sc_core::sc_port<IrqIf> irq;                       // INTA#, to the host's interrupt controller
  // Task management on its SCSI port (issue 11); optional: unbound, every
  // task management request fails.
  sc_core::sc_port<ScsiTaskMgmtIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND> scsi_tm;

  SC_HAS_PROCESS(Lsi53c1030);
  Lsi53c1030(sc_core::sc_module_name name, const Lsi53c1030Params& p);

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void iop_thread();
  void dma_thread();
  void post_reply(uint32_t word);
  void error_reply(IoRequest& cmd, bool dma_aborted = false);
  void coalesce_method();
  void tm_thread();  // task management requests, one at a time
  uint64_t take_reply_frame();
  void raise_irq();  // assert INTA# (a rising edge: one interrupt)

  // The chip's own copy of a command while it is on the SCSI side.
  struct MptCommand { uint32_t context; };

  Lsi53c1030Params p_;
  IoPool commands_;
  std::deque<uint64_t> request_fifo_;
  std::deque<IoRequest*> scsi_done_;     // commands back from the bus, data still in the chip
  std::deque<uint32_t> reply_fifo_;
  std::deque<uint64_t> free_replies_;  // reply frames the driver has given the chip
  sc_core::sc_event reply_freed_ev_;
  sc_core::sc_event request_ev_, done_ev_, coalesce_ev_;
  bool irq_asserted_ = false;
  bool masked_ = false;  // HostInterruptMask's reply bit
  int unannounced_ = 0;
  LevelTracker iop_busy_, reply_busy_, outstanding_;
  uint64_t requests_ = 0, replies_ = 0, interrupts_ = 0, error_replies_ = 0;
  // Task management (issue 11).
  std::deque<MptFrame> tm_queue_;
  sc_core::sc_event tm_ev_;
  std::unordered_map<uint32_t, IoRequest*> active_;  // MsgContext -> the chip's copy, while on the SCSI side
  uint64_t tm_requests_ = 0, tm_failed_ = 0;
  uint64_t master_aborts_ = 0;  // data DMAs that master-aborted (issue 11)
};

} // namespace iosim
