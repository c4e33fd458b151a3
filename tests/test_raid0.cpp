// Raid0: mapping against closed forms and a brute-force layout, splitting at
// stripe boundaries, capacity, and the volume completing each parent once.
#include <catch2/catch.hpp>

#include "model/common/rng.hpp"
#include "model/raid/raid0.hpp"

#include <map>
#include <stdexcept>
#include <vector>

using namespace iosim;

namespace {
// Records pieces; the test completes them by hand, in any order.
struct HeldDevice : BlockDevice {
  uint64_t cap;
  std::vector<IoRequest*> held;
  explicit HeldDevice(uint64_t c) : cap(c) {}
  void submit(IoRequest& r) override { held.push_back(&r); }
  uint64_t capacity_blocks() const override { return cap; }
};

// Brute force: lay the stripe units out one by one (unit u goes to the next
// free unit of member u % N), look every block up, merge runs into pieces.
std::vector<Raid0Piece> brute(uint32_t n, uint64_t sb, uint64_t member_units, uint64_t lba, uint32_t blocks) {
  std::vector<std::pair<uint32_t, uint64_t>> unit_home;  // unit -> (member, member unit)
  std::vector<uint64_t> next(n, 0);
  for (uint64_t u = 0; u < n * member_units; ++u) unit_home.push_back({uint32_t(u % n), next[u % n]++});
  std::vector<Raid0Piece> out;
  for (uint32_t k = 0; k < blocks; ++k) {
    const uint64_t b = lba + k;
    const auto [m, mu] = unit_home[b / sb];
    const uint64_t mlba = mu * sb + b % sb;
    if (!out.empty() && out.back().member == m && out.back().member_lba + out.back().blocks == mlba &&
        b % sb != 0) {
      ++out.back().blocks;
    } else {
      out.push_back(Raid0Piece{m, mlba, 1, k});
    }
  }
  return out;
}
} // namespace

TEST_CASE("raid0 geometry: min member, whole stripe units", "[raid]") {
  // Paper: 8192 KB stripe unit = 16384 sectors.
  const auto g = make_raid0_geometry({100000, 70000, 90000}, 8192 * 1024);
  CHECK(g.stripe_blocks == 16384);
  CHECK(g.member_capacity_blocks == 65536);  // 70000 truncated to 4 whole units
  CHECK(g.capacity_blocks() == 3 * 65536);
  CHECK_THROWS_AS(make_raid0_geometry({1000}, 1000), std::invalid_argument);
  CHECK_THROWS_AS(make_raid0_geometry({}, 4096), std::invalid_argument);
}

TEST_CASE("raid0 mapping: closed forms at and across stripe boundaries", "[raid]") {
  const auto g = make_raid0_geometry({800, 800, 800, 800}, 8 * 512);  // 4 members, 8-block units, 100 units each
  REQUIRE(g.capacity_blocks() == 3200);
  // Inside one unit: unit 5 -> member 1, member unit 1.
  CHECK(raid0_map(g, 42, 3) == std::vector<Raid0Piece>{{1, 10, 3, 0}});
  // Exactly one whole unit.
  CHECK(raid0_map(g, 40, 8) == std::vector<Raid0Piece>{{1, 8, 8, 0}});
  // Crossing one boundary: 6 blocks in unit 4 (member 0), 4 in unit 5 (member 1).
  CHECK(raid0_map(g, 34, 10) == std::vector<Raid0Piece>{{0, 10, 6, 0}, {1, 8, 4, 6}});
  // Crossing several, wrapping past the last member back to member 0.
  CHECK(raid0_map(g, 22, 30) ==
        std::vector<Raid0Piece>{{2, 6, 2, 0}, {3, 0, 8, 2}, {0, 8, 8, 10}, {1, 8, 8, 18}, {2, 8, 4, 26}});
  // Last member, last block of the volume.
  CHECK(raid0_map(g, 3199, 1) == std::vector<Raid0Piece>{{3, 799, 1, 0}});
  CHECK(raid0_map(g, 3192, 8) == std::vector<Raid0Piece>{{3, 792, 8, 0}});
  CHECK(raid0_map(g, 3200, 0).empty());
  CHECK_THROWS_AS(raid0_map(g, 3199, 2), std::out_of_range);
  CHECK_THROWS_AS(raid0_map(g, 5000, 1), std::out_of_range);
}

TEST_CASE("raid0 mapping: random requests agree with a brute-force layout", "[raid]") {
  Rng rng(7, "raid0.random");
  for (int trial = 0; trial < 300; ++trial) {
    const uint32_t n = uint32_t(1 + rng.below(6));
    const uint64_t sb = 1 + rng.below(24);
    const uint64_t units = 1 + rng.below(12);
    std::vector<uint64_t> caps;
    for (uint32_t m = 0; m < n; ++m) caps.push_back(units * sb + rng.below(sb));  // ragged tails
    const auto g = make_raid0_geometry(caps, sb * 512);
    REQUIRE(g.member_capacity_blocks == units * sb);
    const uint64_t cap = g.capacity_blocks();
    const uint64_t lba = rng.below(cap);
    const uint32_t blocks = uint32_t(1 + rng.below(cap - lba));
    const auto pieces = raid0_map(g, lba, blocks);
    CHECK(pieces == brute(n, sb, units, lba, blocks));
    uint64_t sum = 0;
    for (auto& p : pieces) {
      CHECK(p.member_lba + p.blocks <= g.member_capacity_blocks);
      CHECK(p.blocks <= sb);
      sum += p.blocks;
    }
    CHECK(sum == blocks);
  }
}

TEST_CASE("raid0 volume: parent completes once, after every piece, with the first error", "[raid]") {
  HeldDevice d0(1000), d1(1000), d2(1000);
  Raid0Volume vol("raid", {1000, 1000, 1000}, 8 * 512);
  for (auto* d : {&d0, &d1, &d2}) vol.members.bind(*d);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate: bind the ports
  CHECK(vol.capacity_blocks() == 3 * 1000 / 8 * 8);

  IoRequest parent;
  parent.id = 9;
  parent.lba = 4;
  parent.blocks = 20;  // pieces: 4 on d0, 8 on d1, 8 on d2
  parent.host_buffer = 0x10000;
  int calls = 0;
  parent.on_done = [&](IoRequest&) { ++calls; };
  vol.submit(parent);
  REQUIRE(d0.held.size() == 1);
  REQUIRE(d1.held.size() == 1);
  REQUIRE(d2.held.size() == 1);
  CHECK(d1.held[0]->host_buffer == 0x10000 + 4 * 512);
  CHECK(d2.held[0]->id == 9);
  CHECK(vol.in_flight() == 1);

  // Complete out of order; two pieces fail, the first to complete sets status.
  d2.held[0]->status = 5;
  d2.held[0]->on_done(*d2.held[0]);
  CHECK(calls == 0);
  d0.held[0]->status = 7;
  d0.held[0]->on_done(*d0.held[0]);
  CHECK(calls == 0);
  d1.held[0]->on_done(*d1.held[0]);
  CHECK(calls == 1);
  CHECK(parent.status == 5);
  CHECK(vol.in_flight() == 0);

  Stats st;
  vol.report(st, 1.0);
  CHECK(st.get("raid.requests_split") == 1);
  CHECK(st.get("raid.pieces") == 3);

  // Out of range: completes at once with CHECK CONDITION.
  IoRequest bad;
  bad.lba = vol.capacity_blocks();
  bad.blocks = 1;
  int bad_calls = 0;
  bad.on_done = [&](IoRequest&) { ++bad_calls; };
  vol.submit(bad);
  CHECK(bad_calls == 1);
  CHECK(bad.status == kStatusCheckCondition);
}

TEST_CASE("raid0 volume: a completion callback may resubmit at once", "[raid]") {
  HeldDevice d0(64), d1(64);
  Raid0Volume vol("raid", {64, 64}, 4 * 512);
  vol.members.bind(d0);
  vol.members.bind(d1);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  IoRequest r;
  r.lba = 0;
  r.blocks = 4;
  int done = 0;
  r.on_done = [&](IoRequest& self) {
    if (++done < 50) {  // resubmit the same request from inside its completion
      self.lba = (self.lba + 4) % vol.capacity_blocks();
      vol.submit(self);
    }
  };
  vol.submit(r);
  for (int k = 0; k < 50; ++k) {
    // Complete whatever piece is pending on either member.
    HeldDevice& d = d0.held.size() > d1.held.size() ? d0 : d1;
    IoRequest* piece = d.held.back();
    d.held.pop_back();
    piece->on_done(*piece);
  }
  CHECK(done == 50);
  CHECK(vol.in_flight() == 0);
}
