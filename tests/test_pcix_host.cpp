// Host side of the PCI path: CPU PIO through the host bridge (stalling reads,
// posted writes) and DMA into host memory (bandwidth, disconnects, storage),
// plus sustained DMA efficiency per bus mode.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "tests/test_pcix_util.hpp"

using namespace pcixtest;

TEST_CASE("pcix: PIO read stalls the CPU ~1 us, a posted write returns after its CPU cost", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  // Card memory behind the card's PCI interface: 200 ns > 16 clocks, so a
  // PCI-X split read (fitted figure for the test).
  MemoryTarget card("card", {1 << 16, 200e-9, 0});
  const auto cpu = PciMasterParams::host_cpu();
  sc_time t_posted, t_stored, d_read1, d_read2;
  uint32_t v1 = 0, v2 = 0;
  card.on_write = [&](uint64_t, uint64_t) { t_stored = sc_core::sc_time_stamp(); };
  card.store32(0x80, 0xcafef00d);
  Runner r("cpu", cpu, [&](PciMaster& m) {
    m.pio_write32(kCardBase + 0x40, 0xdeadbeef);
    t_posted = sc_core::sc_time_stamp();
    sc_time t = sc_core::sc_time_stamp();
    v1 = m.pio_read32(kCardBase + 0x40);  // must see the posted write (ordering)
    d_read1 = sc_core::sc_time_stamp() - t;
    sc_core::wait(1, SC_US);
    t = sc_core::sc_time_stamp();
    v2 = m.pio_read32(kCardBase + 0x80);
    d_read2 = sc_core::sc_time_stamp() - t;
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, card, kCardBase, card.size(), "card");
  sc_core::sc_start();
  CHECK(t_posted == sc_time(cpu.posted_write_cost, SC_SEC));   // 0.2 us, no stall
  CHECK(t_stored > t_posted);                                   // the bus write lands later
  CHECK(t_stored > sc_time(cpu.host_bridge_latency / 2, SC_SEC));
  CHECK(v1 == 0xdeadbeef);
  CHECK(v2 == 0xcafef00d);
  CHECK(d_read1 > d_read2);  // the first read waited for the posted write
  // Bridge round trip + request phase + 200 ns target + split completion.
  // Split response and its turnaround overlap the target latency; the
  // completion is arbitration + address/attribute/decode + 1 data phase + turnaround.
  const double bus_part =
      (2 * p.arb_cycles + 2 * (p.addr_cycles + p.attr_cycles + p.decode_cycles) + 1 + p.turnaround_cycles) / p.clock_hz;
  CHECK(d_read2.to_seconds() >= cpu.host_bridge_latency + 200e-9 + bus_part - 1e-12);
  CHECK(d_read2.to_seconds() <= cpu.host_bridge_latency + 200e-9 + bus_part + 2 / p.clock_hz);
  CHECK(d_read2.to_seconds() == Approx(1e-6).epsilon(0.15));  // PARAMETERS.md: ~1 us
  std::printf("PIO read32 (pcix-64-133, card latency 200 ns): %.3f us; posted write CPU cost %.3f us\n",
              d_read2.to_seconds() * 1e6, t_posted.to_seconds() * 1e6);
}

// The bus returns a PIO read at its claim edge with the rest of the
// transaction as the TLM delay and releases itself at the end (no wait of its
// own): the read must still take bridge + bus + bridge, and a master asking
// during the transaction must be granted at exactly its end edge.
TEST_CASE("pcix: a master asking during a PIO read is granted at the read's end edge", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  MemoryTarget card("card", {1 << 16, 0, 0});  // answers at once: no split
  MemoryTarget ram("ram", {1 << 16, 0, 0});
  const auto cpu = PciMasterParams::host_cpu();
  const double T = 1 / p.clock_hz;
  // Edges of the read (from time 0, bus idle): request half a bridge round trip
  // in, arbitration, address / attribute / decode, one data phase, turnaround.
  const uint64_t k_req = uint64_t(std::ceil(cpu.host_bridge_latency / 2 / T - 1e-9));
  const uint64_t k0 = k_req + p.arb_cycles;
  const uint64_t k_end = k0 + p.addr_cycles + p.attr_cycles + p.decode_cycles + 1 + p.turnaround_cycles;
  card.store32(0x10, 0x600dcafe);
  uint32_t v = 0;
  Runner a("cpu", cpu, [&](PciMaster& m) { v = m.pio_read32(kCardBase + 0x10); });
  Runner b("dev", PciMasterParams::device(), [&](PciMaster& m) {
    sc_core::wait(edge(p, k_end - 1));  // while the read holds the bus
    REQUIRE(m.dma_write(0x100, 64));
  });
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, card, kCardBase, card.size(), "card");
  attach(bus, 1, ram, 0, ram.size(), "ram");
  sc_core::sc_start();
  CHECK(v == 0x600dcafe);
  CHECK(same_time(a.done_at, edge(p, k_end) + sc_time(cpu.host_bridge_latency / 2, SC_SEC)));
  // Granted at the read's end (arbitration hidden), one 64 B burst.
  CHECK(same_time(b.done_at, edge(p, k_end + write_burst_cycles(p, 64, false))));
  CHECK(bus.master_stats(1).arb_wait_s == Approx(T).epsilon(1e-6));  // asked one clock before the end
  CHECK(bus.busy_seconds() == Approx((k_end - k0 + write_burst_cycles(p, 64, false)) * T).epsilon(1e-9));
}

TEST_CASE("pcix: a full posted-write buffer stalls the CPU, writes land in order", "[pcix]") {
  PcixBus bus("bus", PcixBusParams::preset("pci-64-33"));
  MemoryTarget card("card", {1 << 16, 0, 100e-9});
  auto cpu = PciMasterParams::host_cpu();
  cpu.post_buffer_entries = 4;
  std::vector<uint64_t> order;
  card.on_write = [&](uint64_t off, uint64_t) { order.push_back(off); };
  sc_time t_issue;
  Runner r("cpu", cpu, [&](PciMaster& m) {
    for (uint32_t i = 0; i < 20; ++i) m.pio_write32(kCardBase + 4 * i, 1000 + i);
    t_issue = sc_core::sc_time_stamp();
    m.flush();
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, card, kCardBase, card.size(), "card");
  sc_core::sc_start();
  CHECK(r.pci.posted_stalls() > 0);
  CHECK(t_issue > sc_time(20 * cpu.posted_write_cost, SC_SEC));
  REQUIRE(order.size() == 20);
  for (uint32_t i = 0; i < 20; ++i) {
    CHECK(order[i] == 4 * i);
    CHECK(card.load32(4 * i) == 1000 + i);
  }
}

TEST_CASE("pcix: host memory bandwidth bounds sustained DMA writes", "[pcix]") {
  PcixBus bus("bus", PcixBusParams::preset("pcix-64-133"));
  HostMemoryParams hp;
  hp.bandwidth = 200e6;  // far below the bus: the bridge's write buffer fills
  HostMemory mem("mem", hp);
  Runner r("dma", {}, [](PciMaster& m) { REQUIRE(m.dma_write(0, 1 << 20)); });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, 0, 1ull << 32, "ram");
  sc_core::sc_start();
  const double mbps = double(1 << 20) / r.done_at.to_seconds() / 1e6;
  // Everything but the first buffer-full drains at 200 MB/s.
  CHECK(mbps == Approx(200 * 1.0 / (1 - 4096.0 / (1 << 20))).epsilon(0.02));
  CHECK(mem.bytes_written() == 1 << 20);
}

TEST_CASE("pcix: host memory stores DMA bytes only when asked", "[pcix]") {
  PcixBus bus("bus", PcixBusParams::preset("pcix-64-133"));
  HostMemoryParams keep;
  keep.store = true;
  HostMemory ram("ram", keep), bulk("bulk");
  std::vector<uint8_t> out(10000), back(10000, 1), bulk_back(256, 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = uint8_t(i * 13 + 1);
  Runner r("dma", {}, [&](PciMaster& m) {
    REQUIRE(m.dma_write(0x1234, out.size(), out.data()));  // crosses 4 KB and 512 B boundaries
    REQUIRE(m.dma_read(0x1234, back.size(), back.data()));
    REQUIRE(m.dma_write(0x2'0000'0000ull, 256, out.data()));  // above 4 GB: dual address cycle
    REQUIRE(m.dma_read(0x2'0000'0000ull, 256, bulk_back.data()));
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, ram, 0, 1ull << 32, "ram");
  attach(bus, 1, bulk, 0x2'0000'0000ull, 1ull << 32, "bulk");
  sc_core::sc_start();
  CHECK(back == out);
  std::vector<uint8_t> local(out.size());
  ram.read(0x1234, local.data(), local.size());
  CHECK(local == out);
  CHECK(std::all_of(bulk_back.begin(), bulk_back.end(), [](uint8_t b) { return b == 0; }));
  // 10000 B from 0x1234: cut at 512 B disconnects (and 4 KB) into 21 write pieces.
  CHECK(bus.master_stats(0).transactions >= 21 + 3 + 1 + 1);
}

namespace {

// Sustained DMA with 4 KB bursts into host memory with its default (fitted)
// bridge parameters; prints the achieved MB/s for the report.
void sustained(const std::string& preset) {
  const auto p = PcixBusParams::preset(preset);
  PcixBus bus("bus", p);
  HostMemory mem("mem");
  const uint64_t total = 4 << 20;
  sc_time t_w, t_r;
  Runner r("dma", {}, [&](PciMaster& m) {
    REQUIRE(m.dma_write(0, total));
    t_w = sc_core::sc_time_stamp();
    bus.reset_stats();
    REQUIRE(m.dma_read(0, total));
    t_r = sc_core::sc_time_stamp() - t_w;
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, 0, 1ull << 32, "ram");
  sc_core::sc_start();
  const double peak = p.peak_bytes_per_s() / 1e6;
  const double w = double(total) / t_w.to_seconds() / 1e6, rd = double(total) / t_r.to_seconds() / 1e6;
  std::printf("%-12s peak %7.1f MB/s  DMA write %7.1f MB/s (%4.1f%%)  DMA read %7.1f MB/s (%4.1f%%)\n",
              preset.c_str(), peak, w, 100 * w / peak, rd, 100 * rd / peak);
  CHECK(w / peak >= 0.75);
  CHECK(w / peak <= 0.98);
  CHECK(rd / peak > 0.3);
  // The bus report agrees with what the master saw.
  Stats st;
  bus.report(st, t_r.to_seconds());
  CHECK(st.get("bus.data_rate") == Approx(rd).epsilon(1e-9));
  CHECK(st.get("bus.busy") > 0);
  CHECK(st.get("bus.busy") <= 100.0 + 1e-9);
}

} // namespace

TEST_CASE("pcix: sustained DMA efficiency pcix-64-133", "[pcix]") { sustained("pcix-64-133"); }
TEST_CASE("pcix: sustained DMA efficiency pcix-64-66", "[pcix]") { sustained("pcix-64-66"); }
TEST_CASE("pcix: sustained DMA efficiency pci-64-66", "[pcix]") { sustained("pci-64-66"); }
TEST_CASE("pcix: sustained DMA efficiency pci-64-33", "[pcix]") { sustained("pci-64-33"); }
TEST_CASE("pcix: sustained DMA efficiency pci-32-66", "[pcix]") { sustained("pci-32-66"); }
TEST_CASE("pcix: sustained DMA efficiency pci-32-33", "[pcix]") { sustained("pci-32-33"); }
