// Tenure chains: a DMA into a target the bus may call ahead of time (host
// memory) is planned whole and costs its master one wait; a master asking for
// the bus meanwhile must still be granted where FIFO arbitration grants it
// with one wait per piece, at the end of the piece in flight.
#include <catch2/catch.hpp>

#include <random>

#include "tests/test_pcix_util.hpp"

using namespace pcixtest;

namespace {

// Host memory that never stalls and answers at once, so piece times follow
// the closed forms of test_pcix_util.hpp: bandwidth far above the bus (a
// 512 B piece drains in under 1 ps), no initial latency.
HostMemoryParams instant_memory() {
  HostMemoryParams hp;
  hp.bandwidth = 1e15;
  hp.write_latency = 0;
  hp.read_latency = 0;
  return hp;  // disconnect every 512 B as the x342 host bridge does
}

} // namespace

TEST_CASE("pcix chain: a master arriving mid-chain is granted at the end of the piece in flight", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus bus("bus", p);
  HostMemory mem("mem", instant_memory());
  // A writes 4 KB: eight 512 B pieces (disconnects), each re-arbitrating on an
  // idle bus: piece i is busy over [70 i + 1, 70 (i + 1)) edges.
  const uint64_t idle_piece = write_burst_cycles(p, 512), hidden_piece = write_burst_cycles(p, 512, false);
  REQUIRE(idle_piece == 70);
  // B asks in the middle of A's third piece (edges 141..210).
  const sc_time t_b = edge(p, 150) + sc_time(1, sc_core::SC_PS);
  const uint64_t e0 = 9500;  // A's second DMA starts on this edge, long after its first
  sc_time t_alone;
  Runner a("a", PciMasterParams::device(), [&](PciMaster& m) {
    // Alone, 64 KB: 128 pieces, more than one plan holds (PcixBus::kHorizon).
    // The first piece also teaches the bus that the target can be planned.
    REQUIRE(m.dma_write(0x1000, 65536));
    t_alone = sc_core::sc_time_stamp();
    sc_core::wait(edge(p, e0) - sc_core::sc_time_stamp());
    REQUIRE(m.dma_write(0x1000, 4096));
  });
  Runner b("b", PciMasterParams::device(), [&](PciMaster& m) {
    sc_core::wait(edge(p, e0) + t_b);
    REQUIRE(m.dma_write(0x20000, 512));
  });
  a.pci.socket.bind(bus.tsock);
  b.pci.socket.bind(bus.tsock);
  attach(bus, 0, mem, 0, 1 << 20, "mem");
  sc_core::sc_start();
  REQUIRE((a.done && b.done));
  // B takes the bus when A's third piece ends (arbitration hidden), A's fourth
  // piece follows B's (hidden too), the last four arbitrate on an idle bus.
  CHECK(b.done_at == edge(p, e0 + 3 * idle_piece + hidden_piece));
  CHECK(a.done_at == edge(p, e0 + 3 * idle_piece + 2 * hidden_piece + 4 * idle_piece));
  CHECK(t_alone == edge(p, 128 * idle_piece));
  CHECK(bus.chains() >= 3);
  CHECK(bus.chain_cuts() == 1);
  const auto& sa = bus.master_stats(0);
  const auto& sb = bus.master_stats(1);
  CHECK(sa.transactions == 128 + 8);
  CHECK(sa.arbitrations == 128 + 8);
  CHECK(sa.bytes == 65536 + 4096);
  CHECK(sb.transactions == 1);
  CHECK(sb.bytes == 512);
  CHECK(same_time(sc_time(sb.arb_wait_s, SC_SEC), edge(p, e0 + 3 * idle_piece) - edge(p, e0) - t_b));
  // A waited: 135 idle arbitrations of one cycle and one for B's piece.
  CHECK(same_time(sc_time(sa.arb_wait_s, SC_SEC), edge(p, 135 * p.arb_cycles + hidden_piece)));
  // Busy: every piece from its first address clock to its turnaround.
  CHECK(same_time(sc_time(bus.busy_seconds(), SC_SEC), edge(p, 137 * hidden_piece)));
  CHECK(mem.bytes_written() == 65536 + 4096 + 512);
}

// The same traffic on two buses: one into host memory (planned: each master's
// pieces interleaved with the others' as FIFO arbitration interleaves them), one
// into a plain memory target with the same timing (the bus calls it one piece
// at a time, as it always did). Finish times and statistics must agree
// exactly, whatever the contention.
TEST_CASE("pcix chain: planned chains time exactly as one wait per piece under random contention", "[pcix]") {
  const auto p = PcixBusParams::preset("pcix-64-133");
  PcixBus chained("chained", p), stepped("stepped", p);
  HostMemory hmem("hmem", instant_memory());
  MemoryTarget tmem("tmem", {1 << 20, 0, 0});  // no latency, no disconnect: bursts of 512 B below match
  PciMasterParams mp = PciMasterParams::device();
  mp.max_burst_bytes = 512;
  constexpr int kMasters = 3, kOps = 40;
  struct Op { uint64_t gap_ps, addr, bytes; bool read; };
  std::vector<std::vector<Op>> ops(kMasters);
  std::mt19937_64 rng(7);
  for (int i = 0; i < kMasters; ++i)
    for (int j = 0; j < kOps; ++j)
      // Gaps of k ns + 1 ps never fall on a 7.5 ns edge, so no request ties
      // with a piece boundary (where the order of same-time processes decides).
      // Every fifth transfer up to 64 KB: more pieces than one plan holds (PcixBus::kHorizon).
      ops[size_t(i)].push_back({(rng() % 3000) * 1000 + 1, (uint64_t(i) << 18) + (rng() % 64) * 512,
                                1 + rng() % (j % 5 == 0 ? 65536 : 8192), rng() % 4 == 0});
  std::vector<std::vector<sc_time>> done(2, std::vector<sc_time>(kMasters * kOps));
  std::vector<std::unique_ptr<Runner>> runners;
  for (int bus = 0; bus < 2; ++bus)
    for (int i = 0; i < kMasters; ++i)
      runners.emplace_back(new Runner(("m" + std::to_string(bus) + std::to_string(i)).c_str(), mp,
                                      [&, bus, i](PciMaster& m) {
                                        for (int j = 0; j < kOps; ++j) {
                                          const Op& o = ops[size_t(i)][size_t(j)];
                                          sc_core::wait(sc_time::from_value(o.gap_ps));
                                          REQUIRE((o.read ? m.dma_read(o.addr, o.bytes) : m.dma_write(o.addr, o.bytes)));
                                          done[size_t(bus)][size_t(i * kOps + j)] = sc_core::sc_time_stamp();
                                        }
                                      }));
  for (int i = 0; i < kMasters; ++i) runners[size_t(i)]->pci.socket.bind(chained.tsock);
  for (int i = 0; i < kMasters; ++i) runners[size_t(kMasters + i)]->pci.socket.bind(stepped.tsock);
  attach(chained, 0, hmem, 0, 1 << 20, "hmem");
  attach(stepped, 0, tmem, 0, 1 << 20, "tmem");
  sc_core::sc_start();
  for (auto& r : runners) REQUIRE(r->done);
  for (size_t k = 0; k < done[0].size(); ++k) {
    INFO("master " << k / kOps << " op " << k % kOps);
    CHECK(done[0][k] == done[1][k]);
  }
  for (int i = 0; i < kMasters; ++i) {
    const auto &c = chained.master_stats(i), &s = stepped.master_stats(i);
    INFO("master " << i);
    CHECK(c.bytes == s.bytes);
    CHECK(c.transactions == s.transactions);
    CHECK(c.arbitrations == s.arbitrations);
    CHECK(c.arb_wait_s == s.arb_wait_s);  // same additions in the same order
  }
  CHECK(chained.busy_seconds() == stepped.busy_seconds());
  CHECK(stepped.chains() == 0);
  CHECK(chained.chain_cuts() > 10);  // the traffic did contend mid-chain
  std::printf("random contention: %llu chains, %llu cut by another master\n",
              (unsigned long long)chained.chains(), (unsigned long long)chained.chain_cuts());
}
