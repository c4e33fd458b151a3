// The queue controller cores (RTL and C++ model): ring protocol corner cases,
// cycle-by-cycle equivalence under random traffic, and no record lost or
// completed twice across millions of operations.
#include <catch2/catch.hpp>

#include "model/card/queue_ctrl_core.hpp"
#include "model/common/rng.hpp"

#include <deque>
#include <vector>

using namespace iosim;

namespace {

const char* const kKinds[] = {"rtl", "model"};

QcInputs strobe(bool hp, bool cp, bool cc, bool hc) {
  QcInputs in;
  in.h_req_push = hp; in.c_req_pop = cp; in.c_cpl_push = cc; in.h_cpl_pop = hc;
  return in;
}
const QcInputs kHostPush = strobe(1, 0, 0, 0), kCardPop = strobe(0, 1, 0, 0),
               kCardCpl = strobe(0, 0, 1, 0), kHostCpl = strobe(0, 0, 0, 1),
               kIdle = strobe(0, 0, 0, 0);

// State without the per-edge ok flags: what a refused op must leave unchanged.
QcOutputs state_of(QcOutputs o) {
  o.h_req_ok = o.c_req_pop_ok = o.c_cpl_ok = o.h_cpl_pop_ok = false;
  return o;
}

// Invariants that follow from the brief's protocol: the valid records of a ring
// are exactly the ones from the follower pointer up to the leader pointer.
void check_invariants(const QcOutputs& o, uint32_t depth) {
  REQUIRE(o.req_count <= depth);
  REQUIRE(o.cpl_count <= depth);
  REQUIRE(o.p_hr == (o.p_sr + o.req_count) % depth);
  REQUIRE(o.p_sc == (o.p_hc + o.cpl_count) % depth);
  REQUIRE(o.req_full == (o.req_count == depth));
  REQUIRE(o.req_empty == (o.req_count == 0));
  REQUIRE(o.cpl_full == (o.cpl_count == depth));
  REQUIRE(o.cpl_empty == (o.cpl_count == 0));
}

// Random strobes in phases biased to fill, drain or churn the rings, so that
// full and empty are reached often and pointers wrap many times.
class Traffic {
public:
  Traffic(uint64_t seed, uint32_t depth) : rng_(seed, "test.qc.traffic"), depth_(depth) {}
  QcInputs next() {
    if (left_ == 0) new_phase();
    --left_;
    return strobe(rng_.uniform01() < p_[0], rng_.uniform01() < p_[1],
                  rng_.uniform01() < p_[2], rng_.uniform01() < p_[3]);
  }

private:
  void new_phase() {
    static const double kBias[][4] = {
        {0.9, 0.1, 0.9, 0.1},  // fill both rings
        {0.1, 0.9, 0.1, 0.9},  // drain both
        {0.9, 0.9, 0.1, 0.9},  // request ring churns, completion ring empty
        {0.5, 0.5, 0.5, 0.5},  // random walk
        {0.9, 0.5, 0.9, 0.2},  // completions back up
        {1.0, 1.0, 1.0, 1.0},  // every strobe every cycle
    };
    const auto& b = kBias[rng_.below(6)];
    for (int i = 0; i < 4; ++i) p_[i] = b[i];
    left_ = 1 + rng_.below(3 * uint64_t(depth_) + 16);
  }
  Rng rng_;
  uint32_t depth_;
  double p_[4] = {0, 0, 0, 0};
  uint64_t left_ = 0;
};

} // namespace

TEST_CASE("queue ctrl: reset state and refused pops on empty rings", "[queue_ctrl]") {
  for (const char* kind : kKinds) {
    INFO(kind);
    auto qc = make_queue_ctrl_core(kind, 4);
    const QcOutputs r = qc->outputs();
    CHECK(r.p_hr == 0); CHECK(r.p_sr == 0); CHECK(r.p_sc == 0); CHECK(r.p_hc == 0);
    CHECK(r.req_empty); CHECK(r.cpl_empty); CHECK(!r.req_full); CHECK(!r.cpl_full);
    CHECK(r.req_count == 0); CHECK(r.cpl_count == 0);
    const QcOutputs a = qc->cycle(kCardPop);
    CHECK(!a.c_req_pop_ok);
    CHECK(state_of(a) == state_of(r));
    const QcOutputs b = qc->cycle(kHostCpl);
    CHECK(!b.h_cpl_pop_ok);
    CHECK(state_of(b) == state_of(r));
    CHECK(qc->cycles() == 2);
  }
}

TEST_CASE("queue ctrl: request ring fills, wraps at the tail, refuses when full", "[queue_ctrl]") {
  for (const char* kind : kKinds) {
    INFO(kind);
    auto qc = make_queue_ctrl_core(kind, 4);
    for (uint32_t i = 0; i < 4; ++i) {
      const QcOutputs o = qc->cycle(kHostPush);
      CHECK(o.h_req_ok);
      CHECK(o.p_hr == (i + 1) % 4);  // after record 3 (tail) back to 0
      CHECK(o.req_count == i + 1);
      CHECK(!o.req_empty);
    }
    const QcOutputs full = qc->outputs();
    CHECK(full.req_full);          // record at P_HR (0) still valid
    CHECK(full.p_hr == full.p_sr);
    const QcOutputs refused = qc->cycle(kHostPush);
    CHECK(!refused.h_req_ok);
    CHECK(state_of(refused) == state_of(full));
    // Push and pop together on a full ring: only the pop passes.
    const QcOutputs both = qc->cycle(strobe(1, 1, 0, 0));
    CHECK(!both.h_req_ok);
    CHECK(both.c_req_pop_ok);
    CHECK(both.req_count == 3);
    CHECK(!both.req_full);
    // In between: both pass, count unchanged, both pointers move.
    const QcOutputs mid = qc->cycle(strobe(1, 1, 0, 0));
    CHECK(mid.h_req_ok); CHECK(mid.c_req_pop_ok);
    CHECK(mid.req_count == 3);
    CHECK(mid.p_hr == 1); CHECK(mid.p_sr == 2);
    for (int i = 0; i < 3; ++i) CHECK(qc->cycle(kCardPop).c_req_pop_ok);
    const QcOutputs empty = qc->outputs();
    CHECK(empty.req_empty); CHECK(empty.req_count == 0); CHECK(empty.p_sr == 1);
    // Push and pop together on an empty ring: only the push passes.
    const QcOutputs e2 = qc->cycle(strobe(1, 1, 0, 0));
    CHECK(e2.h_req_ok); CHECK(!e2.c_req_pop_ok); CHECK(e2.req_count == 1);
    // The completion ring was never touched.
    CHECK(e2.cpl_empty); CHECK(e2.p_sc == 0); CHECK(e2.p_hc == 0);
  }
}

TEST_CASE("queue ctrl: completion ring fills, wraps, refuses when full", "[queue_ctrl]") {
  for (const char* kind : kKinds) {
    INFO(kind);
    auto qc = make_queue_ctrl_core(kind, 3);
    for (int i = 0; i < 3; ++i) CHECK(qc->cycle(kCardCpl).c_cpl_ok);
    CHECK(qc->outputs().cpl_full);
    CHECK(qc->outputs().p_sc == 0);
    const QcOutputs before = qc->outputs();
    const QcOutputs refused = qc->cycle(kCardCpl);
    CHECK(!refused.c_cpl_ok);
    CHECK(state_of(refused) == state_of(before));
    for (int i = 0; i < 3; ++i) CHECK(qc->cycle(kHostCpl).h_cpl_pop_ok);
    CHECK(qc->outputs().cpl_empty);
    CHECK(qc->outputs().p_hc == 0);
    CHECK(!qc->cycle(kHostCpl).h_cpl_pop_ok);
    CHECK(!qc->cycle(kIdle).h_cpl_pop_ok);  // ok flags are per edge
  }
}

TEST_CASE("queue ctrl: one-record ring and reset", "[queue_ctrl]") {
  for (const char* kind : kKinds) {
    INFO(kind);
    auto qc = make_queue_ctrl_core(kind, 1);
    CHECK(qc->cycle(kHostPush).h_req_ok);
    CHECK(qc->outputs().req_full);
    CHECK(!qc->outputs().req_empty);
    CHECK(!qc->cycle(kHostPush).h_req_ok);
    CHECK(qc->cycle(strobe(0, 1, 1, 0)).c_req_pop_ok);
    CHECK(qc->outputs().cpl_full);
    qc->reset();
    const QcOutputs r = qc->outputs();
    CHECK(r == QcOutputs{});
    CHECK(r.req_empty); CHECK(r.cpl_empty);
  }
}

TEST_CASE("queue ctrl: factory rejects unknown kinds and depths", "[queue_ctrl]") {
  CHECK_THROWS_AS(make_queue_ctrl_core("verilog", 4), std::invalid_argument);
  CHECK_THROWS_AS(make_queue_ctrl_core("rtl", 0), std::invalid_argument);
  CHECK_THROWS_AS(make_queue_ctrl_core("model", kQcMaxDepth + 1), std::invalid_argument);
  CHECK(make_queue_ctrl_core("rtl", kQcMaxDepth)->depth() == kQcMaxDepth);
}

// The heart of the rtl/model contract: identical outputs on every cycle.
TEST_CASE("queue ctrl: RTL and model agree every cycle under random traffic", "[queue_ctrl]") {
  struct Run { uint32_t depth; uint64_t cycles; };
  const Run runs[] = {{1, 100000}, {2, 100000}, {3, 200000}, {4, 200000}, {7, 300000},
                      {64, 300000}, {5000, 2000000}, {kQcMaxDepth, 1000000}};
  for (const Run& run : runs) {
    INFO("depth " << run.depth);
    auto rtl = make_queue_ctrl_core("rtl", run.depth);
    auto model = make_queue_ctrl_core("model", run.depth);
    Traffic traffic(run.depth, run.depth);
    uint64_t req_fulls = 0, cpl_fulls = 0, empties = 0, wraps = 0, refused = 0;
    for (uint64_t c = 0; c < run.cycles; ++c) {
      const QcInputs in = traffic.next();
      const uint32_t p_hr_before = model->outputs().p_hr;
      const QcOutputs a = rtl->cycle(in);
      const QcOutputs b = model->cycle(in);
      if (a != b) {
        INFO("cycle " << c << "\n rtl:   " << a.str() << "\n model: " << b.str());
        REQUIRE(a == b);
      }
      check_invariants(a, run.depth);
      req_fulls += a.req_full;
      cpl_fulls += a.cpl_full;
      empties += a.req_empty + a.cpl_empty;
      wraps += b.h_req_ok && b.p_hr < p_hr_before + (run.depth == 1 ? 1 : 0);
      refused += (in.h_req_push && !a.h_req_ok) + (in.c_req_pop && !a.c_req_pop_ok) +
                 (in.c_cpl_push && !a.c_cpl_ok) + (in.h_cpl_pop && !a.h_cpl_pop_ok);
      if (c == run.cycles / 2) {  // a reset in the middle must agree too
        rtl->reset();
        model->reset();
        REQUIRE(rtl->outputs() == model->outputs());
      }
    }
    // The traffic must actually exercise the corners it claims to.
    CHECK(req_fulls > 0);
    CHECK(cpl_fulls > 0);
    CHECK(empties > 0);
    CHECK(wraps >= 10);
    CHECK(refused > 0);
    CHECK(rtl->cycles() == model->cycles());
  }
}

// Software shadow of the records: ids travel host -> request ring -> card ->
// completion ring -> host. Every id must come back exactly once, in order
// (both rings are FIFOs), and an accepted push must never land on a record
// whose id has not been taken yet.
TEST_CASE("queue ctrl: no record lost or completed twice across wraps", "[queue_ctrl]") {
  struct Run { const char* kind; uint32_t depth; uint64_t cycles; };
  const Run runs[] = {{"rtl", 7, 3000000}, {"rtl", 5000, 3000000}, {"model", 7, 3000000},
                      {"model", 5000, 3000000}};
  for (const Run& run : runs) {
    INFO(run.kind << " depth " << run.depth);
    auto qc = make_queue_ctrl_core(run.kind, run.depth);
    const uint64_t kNone = ~0ull;
    std::vector<uint64_t> req_slot(run.depth, kNone), cpl_slot(run.depth, kNone);
    std::deque<uint64_t> at_card;  // taken off the request ring, not yet completed
    uint64_t next_id = 0, next_done = 0, ops = 0;
    Traffic traffic(7 * run.depth + 1, run.depth);
    bool draining = false;
    for (uint64_t c = 0;; ++c) {
      if (c == run.cycles) draining = true;
      QcInputs in = draining ? strobe(0, 1, 1, 1) : traffic.next();
      in.c_cpl_push = in.c_cpl_push && !at_card.empty();  // firmware completes only what it has
      const QcOutputs before = qc->outputs();
      const QcOutputs o = qc->cycle(in);
      if (o.h_req_ok) {
        REQUIRE(req_slot[before.p_hr] == kNone);
        req_slot[before.p_hr] = next_id++;
      }
      if (o.c_req_pop_ok) {
        REQUIRE(req_slot[before.p_sr] != kNone);
        at_card.push_back(req_slot[before.p_sr]);
        req_slot[before.p_sr] = kNone;
      }
      if (o.c_cpl_ok) {
        REQUIRE(cpl_slot[before.p_sc] == kNone);
        cpl_slot[before.p_sc] = at_card.front();
        at_card.pop_front();
      }
      if (o.h_cpl_pop_ok) {
        REQUIRE(cpl_slot[before.p_hc] == next_done);  // each id once, in order
        cpl_slot[before.p_hc] = kNone;
        ++next_done;
      }
      ops += o.h_req_ok + o.c_req_pop_ok + o.c_cpl_ok + o.h_cpl_pop_ok;
      if (draining && o.req_empty && o.cpl_empty && at_card.empty()) break;
    }
    CHECK(next_done == next_id);  // nothing lost
    CHECK(next_id > 10 * uint64_t(run.depth));
    CHECK(ops >= 2000000);
    for (uint64_t id : req_slot) CHECK(id == kNone);
    for (uint64_t id : cpl_slot) CHECK(id == kNone);
  }
}
