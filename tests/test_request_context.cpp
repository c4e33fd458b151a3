// The typed request context (model/common): extensions, pools, context
// tables and the split/join helper that RAID0, the md layer and the card's
// firmware share.
#include <catch2/catch.hpp>

#include "model/common/io_pool.hpp"
#include "model/common/split_join.hpp"
#include "model/raid/raid0.hpp"

#include <stdexcept>
#include <vector>

using namespace iosim;

namespace {
struct HopA { uint32_t x; };
struct HopB { uint64_t y; uint16_t z; };
}  // namespace

TEST_CASE("request context: extensions are typed, zero on first use, independent and copied", "[context]") {
  IoRequest r;
  CHECK(!r.has_ext<HopA>());
  CHECK(r.ext<HopA>().x == 0);  // zero on first use
  r.ext<HopA>().x = 7;
  r.ext<HopB>().y = 1ull << 40;
  r.ext<HopB>().z = 3;
  CHECK(r.ext<HopA>().x == 7);  // one type's slot does not touch another's
  CHECK(r.has_ext<HopB>());
  IoRequest copy = r;
  CHECK(copy.ext<HopB>().y == 1ull << 40);
  r.clear_ext<HopA>();
  CHECK(!r.has_ext<HopA>());
  CHECK(r.ext<HopA>().x == 0);  // cleared: zero again
  CHECK(copy.ext<HopA>().x == 7);
}

TEST_CASE("request context: a pool reuses released requests, reset", "[context]") {
  IoPool pool;
  IoRequest& a = pool.acquire();
  a.lba = 99;
  a.ext<HopA>().x = 5;
  IoRequest* first = &a;
  pool.release(a);
  IoRequest& b = pool.acquire();
  CHECK(&b == first);  // no new allocation in steady state
  CHECK(b.lba == 0);
  CHECK(!b.has_ext<HopA>());
  CHECK(pool.allocated() == 1);
  CHECK(pool.live() == 1);
}

TEST_CASE("request context: a context table names live requests only", "[context]") {
  ContextTable t("drv");
  IoRequest r0, r1;
  const uint32_t c0 = t.issue(r0), c1 = t.issue(r1);
  CHECK(c0 != c1);
  CHECK(&t.at(c1) == &r1);
  CHECK(&t.retire(c0) == &r0);
  CHECK_THROWS_AS(t.retire(c0), std::logic_error);  // completed twice
  CHECK_THROWS_AS(t.at(12345), std::logic_error);   // never issued
  CHECK(t.issue(r0) == c0);                          // the freed context is reused
  CHECK(t.live() == 2);
}

TEST_CASE("split/join: pieces carry the parent's identity, the last piece returns the parent with the first error",
          "[context][raid]") {
  Raid0Geometry g;
  g.members = 3;
  g.stripe_blocks = 8;
  g.member_capacity_blocks = 800;
  IoRequest parent;
  parent.id = 42;
  parent.lba = 4;
  parent.blocks = 20;  // 4 on member 0, 8 on member 1, 8 on member 2
  parent.host_buffer = 0x10000;
  IoPool pool;
  std::vector<IoRequest*> pieces;
  split_request(parent, raid0_map(g, parent.lba, parent.blocks), pool, pieces);
  REQUIRE(pieces.size() == 3);
  CHECK(parent.pieces_left == 3);
  for (uint32_t k = 0; k < 3; ++k) {
    CHECK(pieces[k]->id == 42);
    CHECK(pieces[k]->parent == &parent);
    CHECK(pieces[k]->ext<MemberIndex>().member == k);
  }
  CHECK(pieces[1]->host_buffer == 0x10000 + 4 * 512);
  CHECK(pieces[2]->lba == 0);
  CHECK(pieces[2]->blocks == 8);
  CHECK_THROWS_AS(split_request(parent, raid0_map(g, 0, 1), pool, pieces), std::logic_error);  // split twice

  pieces[2]->status = 5;
  CHECK(join_piece(*pieces[2], pool) == nullptr);
  pieces[0]->status = 7;
  CHECK(join_piece(*pieces[0], pool) == nullptr);
  CHECK(join_piece(*pieces[1], pool) == &parent);  // the last one
  CHECK(parent.status == 5);                        // the first error
  CHECK(parent.pieces_left == 0);
  CHECK(pool.live() == 0);
  IoRequest orphan;
  CHECK_THROWS_AS(join_piece(orphan, pool), std::logic_error);  // no parent
}
