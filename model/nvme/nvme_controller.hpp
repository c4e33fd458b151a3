#pragma once
// An NVMe SSD controller on the PCI bus model (PCIe Gen3 x4 approximated as a
// point-to-point bus with two masters, the host and this device; see
// model/nvme/README.md for what that ignores).
//
// One command's life (NVMe 1.3, 7.2 "Command submission and completion"):
//  1. the host stores a 64 B SQE in its memory and writes the SQ tail
//     doorbell (a posted PIO write into this BAR: `bar`);
//  2. the front end fetches the new SQEs by DMA (one read of the contiguous
//     new entries, up to `fetch_burst`), queue by queue in round robin
//     (NVMe's default arbitration);
//  3. per command: front-end processing (t_command), then the media: the
//     read is spread over `stripe_channels` channels, one die of the same way
//     on each; a die reads its piece (t_read) and holds it until the piece
//     has crossed its channel (piece / channel_rate). Dies and channels are
//     resources taken first come first served, planned when the command is
//     fetched (one planning step, no thread per piece);
//  4. the back end (one DMA engine, in the order the media finish) writes
//     the data into the host buffer by DMA — cut-through: it starts as the
//     data comes off the channels, early enough to end with the media at the
//     link's peak rate; t_complete (CQE build) is a pipelined latency before
//     it — then the 16 B CQE with the phase
//     tag into the host's CQ, then — if the CQ was created with interrupts
//     enabled — the MSI-X message, a posted 4 B memory write, and raises the
//     queue's vector (`msix[q]`, bound to a HostOs interrupt line).
// A CQ never overflows: the back end waits for the host's CQ head doorbell
// when the next entry would fill it (NVMe 1.3, 4.1.1).
//
// Links: bar (PCI target), dma (DmaPort), queues (NvmeQueueIf: the SQ/CQ
// contents in host memory), msix (one IrqIf per I/O queue pair).
#include "model/common/dma_port.hpp"
#include "model/common/irq.hpp"
#include "model/nvme/nvme_params.hpp"
#include "model/nvme/nvme_queues.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <queue>
#include <vector>

namespace iosim {

class NvmeController : public sc_core::sc_module, public Reporter {
public:
  tlm_utils::simple_target_socket<NvmeController> bar;  // BAR0: the doorbells
  sc_core::sc_port<DmaPort> dma;                        // its PCIe bus-master engine
  sc_core::sc_port<NvmeQueueIf> queues;                 // SQs and CQs in host memory
  sc_core::sc_port<IrqIf, 0> msix;                      // vector q: I/O queue pair q (bind one per queue)

  // Doorbells (NVMe 1.3, 3.1, DSTRD = 0): SQ y tail at 1000h + 2y*4, CQ y
  // head at 1000h + (2y+1)*4; I/O queue pair q is queue id y = q + 1 (y = 0
  // is the admin queue, not modelled).
  static constexpr uint64_t kBarBytes = 0x4000;
  static uint64_t sq_tail_doorbell(int q) { return 0x1000 + uint64_t(2 * (q + 1)) * 4; }
  static uint64_t cq_head_doorbell(int q) { return 0x1000 + uint64_t(2 * (q + 1) + 1) * 4; }
  // Where MSI-X messages are written (the x86 interrupt window 0xFEE00000 is
  // not on this bus model; the write is timed as a 4 B memory write).
  static constexpr uint64_t kMsiAddr = 0x1FFFF000ull;
  static constexpr uint32_t kFetchBurst = 8;  // SQEs per fetch DMA (estimate; NVMe arbitration burst)

  SC_HAS_PROCESS(NvmeController);
  // irq_enabled[q]: CQ q raises its MSI-X vector (interrupt mode) or not (poll queues).
  NvmeController(sc_core::sc_module_name name, const NvmeDeviceParams& p, std::vector<bool> irq_enabled);

  uint64_t capacity_blocks() const { return p_.capacity_bytes / 512; }
  const NvmeDeviceParams& params() const { return p_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Sq { uint32_t tail = 0, head = 0; };   // tail: from the doorbell; head: fetched so far
  struct Cq { uint32_t tail = 0, head = 0; bool phase = true; };  // head: from the host's doorbell
  struct Done {
    sc_core::sc_time ready;
    uint64_t seq;
    int q;
    NvmeSqe sqe;
    uint16_t sq_head;
    bool operator>(const Done& o) const { return ready != o.ready ? ready > o.ready : seq > o.seq; }
  };

  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void fetch_thread();
  void back_end_thread();
  // Plans the media for one command fetched now; returns when its data is in the controller.
  sc_core::sc_time plan_media(const NvmeSqe& e);

  NvmeDeviceParams p_;
  std::vector<bool> irq_enabled_;
  std::vector<Sq> sq_;
  std::vector<Cq> cq_;
  size_t rr_ = 0;
  std::vector<sc_core::sc_time> die_free_, chan_free_;
  double link_rate_;  // B/s, the link's peak: how fast the back end can stream
  std::priority_queue<Done, std::vector<Done>, std::greater<Done>> done_;
  uint64_t seq_ = 0;
  sc_core::sc_event doorbell_ev_, done_ev_, cq_head_ev_;
  // statistics
  uint64_t commands_ = 0, completions_ = 0, msis_ = 0, fetches_ = 0, cq_full_waits_ = 0;
  double chan_busy_s_ = 0, die_busy_s_ = 0, media_wait_s_ = 0;
  LevelTracker inflight_;
};

} // namespace iosim
