#pragma once
// The master side of a PCI / PCI-X device: builds generic payloads, cuts
// transfers into bursts and calls the bus from the caller's SC_THREAD.
//
// Two kinds of owner:
//  * a DMA engine (I/O card, LSI 53C1030): dma_write / dma_read block the
//    calling thread for the whole transfer, arbitration waits included;
//  * the host CPU behind the host bridge: pio_read stalls the CPU for the full
//    round trip (bridge + bus + target), pio_write is posted: the CPU pays only
//    `posted_write_cost` while the bridge's posting thread completes the bus
//    write later, in order. A PIO read first waits for earlier posted writes
//    (PCI ordering: a read must not pass a posted write, PCI 2.3 ch. 3).
//
// Waits: the bus returns at the claim edge of a transfer's last transaction
// with the time to its end as the TLM delay (PcixBus, "release at the end");
// a PIO read waits it together with the bridge's return half, the posting
// thread together with its wait for the next write's turn. A posted write
// leaves the buffer at its transaction's end: entries are retired lazily by
// whoever looks at the buffer (retire_due); a writer stalled on a full buffer
// or a read flushing it waits until the oldest entry's end.
//
// A DMA goes to the bus as one payload carrying a PciBurst extension (the bus
// cuts it into the master's bursts), so the bus can run it as one tenure
// chain. Payloads and posted-write entries are reused: no heap allocation per
// transfer once the model is warm.
//
// Bind `socket` to PcixBus::tsock. All calls must come from SC_THREADs.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "model/common/rng.hpp"
#include "model/fault/fault.hpp"
#include "model/pcix/pci_chain.hpp"

namespace iosim {

struct PciMasterParams {
  // Longest burst the DMA engine issues; the bus also cuts at 4 KB boundaries.
  uint64_t max_burst_bytes = 4096;
  // Longest single read request: PCI-X Maximum Memory Read Byte Count (512 B
  // after reset, drivers may raise it up to 4096; PCI-X 1.0 command register).
  uint64_t max_read_bytes = 4096;
  // CPU <-> PCI round trip through FSB and host bridge, paid by PIO reads
  // (half before the bus transaction, half after) and by posted writes on
  // their way out (the first half). Fitted so a PIO register read of the card
  // takes ~1 us in total (PARAMETERS.md, Host: "PIO read across the bus ~1 us").
  double host_bridge_latency = 0;
  // CPU time to hand one posted write to the host bridge (PARAMETERS.md:
  // "posted PIO write ~0.1-0.3 us CPU, no stall").
  double posted_write_cost = 0;
  // Host bridge posted-write buffer depth; a CPU writing into a full buffer
  // stalls until an entry drains (fitted).
  unsigned post_buffer_entries = 8;

  // Host CPU behind the host bridge (x342 defaults, fitted as above).
  static PciMasterParams host_cpu() {
    PciMasterParams p;
    p.host_bridge_latency = 0.7e-6;
    p.posted_write_cost = 0.2e-6;
    return p;
  }
  // A bus-mastering device: no bridge in front of it.
  static PciMasterParams device() { return PciMasterParams{}; }
};

class PciMaster : public sc_core::sc_module {
public:
  tlm_utils::simple_initiator_socket<PciMaster> socket;

  PciMaster(sc_core::sc_module_name name, const PciMasterParams& p = {});

  // DMA. `data` may be null: the bytes are not moved, only timed (bulk data);
  // targets see a scratch buffer. Returns false if any burst got an error
  // response (the rest of the transfer is abandoned).
  // `faultable`: an injected master abort (set_abort_fault) may strike it.
  bool dma_write(uint64_t addr, uint64_t bytes, const uint8_t* data = nullptr, bool faultable = true);
  bool dma_read(uint64_t addr, uint64_t bytes, uint8_t* data = nullptr);

  // PIO (CPU). Reads of an unmapped address return all ones, as a PCI master
  // abort does. pio_write copies `data` and returns after posted_write_cost.
  uint32_t pio_read32(uint64_t addr);
  uint64_t pio_read64(uint64_t addr);
  bool pio_read(uint64_t addr, void* data, unsigned len);
  void pio_write(uint64_t addr, const void* data, unsigned len);
  void pio_write32(uint64_t addr, uint32_t v) { pio_write(addr, &v, 4); }
  void pio_write64(uint64_t addr, uint64_t v) { pio_write(addr, &v, 8); }
  // Blocks until every posted write has completed on the bus.
  void flush();

  const PciMasterParams& params() const { return p_; }
  uint64_t errors() const { return errors_; }

  // Fault injection (issue 11, pci_master_abort): a DMA write hit by `f`
  // drives an address no target decodes — its descriptor's bit 40 set, 1 TiB
  // up, as a corrupted descriptor would (estimate of the cause; the x342 has
  // 4 GB of RAM and its windows below 4 GB) — so no target asserts DEVSEL#
  // and the bus master-aborts (PcixBus::master_abort: the address phase and
  // the 5 clocks of PCI 2.3 3.3.3.1). The transfer stops there (no data
  // moves) and the master sets Received Master Abort in its PCI status
  // register (bit 13, PCI_STATUS_REC_MASTER_ABORT, PCI 2.3 6.2.3).
  void set_abort_fault(const EventFault& f, uint64_t seed);
  static constexpr uint16_t kStatusReceivedMasterAbort = 0x2000;
  static constexpr uint64_t kAbortAddressBit = 1ull << 40;
  uint16_t pci_status() const { return pci_status_; }
  void clear_pci_status(uint16_t bits) { pci_status_ = uint16_t(pci_status_ & ~bits); }  // write 1 to clear
  uint64_t master_aborts() const { return master_aborts_; }  // received (injected or not), never reset
  uint64_t posted_stalls() const { return post_stalls_; }  // CPU found the posting buffer full

private:
  // A posted write; `bytes` keeps its capacity from one use to the next.
  // `end`: when its bus transaction ends (set once it is on the bus).
  struct Posted { uint64_t addr = 0; std::vector<uint8_t> bytes; sc_core::sc_time at_bridge, end; };
  // A payload with its burst extension, taken for one transfer (several
  // threads may use one master: the host CPUs and the posting thread).
  struct Slot {
    tlm::tlm_generic_payload gp;
    PciBurst burst;
    ~Slot() { gp.clear_extension(&burst); }  // a payload frees the extensions it still holds
  };
  // `rest` null: returns at the transfer's end; else returns early with the
  // time still to wait in *rest (the caller waits it before its next step).
  bool transfer(tlm::tlm_command cmd, uint64_t addr, uint64_t bytes, uint8_t* data, uint64_t burst,
                sc_core::sc_time* rest = nullptr);
  void poster();  // SC_THREAD: the host bridge draining its posted writes
  void retire_due();  // posted writes whose transaction has ended leave the buffer
  void wait_post();   // until the oldest posted write may have left

  PciMasterParams p_;
  sc_core::sc_time half_bridge_, post_cost_;  // from p_, converted once
  std::vector<uint8_t> scratch_;
  std::vector<std::unique_ptr<Slot>> slots_;  // all made; free_ lists the unused ones
  std::vector<Slot*> free_;
  std::vector<Posted> posted_;  // ring of post_buffer_entries from post_head_; the first post_sent_ are on the bus
  size_t post_head_ = 0, post_count_ = 0, post_sent_ = 0;
  sc_core::sc_time post_bus_free_;  // end of the last posted write sent: the next one is sent no earlier
  sc_core::sc_event post_added_, post_done_;
  bool post_watched_ = false;  // someone waits in wait_post() for the next write sent
  uint64_t errors_ = 0, post_stalls_ = 0;
  bool abort_hits();  // the fault strikes this DMA write
  EventFault abort_fault_;
  Rng abort_rng_{0, ""};
  uint16_t pci_status_ = 0;
  uint64_t master_aborts_ = 0;
};

} // namespace iosim
