// The disk-queue scheduling policies (model/common/io_sched*.hpp) on hand-made
// queues: each policy's dispatch order from sectors, deadlines and streams
// (IoRequest::origin), the round and group barriers, SCAN-EDF's deadline
// classes, GSS at g = 1 (one sweep = round) and g = N (round-robin by
// stream), the round log, and conservation (every request out once).
#include <catch2/catch.hpp>

#include "model/common/io_sched.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <vector>

using namespace iosim;
using sc_core::sc_time;
using sc_core::SC_MS;

namespace {

struct Req {
  uint64_t lba;
  uint32_t origin = 0;
  double deadline_ms = 0;  // 0 = none
};

// Requests built from specs (id = index), owned by the fixture.
struct Queue {
  explicit Queue(IoSchedParams p) : s(make_io_sched(p)) {}
  std::deque<IoRequest> reqs;
  std::unique_ptr<IoSchedIf> s;
  IoRequest& add(const Req& r) {
    IoRequest& q = reqs.emplace_back();
    q.id = reqs.size() - 1;
    q.lba = r.lba;
    q.blocks = 8;
    q.origin = r.origin;
    q.deadline = r.deadline_ms > 0 ? sc_time(r.deadline_ms, SC_MS) : sc_core::SC_ZERO_TIME;
    s->add(q);
    return q;
  }
  // Dispatch and complete one at a time: the order the policy gives.
  std::vector<uint64_t> drain_lbas(double t_ms = 0) {
    std::vector<uint64_t> out;
    while (IoRequest* r = s->next(sc_time(t_ms, SC_MS))) {
      out.push_back(r->lba);
      s->completed(*r, sc_time(t_ms, SC_MS));
    }
    return out;
  }
  std::vector<uint32_t> drain_origins() {
    std::vector<uint32_t> out;
    while (IoRequest* r = s->next(sc_core::SC_ZERO_TIME)) {
      out.push_back(r->origin);
      s->completed(*r, sc_core::SC_ZERO_TIME);
    }
    return out;
  }
};

IoSchedParams policy(IoSchedKind k, uint32_t groups = 2, double quantum_s = 0) {
  IoSchedParams p;
  p.kind = k;
  p.gss_groups = groups;
  p.edf_quantum_s = quantum_s;
  return p;
}

}  // namespace

TEST_CASE("io sched: elevator sweeps up from the last request's end and wraps to the lowest sector", "[io_sched]") {
  Queue q(policy(IoSchedKind::Elevator));
  for (uint64_t l : {500, 100, 900, 300}) q.add({l});
  IoRequest* a = q.s->next(sc_core::SC_ZERO_TIME);
  IoRequest* b = q.s->next(sc_core::SC_ZERO_TIME);
  REQUIRE(a->lba == 100);
  REQUIRE(b->lba == 300);
  q.add({200});  // behind the head: waits for the wrap
  q.add({400});  // ahead: in this sweep
  CHECK(q.drain_lbas() == std::vector<uint64_t>{400, 500, 900, 200});
}

TEST_CASE("io sched: fifo keeps arrival order whatever the sectors", "[io_sched]") {
  Queue q(policy(IoSchedKind::Fifo));
  for (uint64_t l : {500, 100, 900, 300}) q.add({l});
  CHECK(q.drain_lbas() == std::vector<uint64_t>{500, 100, 900, 300});
}

TEST_CASE("io sched: round serves each stream once per round, in ascending sector order", "[io_sched]") {
  Queue q(policy(IoSchedKind::Round));
  q.add({700, 0});
  q.add({200, 1});
  q.add({900, 1});  // stream 1's second request: next round
  q.add({400, 2});
  std::vector<uint64_t> first;
  for (int i = 0; i < 3; ++i) first.push_back(q.s->next(sc_core::SC_ZERO_TIME)->lba);
  CHECK(first == std::vector<uint64_t>{200, 400, 700});
  CHECK(q.s->waiting() == 1);
}

TEST_CASE("io sched: round barrier, a request arriving during a round waits until the round has completed", "[io_sched]") {
  Queue q(policy(IoSchedKind::Round));
  q.add({500, 0});
  q.add({300, 1});
  IoRequest* a = q.s->next(sc_time(1, SC_MS));
  IoRequest* b = q.s->next(sc_time(1, SC_MS));
  REQUIRE((a && b));
  q.add({100, 2});  // a new stream, lower sector than both: still the next round
  CHECK(q.s->next(sc_time(2, SC_MS)) == nullptr);
  q.s->completed(*a, sc_time(3, SC_MS));
  CHECK(q.s->next(sc_time(3, SC_MS)) == nullptr);  // one of the round is still out
  q.s->completed(*b, sc_time(5, SC_MS));
  IoRequest* c = q.s->next(sc_time(6, SC_MS));
  REQUIRE(c != nullptr);
  CHECK(c->lba == 100);
  // The first round ran from its start (1 ms) to its last completion (5 ms).
  const RoundLog& log = *q.s->rounds();
  CHECK(log.rounds == 1);
  CHECK(log.requests == 2);
  CHECK(log.max_streams == 2);
  CHECK(log.max_s == Approx(4e-3));
  q.s->completed(*c, sc_time(10, SC_MS));
  CHECK(log.rounds == 2);
  CHECK(log.max_s == Approx(4e-3));
  CHECK(log.mean_s() == Approx((4e-3 + 4e-3) / 2));
}

TEST_CASE("io sched: scan_edf serves the earliest deadline first and equal deadlines in sweep order", "[io_sched]") {
  Queue q(policy(IoSchedKind::ScanEdf));
  q.add({900, 0, 10});
  q.add({100, 1, 10});
  q.add({500, 2, 5});
  q.add({50, 3, 0});    // no deadline: last
  q.add({700, 4, 10});
  // 5 ms first (head -> 508); the 10 ms class from the head up (700, 900), wrapping (100); then no deadline.
  CHECK(q.drain_lbas() == std::vector<uint64_t>{500, 700, 900, 100, 50});
}

TEST_CASE("io sched: scan_edf ties, deadlines in one quantum are one class served in sweep order", "[io_sched]") {
  SECTION("quantum 10 ms: 1, 4 and 9 ms are one class") {
    Queue q(policy(IoSchedKind::ScanEdf, 2, 10e-3));
    q.add({900, 0, 1});
    q.add({100, 1, 9});
    q.add({500, 2, 4});
    q.add({300, 3, 12});  // the next quantum
    CHECK(q.drain_lbas() == std::vector<uint64_t>{100, 500, 900, 300});
  }
  SECTION("no quantum: the same requests in deadline order") {
    Queue q(policy(IoSchedKind::ScanEdf, 2, 0));
    q.add({900, 0, 1});
    q.add({100, 1, 9});
    q.add({500, 2, 4});
    q.add({300, 3, 12});
    CHECK(q.drain_lbas() == std::vector<uint64_t>{900, 500, 100, 300});
  }
}

TEST_CASE("io sched: gss groups streams by origin mod g, groups in fixed order, each group one sweep", "[io_sched]") {
  Queue q(policy(IoSchedKind::Gss, 2));
  const uint64_t lba[6] = {600, 100, 300, 800, 200, 400};  // stream i at lba[i]
  for (uint32_t i = 0; i < 6; ++i) q.add({lba[i], i});
  // Group 0 = streams 0, 2, 4 (600, 300, 200), group 1 = 1, 3, 5 (100, 800, 400).
  CHECK(q.drain_lbas() == std::vector<uint64_t>{200, 300, 600, 100, 400, 800});
}

TEST_CASE("io sched: gss group barrier, the next group waits for the current group's completions", "[io_sched]") {
  Queue q(policy(IoSchedKind::Gss, 2));
  q.add({100, 0});
  q.add({200, 1});
  IoRequest* a = q.s->next(sc_core::SC_ZERO_TIME);
  REQUIRE(a->origin == 0);
  CHECK(q.s->next(sc_core::SC_ZERO_TIME) == nullptr);
  q.s->completed(*a, sc_core::SC_ZERO_TIME);
  IoRequest* b = q.s->next(sc_core::SC_ZERO_TIME);
  REQUIRE(b != nullptr);
  CHECK(b->origin == 1);
}

TEST_CASE("io sched: gss with one group is round (SCAN of the round), with one stream per group it is round-robin",
          "[io_sched]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> sector(0, 1'000'000);
  const uint32_t n = 12;
  std::vector<uint64_t> lbas;
  for (uint32_t i = 0; i < n; ++i) lbas.push_back(sector(rng));
  Queue one(policy(IoSchedKind::Gss, 1)), round(policy(IoSchedKind::Round)), rr(policy(IoSchedKind::Gss, n));
  for (uint32_t i = 0; i < n; ++i) {
    one.add({lbas[i], i});
    round.add({lbas[i], i});
    rr.add({lbas[i], n - 1 - i});  // arrival order opposite to stream order
  }
  std::vector<uint64_t> sorted = lbas;
  std::sort(sorted.begin(), sorted.end());
  CHECK(one.drain_lbas() == sorted);
  CHECK(round.drain_lbas() == sorted);
  std::vector<uint32_t> streams(n);
  for (uint32_t i = 0; i < n; ++i) streams[i] = i;
  CHECK(rr.drain_origins() == streams);
}

TEST_CASE("io sched: every policy dispatches every request exactly once under random arrivals and completions",
          "[io_sched]") {
  for (IoSchedKind k : {IoSchedKind::Elevator, IoSchedKind::Fifo, IoSchedKind::Round, IoSchedKind::ScanEdf,
                        IoSchedKind::Gss}) {
    INFO(to_string(k));
    Queue q(policy(k, 3, 5e-3));
    std::mt19937_64 rng(11);
    std::vector<IoRequest*> out;  // dispatched, not completed
    std::map<uint64_t, int> seen;
    const int total = 2000;
    int added = 0;
    double t = 0;
    while (added < total || q.s->waiting() || !out.empty()) {
      t += 0.1;
      const int action = int(rng() % 3);
      if (action == 0 && added < total) {
        q.add({rng() % 100000, uint32_t(rng() % 17), double(rng() % 50)});
        ++added;
      } else if (action == 1 && out.size() < 4) {
        if (IoRequest* r = q.s->next(sc_time(t, SC_MS))) {
          ++seen[r->id];
          out.push_back(r);
        }
      } else if (!out.empty()) {
        const size_t i = rng() % out.size();
        q.s->completed(*out[i], sc_time(t, SC_MS));
        out.erase(out.begin() + long(i));
      }
      REQUIRE(t < 1e6);  // no livelock: a barrier always opens once its round completes
    }
    CHECK(seen.size() == size_t(total));
    for (const auto& [id, n] : seen) REQUIRE(n == 1);
    // Every round closes at its last completion (a sweep only when the next begins).
    if (k == IoSchedKind::Round || k == IoSchedKind::Gss) CHECK(q.s->rounds()->requests == uint64_t(total));
  }
}

TEST_CASE("io sched: elevator and scan_edf log a sweep each time the head wraps", "[io_sched]") {
  for (IoSchedKind k : {IoSchedKind::Elevator, IoSchedKind::ScanEdf}) {
    INFO(to_string(k));
    Queue q(policy(k));
    for (uint64_t l : {100, 300, 500}) q.add({l});
    std::vector<IoRequest*> out;
    for (int i = 0; i < 3; ++i) out.push_back(q.s->next(sc_time(double(i), SC_MS)));  // sweep 1 at 0, 1, 2 ms
    q.add({50});
    q.add({400});
    IoRequest* w = q.s->next(sc_time(10, SC_MS));  // behind the head (508): a new sweep starts at 10 ms
    REQUIRE(w->lba == 50);
    const RoundLog& log = *q.s->rounds();
    CHECK(log.rounds == 1);
    CHECK(log.requests == 3);
    CHECK(log.max_streams == 3);
    CHECK(log.max_s == Approx(10e-3));
    REQUIRE(q.s->next(sc_time(11, SC_MS))->lba == 400);  // same sweep
    CHECK(log.rounds == 1);
  }
  CHECK(Queue(policy(IoSchedKind::Fifo)).s->rounds() == nullptr);
}
