// PcixBus timing against closed forms (PCI 2.3 / PCI-X 1.0 phase counts as
// parameterised in PcixBusParams), arbitration fairness, split / delayed
// reads, 4 KB cutting and decode errors.
#include <catch2/catch.hpp>

#include "tests/test_pcix_util.hpp"

using namespace pcixtest;

namespace {

// One 4 KB burst and a 64 KB DMA (16 bursts, each re-arbitrating on an idle
// bus) into a zero-latency target.
void check_write_closed_form(const std::string& preset) {
  const auto p = PcixBusParams::preset(preset);
  PcixBus bus("bus", p);
  MemoryTarget mem("mem");
  sc_time t4k, t64k;
  Runner r("dma", PciMasterParams::device(), [&](PciMaster& m) {
    REQUIRE(m.dma_write(kCardBase, 4096));
    t4k = sc_core::sc_time_stamp();
    REQUIRE(m.dma_write(kCardBase, 65536));
    t64k = sc_core::sc_time_stamp() - t4k;
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, kCardBase, mem.size(), "mem");
  sc_core::sc_start();
  REQUIRE(r.done);
  const uint64_t burst = write_burst_cycles(p, 4096);
  CHECK(burst == p.arb_cycles + p.addr_cycles + (p.pcix() ? p.attr_cycles : 0) + p.decode_cycles + 4096 / p.width_bytes + 1);
  CHECK(same_time(t4k, edge(p, burst)));
  CHECK(same_time(t64k, edge(p, 16 * burst)));
  CHECK(bus.master_stats(0).transactions == 17);
  CHECK(bus.master_stats(0).bytes == 4096 + 65536);
  INFO(preset << " 4 KB write: " << t4k.to_seconds() * 1e6 << " us");
}

} // namespace

TEST_CASE("pcix: pcix-64-133 4 KB write = overhead + 512 data phases, 64 KB = 16 bursts", "[pcix]") {
  check_write_closed_form("pcix-64-133");
  // 1 arb + 1 address + 1 attribute + 2 decode + 512 data + 1 turnaround at 7.5 ns.
  CHECK(write_burst_cycles(PcixBusParams::preset("pcix-64-133"), 4096) == 518);
}
TEST_CASE("pcix: pci-64-66: 4 KB write closed form", "[pcix]") { check_write_closed_form("pci-64-66"); }
TEST_CASE("pcix: pci-64-33: 4 KB write closed form", "[pcix]") { check_write_closed_form("pci-64-33"); }
TEST_CASE("pcix: pci-32-33: 4 KB write closed form", "[pcix]") { check_write_closed_form("pci-32-33"); }

TEST_CASE("pcix: two contending masters get fair shares at one master's total throughput", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  MemoryTarget mem("mem");
  auto body = [](uint64_t off) {
    return [off](PciMaster& m) { REQUIRE(m.dma_write(kCardBase + off, 65536)); };
  };
  Runner a("a", {}, body(0)), b("b", {}, body(0x10000));
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, kCardBase, mem.size(), "mem");
  sc_core::sc_start();
  REQUIRE((a.done && b.done));
  // FIFO arbitration alternates bursts; after the first, arbitration is hidden.
  const uint64_t hidden = write_burst_cycles(p, 4096, false);
  const sc_time last = std::max(a.done_at, b.done_at), first = std::min(a.done_at, b.done_at);
  CHECK(same_time(last, edge(p, p.arb_cycles + 32 * hidden)));
  CHECK(same_time(last - first, edge(p, hidden)));  // they finish one burst apart
  CHECK(bus.master_stats(0).bytes == 65536);
  CHECK(bus.master_stats(1).bytes == 65536);
  // Total throughput equals one master's alone (16 bursts with idle arbitration) within 1%.
  const double one = 65536 / edge(p, 16 * write_burst_cycles(p, 4096)).to_seconds();
  const double two = 131072 / last.to_seconds();
  CHECK(two == Approx(one).epsilon(0.01));
  // Each master waited about one burst per arbitration.
  const double w0 = bus.master_stats(0).arb_wait_s / bus.master_stats(0).arbitrations;
  const double w1 = bus.master_stats(1).arb_wait_s / bus.master_stats(1).arbitrations;
  CHECK(w0 == Approx(edge(p, hidden).to_seconds()).epsilon(0.1));
  CHECK(w1 == Approx(edge(p, hidden).to_seconds()).epsilon(0.1));
}

TEST_CASE("pcix: pci-x split read frees the bus for another master during target latency", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  MemoryTarget slow("slow", {1 << 16, 5e-6, 0}), fast("fast", {1 << 16, 0, 0});
  Runner a("a", {}, [](PciMaster& m) { REQUIRE(m.dma_read(kCardBase, 4096)); });
  Runner b("b", {}, [](PciMaster& m) {
    sc_core::wait(10, SC_NS);
    REQUIRE(m.dma_write(kCardBase + 0x100000, 4096));
  });
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, slow, kCardBase, 1 << 16, "slow");
  attach(bus, 1, fast, kCardBase + 0x100000, 1 << 16, "fast");
  sc_core::sc_start();
  REQUIRE((a.done && b.done));
  // A: arb + address + attribute + decode (claim at edge 6), split response +
  // turnaround: bus free at edge 8. B (waiting since 10 ns) takes it at once.
  const uint64_t head = p.addr_cycles + p.attr_cycles + p.decode_cycles;
  const uint64_t a_req_end = p.arb_cycles + head + p.split_response_cycles + p.turnaround_cycles;
  CHECK(same_time(b.done_at, edge(p, a_req_end + write_burst_cycles(p, 4096, false))));
  CHECK(b.done_at < sc_time(5, SC_US));
  // A's completion: the completer arbitrates once its 5 us latency has passed.
  const sc_time ready = edge(p, p.arb_cycles + head) + sc_time(5, SC_US);
  const uint64_t c0 = uint64_t(std::ceil(ready.to_seconds() * p.clock_hz - 1e-6)) + p.arb_cycles;
  CHECK(same_time(a.done_at, edge(p, c0 + head + 512 + p.turnaround_cycles)));
  CHECK(bus.master_stats(0).splits == 1);
}

TEST_CASE("pcix: conventional PCI read within 16 clocks holds the bus", "[pcix]") {
  const auto p = PcixBusParams::preset("pci-64-66");
  PcixBus bus("bus", p);
  const double lat = 10 / p.clock_hz;  // 10 wait states
  MemoryTarget mem("mem", {1 << 20, lat, 0});
  Runner a("a", {}, [](PciMaster& m) { REQUIRE(m.dma_read(kCardBase, 4096)); });
  Runner b("b", {}, [](PciMaster& m) {
    sc_core::wait(10, SC_NS);
    REQUIRE(m.dma_write(kCardBase + 0x10000, 4096));
  });
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, kCardBase, 1 << 20, "mem");
  sc_core::sc_start();
  const uint64_t a_end = p.arb_cycles + p.addr_cycles + p.decode_cycles + 10 + 512 + p.turnaround_cycles;
  CHECK(same_time(a.done_at, edge(p, a_end)));
  CHECK(same_time(b.done_at, edge(p, a_end + write_burst_cycles(p, 4096, false))));
  CHECK(bus.master_stats(0).splits == 0);
  CHECK(bus.master_stats(0).retries == 0);
}

TEST_CASE("pcix: conventional PCI slow read becomes a delayed transaction with retries", "[pcix]") {
  const auto p = PcixBusParams::preset("pci-64-33");
  PcixBus bus("bus", p);
  MemoryTarget slow("slow", {1 << 16, 2e-6, 0}), fast("fast", {1 << 16, 0, 0});
  uint32_t got = 0;
  slow.store32(0x40, 0x12345678);
  Runner a("a", {}, [&](PciMaster& m) { REQUIRE(m.dma_read(kCardBase + 0x40, 4, reinterpret_cast<uint8_t*>(&got))); });
  PciMasterParams small;
  small.max_burst_bytes = 256;  // 32 data phases, ~1.2 us each at 33 MHz
  Runner b("b", small, [](PciMaster& m) {
    sc_core::wait(10, SC_NS);
    REQUIRE(m.dma_write(kCardBase + 0x100000, 4096));
  });
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, slow, kCardBase, 1 << 16, "slow");
  attach(bus, 1, fast, kCardBase + 0x100000, 1 << 16, "fast");
  sc_core::sc_start();
  CHECK(got == 0x12345678);
  // A's retries interleave with B's 16 short bursts instead of holding the
  // bus for 2 us.
  CHECK(a.done_at >= sc_time(2, SC_US));
  CHECK(a.done_at < b.done_at);
  CHECK(bus.master_stats(0).retries >= 1);
  CHECK(b.done_at > edge(p, 16 * write_burst_cycles(p, 256, false)));
  CHECK(a.done_at < sc_time(2, SC_US) + edge(p, 2 * write_burst_cycles(p, 256)));
}

TEST_CASE("pcix: bursts are cut at 4 KB boundaries, each piece re-arbitrating", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  MemoryTarget mem("mem");
  PciMasterParams mp;
  mp.max_burst_bytes = 16384;  // the master would not cut it: the bus must
  std::vector<uint8_t> pattern(4096);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = uint8_t(i * 7);
  Runner r("r", mp, [&](PciMaster& m) { REQUIRE(m.dma_write(kCardBase + 0x800, 4096, pattern.data())); });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, kCardBase, mem.size(), "mem");
  sc_core::sc_start();
  CHECK(bus.master_stats(0).transactions == 2);
  CHECK(same_time(r.done_at, edge(p, 2 * write_burst_cycles(p, 2048))));
  CHECK(std::equal(pattern.begin(), pattern.end(), mem.data() + 0x800));
}

TEST_CASE("pcix: unmapped address: master abort, TLM_ADDRESS_ERROR_RESPONSE", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  MemoryTarget mem("mem");
  tlm::tlm_response_status st = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_time t_abort;
  uint32_t v = 0;
  Runner r("r", PciMasterParams::host_cpu(), [&](PciMaster& m) {
    CHECK_FALSE(m.dma_write(0x1000, 64));
    t_abort = sc_core::sc_time_stamp();
    v = m.pio_read32(0x2000);
    tlm::tlm_generic_payload gp;
    uint32_t d = 0;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(kCardBase + mem.size() - 2);  // straddles the end of the window
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&d));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    sc_time delay = sc_core::SC_ZERO_TIME;
    m.socket->b_transport(gp, delay);
    st = gp.get_response_status();
  });
  r.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, kCardBase, mem.size(), "mem");
  sc_core::sc_start();
  CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(v == 0xFFFFFFFFu);
  CHECK(r.pci.errors() == 2);
  CHECK(bus.master_stats(0).errors == 3);
  CHECK(same_time(t_abort, edge(p, p.arb_cycles + p.addr_cycles + p.master_abort_cycles + p.turnaround_cycles)));
  CHECK(mem.bus_reads() + mem.bus_writes() == 0);
}

TEST_CASE("pcix: bus rejects overlapping ranges and unknown presets", "[pcix]") {
  PcixBus bus("bus");
  bus.map(0, 0, 0x1000, "a");
  CHECK_THROWS_AS(bus.map(1, 0x800, 0x1000, "b"), std::invalid_argument);
  CHECK_THROWS_AS(PcixBusParams::preset("pci-16-8"), std::invalid_argument);
  auto p = PcixBusParams::preset("pci-32-33");
  CHECK(p.peak_bytes_per_s() == Approx(400e6 / 3));
  CHECK(PcixBusParams::preset("pcix-64-133").peak_bytes_per_s() == Approx(3200e6 / 3));
  p.width_bytes = 2;
  CHECK_THROWS_AS(p.validate(), std::invalid_argument);
}
