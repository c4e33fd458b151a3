#pragma once
// A 3Com 3c59x-family Fast Ethernet NIC (3c905B/C "Cyclone"/"Tornado" class,
// the chips of Morton's 3CCFE575CT) as a PCI bus master (issue 8).
//
// Transmit: the driver links download descriptors (DPDs) into a list in host
// memory (NicRings) and, if the engine had run off the end of the list,
// writes the first one's address into DownListPtr. The download engine
// reads each descriptor and its fragments by DMA (`dma`, the PCI model),
// into a transmit FIFO; the wire drains the FIFO at the link rate, each frame
// with its framing (preamble, SFD, MAC header, FCS, inter-frame gap) and
// delivers it to the far end (`wire`). A downloaded packet's descriptor asks
// for DownComplete (3c59x: TxIntrUploaded in every descriptor), raised on
// `irq` unless the line is already asserted (IntLatch: the driver's ISR
// takes every completion it finds, so interrupts per packet fall below one
// when the ISR is late), once per `tx_coalesce` packets.
// Receive: a frame from the far end (EthRxIf::receive) is uploaded by DMA
// into the next free upload buffer plus its descriptor, and UpComplete is
// raised the same way. No free upload descriptor: the frame is dropped
// (counted).
//
// Registers (the BAR, `regs`, 32-bit): kCmd (write: DownStall, DownUnstall,
// AckIntr | bits), kStatus (read: DownComplete, UpComplete, IntLatch),
// kDownListPtr (read: the descriptor the engine is at, 0 when it ran off the
// list; write: start there). Time advances by events only: one DMA per
// descriptor and one per frame, one wait per frame on the wire.
#include "model/common/dma_port.hpp"
#include "model/common/irq.hpp"
#include "model/net/net_params.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <vector>

namespace iosim {

// A receiving end of an Ethernet link: called when a frame's last bit arrived.
class EthRxIf : public virtual sc_core::sc_interface {
public:
  virtual void receive(const EthFrame& f) = 0;
};

// The NIC's descriptor lists and packet buffers in host memory (Linux's
// tx_ring / rx_ring of 3c59x.c): the driver writes them, the NIC reads them
// by DMA; their contents are kept here (what the bytes say), the DMA is timed
// on the bus. top.mem.nic_rings.
class NicRings : public sc_core::sc_module, public virtual sc_core::sc_interface {
public:
  struct TxDesc { EthFrame frame; uint32_t fragments = 1; bool irq = true; };
  NicRings(sc_core::sc_module_name name, const NicParams& p);
  static constexpr uint64_t kTxRingAddr = 0x30000000;  // host physical: descriptors
  static constexpr uint64_t kRxRingAddr = 0x30100000;
  static constexpr uint64_t kTxBufAddr = 0x30200000;   // packet data (the skbs, page cache pages)
  static constexpr uint64_t kRxBufAddr = 0x30400000;
  uint64_t tx_desc_addr(uint64_t i) const { return kTxRingAddr + (i % tx.size()) * 64; }
  std::vector<TxDesc> tx;   // by index % tx_ring
  uint64_t tx_linked = 0;   // descriptors the driver has linked into the list
  std::vector<EthFrame> rx; // by index % rx_ring
  uint64_t rx_filled = 0;   // frames the NIC has uploaded
  uint64_t rx_taken = 0;    // frames the driver has taken (and refilled their buffers)
};

class Nic : public sc_core::sc_module, public EthRxIf, public Reporter {
public:
  tlm_utils::simple_target_socket<Nic> regs;  // the register BAR, on the PCI bus
  sc_core::sc_port<DmaPort> dma;              // its bus master (PciDma)
  sc_core::sc_port<IrqIf> irq;                // INTA#
  sc_core::sc_port<NicRings> rings;           // its descriptor lists in host memory
  sc_core::sc_port<EthRxIf> wire;             // the far end of the link

  // Registers and their bits.
  static constexpr uint64_t kCmd = 0x0, kStatus = 0x4, kDownListPtr = 0x8, kBarBytes = 0x100;
  static constexpr uint32_t kDownComplete = 0x1, kUpComplete = 0x2, kIntLatch = 0x4;
  static constexpr uint32_t kDownStall = 0x10000, kDownUnstall = 0x20000, kAckIntr = 0x40000;

  SC_HAS_PROCESS(Nic);
  Nic(sc_core::sc_module_name name, const NicParams& p);
  void receive(const EthFrame& f) override;  // from the link

  const NicParams& params() const { return p_; }
  // One frame's time on the wire, framing included (s).
  double wire_time(uint32_t frame_bytes) const;
  uint64_t downloaded() const { return downloaded_total_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void download_thread();
  void wire_thread();
  void upload_thread();
  void event(uint32_t bit);  // set a status bit, raise INTA# unless asserted

  NicParams p_;
  uint32_t status_ = 0;
  bool asserted_ = false, running_ = false, stalled_ = false;
  uint64_t done_ = 0;  // descriptors downloaded
  int since_irq_ = 0;
  uint32_t fifo_used_ = 0;
  bool on_wire_ = false;       // a frame is being sent: its bytes leave the FIFO at the link rate
  sc_core::sc_time wire_start_;
  uint32_t wire_frame_ = 0;
  std::deque<EthFrame> fifo_, rx_q_;
  sc_core::sc_event kick_, fifo_freed_, fifo_ev_, rx_ev_;
  uint64_t downloaded_total_ = 0;
  // window statistics
  uint64_t tx_frames_ = 0, tx_payload_ = 0, rx_frames_ = 0, rx_dropped_ = 0, irqs_ = 0, downloads_ = 0, tx_irqs_ = 0, tx_requests_ = 0;
  double wire_busy_s_ = 0;
  sc_core::sc_time busy_since_;
};

} // namespace iosim
