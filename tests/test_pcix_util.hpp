#pragma once
// Small harness for the PCI / PCI-X tests: a module whose SC_THREAD runs one
// function against its PciMaster and records when it finished. Each TEST_CASE
// elaborates once (CTest runs each in its own process).
#include <systemc>

#include <cmath>
#include <functional>
#include <string>

#include "model/pcix/host_memory.hpp"
#include "model/pcix/memory_target.hpp"
#include "model/pcix/pci_master.hpp"
#include "model/pcix/pcix_bus.hpp"

namespace pcixtest {
using namespace iosim;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_SEC;
using sc_core::SC_US;

// Binds a target to the bus's next target socket and maps its window there.
template <class Target>
void attach(PcixBus& bus, int index, Target& t, uint64_t base, uint64_t size, const char* name) {
  bus.isock.bind(t.socket);
  bus.map(index, base, size, name);
}

struct Runner : sc_core::sc_module {
  PciMaster pci;
  std::function<void(PciMaster&)> body;
  sc_time done_at;
  bool done = false;
  SC_HAS_PROCESS(Runner);
  Runner(sc_core::sc_module_name n, const PciMasterParams& p, std::function<void(PciMaster&)> b)
      : sc_module(n), pci("pci", p), body(std::move(b)) {
    SC_THREAD(run);
  }
  void run() {
    body(pci);
    done_at = sc_core::sc_time_stamp();
    done = true;
  }
};

// Time of bus clock edge n (the bus numbers edges from 0).
inline sc_time edge(const PcixBusParams& p, uint64_t n) { return sc_time(double(n) / p.clock_hz, SC_SEC); }

// Cycles of one write burst of `bytes` (aligned, below 4 GB) into a
// zero-latency target, with arbitration paid (`arb`) or hidden.
inline uint64_t write_burst_cycles(const PcixBusParams& p, uint64_t bytes, bool arb = true) {
  return (arb ? p.arb_cycles : 0) + p.addr_cycles + (p.pcix() ? p.attr_cycles : 0) + p.decode_cycles +
         bytes / p.width_bytes + p.turnaround_cycles;
}

// Simulation times are compared to 2 ps: edges are rounded to the 1 ps resolution.
inline bool same_time(const sc_time& a, const sc_time& b) {
  return std::abs(a.to_seconds() - b.to_seconds()) < 2e-12;
}

constexpr uint64_t kCardBase = 0xF000'0000ull;  // card memory window (a BAR below 4 GB)

} // namespace pcixtest
