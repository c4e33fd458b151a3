// AsyncDriver (the paper's host driver and polling thread) on its own: a real
// HostOs with one CPU and no timer ticks, and the card played by a FakePio: a
// byte store behind fixed PIO latencies, with the test writing what the card
// would (completion records, request records taken). Checks the order and
// timing of its PIO accesses, the full ring, the poller's period, in-order
// draining with one callback each, and the wake-up of blocked submitters.
#include "tests/test_harness.hpp"

#include "model/card/ring_layout.hpp"
#include "model/host/async_driver.hpp"
#include "model/host/host_os.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr uint64_t kBar = 0xF0000000;
// PIO read across the bus ~1 us, posted write ~0.2 us of CPU (x342 figures, PARAMETERS.md).
const sc_time kReadLatency(1, SC_US), kWriteCost(200, SC_NS);

// The one place the AsyncDriver under test is built.
struct AsyncBench : TestBase, HostSide {
  FakePio pio;
  HostParams hp;
  HostOs os;
  AsyncDriverParams ap;
  ring::Layout layout;
  AsyncDriver drv;

  AsyncBench(const AsyncDriverParams& p, uint32_t depth, sc_core::sc_module_name n = "tb")
      : TestBase(n), HostSide(0x0800'0000, 0x1'0000), pio(kReadLatency, kWriteCost), hp(host_params()), os("host", hp), ap(with_bar(p)),
        layout(ring_layout(depth)), drv("aio", os, ap, layout) {
    os.pio.bind(pio);
    drv.done.bind(static_cast<HostSide&>(*this));
  }
  static HostParams host_params() {
    HostParams h;
    h.cpus = 1;
    h.hz = 0;  // no timer ticks: nothing on the CPU but the driver
    return h;
  }
  static AsyncDriverParams with_bar(AsyncDriverParams p) {
    p.bar_base = kBar;
    return p;
  }

  // ---- the workload's side: HostSide (requests, completions)
  bool submit(CpuCtx& c, IoRequest& r) { return drv.submit(c, r); }
  // A process running `burst` from now.
  void process(const std::string& name, Burst burst) { os.wake(os.create_task(name), std::move(burst)); }

  // ---- the card's side, in its memory
  uint64_t req_at(uint32_t i, uint32_t field) const { return kBar + layout.req_rec(i) + field; }
  uint64_t cpl_at(uint32_t i, uint32_t field) const { return kBar + layout.cpl_rec(i) + field; }
  // The card posts a completion for the request in record `from`: its callback field copied.
  void complete(uint32_t slot, uint32_t from) {
    pio.put<uint64_t>(cpl_at(slot, ring::cpl::kCallback), pio.get<uint64_t>(req_at(from, ring::req::kCallback)));
    pio.mem[cpl_at(slot, ring::cpl::kStatus)] = ring::kValid;
  }
  void take(uint32_t i) { pio.mem[req_at(i, ring::req::kStatus)] = ring::kInvalid; }

  uint64_t host_ps(double cycles) const { return cycles_ps(cycles, hp.clock_hz); }
  // Driver + block-layer cost of one submit before its first PIO read.
  uint64_t submit_ps(const IoRequest& r) const {
    const double pages = double((r.bytes() + 4095) / 4096);
    return host_ps(hp.cost.request_setup + hp.cost.request_per_page * pages + ap.submit_cycles);
  }
  // Reads of a completion status: the poller looking at P_HC.
  std::vector<FakePio::Access> status_reads() const {
    std::vector<FakePio::Access> v;
    for (const auto& a : pio.log)
      if (!a.write && a.addr >= kBar + layout.cpl_base() && a.addr < kBar + layout.bytes() &&
          (a.addr - kBar - layout.cpl_base()) % ring::cpl::kBytes == ring::cpl::kStatus)
        v.push_back(a);
    return v;
  }
};

}  // namespace

TEST_CASE("async driver: submit reads the status, writes the fields, sets the status valid last", "[host][async_driver]") {
  AsyncBench tb(AsyncDriverParams{}, 8);
  sc_time t_entry;
  bool ok0 = false, ok1 = false;
  tb.run([&] {
    IoRequest& r0 = tb.request(4242, 8);
    IoRequest& r1 = tb.request(777, 128);  // 64 KiB: 16 pages to map
    r1.op = IoOp::Write;
    tb.process("p", [&](CpuCtx& c) {
      t_entry = c.local_time();
      ok0 = tb.submit(c, r0);
      ok1 = tb.submit(c, r1);
      tb.os.exit(c);
    });
  }, sc_time(1, SC_MS));

  CHECK(ok0);
  CHECK(ok1);
  const auto& log = tb.pio.log;
  // Record 0: one status read, then the fields, then the status (1 byte, valid).
  REQUIRE(log.size() >= 3);
  CHECK(!log[0].write);
  CHECK(log[0].addr == tb.req_at(0, ring::req::kStatus));
  CHECK(log[0].len == 1);
  CHECK(double(ps(log[0].at)) == Approx(double(ps(t_entry) + tb.submit_ps(*tb.reqs[0]))).margin(kTolPs));
  size_t k = 1;
  for (; k < log.size() && log[k].addr != tb.req_at(0, ring::req::kStatus); ++k) {
    CHECK(log[k].write);
    CHECK(log[k].addr >= tb.req_at(0, ring::req::kCommand));  // fields only: the status byte is untouched
    CHECK(log[k].addr + log[k].len <= tb.req_at(1, 0));
  }
  REQUIRE(k < log.size());
  CHECK(k > 1);  // at least one field write before it
  CHECK(log[k].write);
  CHECK(log[k].len == 1);
  CHECK(log[k].value == ring::kValid);
  // Posted writes cost the CPU only kWriteCost each; the first follows the read's stall.
  CHECK(log[1].at == log[0].at + kReadLatency);
  CHECK(log[k].at == log[k - 1].at + kWriteCost);
  CHECK(tb.pio.byte(tb.req_at(0, ring::req::kCommand)) == ring::kCmdRead);
  CHECK(tb.pio.get<uint64_t>(tb.req_at(0, ring::req::kLbn)) == 4242);
  CHECK(tb.pio.get<uint32_t>(tb.req_at(0, ring::req::kSize)) == 8 * kSectorBytes);
  CHECK(tb.pio.get<uint64_t>(tb.req_at(0, ring::req::kBuffer)) == tb.reqs[0]->host_buffer);
  // Record 1 (P_HR advanced): its status read follows record 0's status write
  // by the write's cost and the second submit's CPU cost.
  REQUIRE(log.size() > k + 1);
  CHECK(log[k + 1].addr == tb.req_at(1, ring::req::kStatus));
  CHECK(double(ps(log[k + 1].at)) ==
        Approx(double(ps(log[k].at + kWriteCost) + tb.submit_ps(*tb.reqs[1]))).margin(kTolPs));
  CHECK(tb.pio.byte(tb.req_at(1, ring::req::kCommand)) == ring::kCmdWrite);
  CHECK(tb.pio.get<uint64_t>(tb.req_at(1, ring::req::kLbn)) == 777);
  CHECK(tb.pio.get<uint32_t>(tb.req_at(1, ring::req::kSize)) == 128 * kSectorBytes);
  CHECK(tb.pio.byte(tb.req_at(1, ring::req::kStatus)) == ring::kValid);
  // Each request has its own callback value (the card hands it back): a
  // context of the driver's, not a host address.
  const uint64_t cb0 = tb.pio.get<uint64_t>(tb.req_at(0, ring::req::kCallback));
  const uint64_t cb1 = tb.pio.get<uint64_t>(tb.req_at(1, ring::req::kCallback));
  CHECK(cb0 != cb1);
  CHECK(tb.done.empty());  // nothing completes before the card says so
}

TEST_CASE("async driver: a record still valid at P_HR is a full ring: submit returns false, writes nothing",
          "[host][async_driver]") {
  AsyncBench tb(AsyncDriverParams{}, 2);  // two records
  bool first[3] = {false, false, true}, retry = false;
  size_t accesses_after_full = 0, accesses_before_full = 0;
  tb.run([&] {
    for (int i = 0; i < 4; ++i) tb.request(8 * uint64_t(i), 8);
    tb.process("p", [&](CpuCtx& c) {
      first[0] = tb.submit(c, *tb.reqs[0]);
      first[1] = tb.submit(c, *tb.reqs[1]);
      accesses_before_full = tb.pio.log.size();
      first[2] = tb.submit(c, *tb.reqs[2]);  // record 0 (wrapped) is still valid
      accesses_after_full = tb.pio.log.size();
      tb.os.sleep_until(c, sc_time(100, SC_US), [&](CpuCtx& c2) {
        retry = tb.submit(c2, *tb.reqs[2]);
        tb.os.exit(c2);
      });
    });
    TestBase::wait_to(sc_time(50, SC_US));
    tb.take(0);  // the card takes record 0
  }, sc_time(1, SC_MS));

  CHECK(first[0]);
  CHECK(first[1]);
  CHECK(!first[2]);
  // The refused submit only read the status at record 0.
  REQUIRE(accesses_after_full == accesses_before_full + 1);
  CHECK(!tb.pio.log[accesses_before_full].write);
  CHECK(tb.pio.log[accesses_before_full].addr == tb.req_at(0, ring::req::kStatus));
  CHECK(retry);
  // The retry wrote request 2 into record 0.
  CHECK(tb.pio.get<uint64_t>(tb.req_at(0, ring::req::kLbn)) == tb.reqs[2]->lba);
  CHECK(tb.pio.byte(tb.req_at(0, ring::req::kStatus)) == ring::kValid);
}

TEST_CASE("async driver: the poller wakes every poll_period and drains completions in order, one callback each",
          "[host][async_driver]") {
  AsyncDriverParams p;
  p.poll_period_s = 10e-3;  // not the paper's 100 ms: the period must come from the parameter
  AsyncBench tb(p, 8);
  tb.run([&] {
    tb.drv.start();
    for (int i = 0; i < 3; ++i) tb.request(100 + 8 * uint64_t(i), 8);
    tb.process("p", [&](CpuCtx& c) {
      for (auto& r : tb.reqs) REQUIRE(tb.submit(c, *r));
      tb.os.exit(c);
    });
    TestBase::wait_to(sc_time(15, SC_MS));
    // The card finished them out of order: request 2, then 0, then 1.
    for (uint32_t i = 0; i < 3; ++i) tb.take(i);
    tb.complete(0, 2);
    tb.complete(1, 0);
    tb.complete(2, 1);
  }, sc_time(45, SC_MS));

  const auto reads = tb.status_reads();
  // One poll = status reads in a burst; polls are 10 ms apart.
  std::vector<FakePio::Access> first;
  for (const auto& a : reads)
    if (first.empty() || a.at - first.back().at > sc_time(1, SC_MS)) first.push_back(a);
  REQUIRE(first.size() == 4);  // 10, 20, 30, 40 ms
  const sc_time period(10, SC_MS);
  for (size_t k = 0; k < first.size(); ++k) {
    CHECK(first[k].at >= period * double(k + 1));
    CHECK(first[k].at < period * double(k + 1) + sc_time(20, SC_US));  // timer interrupt + scheduling
  }
  // Same CPU, same task, nothing else running: the same wake-up cost each time.
  CHECK(first[2].at - first[1].at == period);
  CHECK(first[3].at - first[2].at == period);
  CHECK(first[0].addr == tb.cpl_at(0, ring::cpl::kStatus));
  CHECK(first[1].addr == tb.cpl_at(0, ring::cpl::kStatus));
  CHECK(first[2].addr == tb.cpl_at(3, ring::cpl::kStatus));  // P_HC advanced past the three drained
  CHECK(first[3].addr == tb.cpl_at(3, ring::cpl::kStatus));

  // The second poll drained all three, in ring order, each callback once.
  REQUIRE(tb.done.size() == 3);
  CHECK(tb.done[0].req == tb.reqs[2].get());
  CHECK(tb.done[1].req == tb.reqs[0].get());
  CHECK(tb.done[2].req == tb.reqs[1].get());
  for (const auto& d : tb.done) {
    CHECK(d.at > first[1].at);
    CHECK(d.at < first[2].at);
  }
  // Per completion: status read + callback read (two stalls), complete_cycles,
  // then the posted write freeing the record.
  const uint64_t step = 2 * ps(kReadLatency) + tb.host_ps(p.complete_cycles) + ps(kWriteCost);
  CHECK(double(ps(tb.done[1].at - tb.done[0].at)) == Approx(double(step)).margin(kTolPs));
  CHECK(double(ps(tb.done[2].at - tb.done[1].at)) == Approx(double(step)).margin(kTolPs));
  for (uint32_t i = 0; i < 3; ++i) CHECK(tb.pio.byte(tb.cpl_at(i, ring::cpl::kStatus)) == ring::kInvalid);
}

TEST_CASE("async driver: a submitter blocked on a full ring is woken after the next drain", "[host][async_driver]") {
  AsyncDriverParams p;
  p.poll_period_s = 10e-3;
  AsyncBench tb(p, 2);
  int retries = 0;
  bool retry_ok = false;
  sc_time retry_read;
  tb.run([&] {
    tb.drv.start();
    for (int i = 0; i < 3; ++i) tb.request(8 * uint64_t(i), 8);
    tb.process("p", [&](CpuCtx& c) {
      REQUIRE(tb.submit(c, *tb.reqs[0]));
      REQUIRE(tb.submit(c, *tb.reqs[1]));
      REQUIRE(!tb.submit(c, *tb.reqs[2]));
      tb.drv.wait_for_slot(c, [&](CpuCtx& c2) {
        ++retries;
        const size_t n = tb.pio.log.size();
        retry_ok = tb.submit(c2, *tb.reqs[2]);
        retry_read = tb.pio.log.at(n).at;
        tb.os.exit(c2);
      });
    });
    TestBase::wait_to(sc_time(5, SC_MS));
    tb.take(0);
    tb.take(1);
    tb.complete(0, 0);
    tb.complete(1, 1);
  }, sc_time(35, SC_MS));

  CHECK(retries == 1);
  CHECK(retry_ok);
  REQUIRE(tb.done.size() == 2);
  // Not before the poll at 10 ms (the records were free from 5 ms), and after
  // the drain's last callback.
  CHECK(retry_read > tb.done[1].at);
  CHECK(retry_read > sc_time(10, SC_MS));
  CHECK(retry_read < sc_time(11, SC_MS));
}
