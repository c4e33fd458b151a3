// SyncDriver (md RAID0 + elevator + SCSI mid-layer + mptscsih) on its own: a
// real HostOs with one CPU and no timer ticks, and the HBAs played by a FakePio
// whose hooks act as each adapter's request FIFO (records every frame posted)
// and reply FIFO (the test pushes contexts and raises the interrupt). Checks
// where pieces go, the per-device and per-adapter limits, the elevator's sweep
// order, one completion per request after its last piece, and the CPU costs
// before the first frame is posted.
#include "tests/test_harness.hpp"

#include "model/hba/lsi53c1030.hpp"
#include "model/host/host_os.hpp"
#include "model/host/sync_driver.hpp"
#include "model/raid/raid0.hpp"

#include <deque>
#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr uint64_t kRegs = 0xE0000000;  // adapter a's registers at kRegs + a * 64 KiB
const sc_time kReadLatency(1, SC_US), kWriteCost(200, SC_NS);  // x342 PIO figures (PARAMETERS.md)

Raid0Geometry geometry(uint32_t members, uint64_t stripe_blocks) {
  Raid0Geometry g;
  g.members = members;
  g.stripe_blocks = stripe_blocks;
  g.member_capacity_blocks = stripe_blocks << 16;
  return g;
}

// The one place the SyncDriver under test is built.
struct SyncBench : TestBase, HostSide {
  FakePio pio;
  HostParams hp;
  HostOs os;
  SyncDriverParams sp;
  Raid0Geometry geo;
  std::vector<DiskRoute> routes;
  int adapters;
  MptFrameMemory frames{"frames"};
  SyncDriver drv;

  SyncBench(const SyncDriverParams& p, const Raid0Geometry& g, std::vector<DiskRoute> r, int n_adapters,
            sc_core::sc_module_name n = "tb")
      : TestBase(n), HostSide(0x0400'0000, 0x10'0000), pio(kReadLatency, kWriteCost), hp(host_params()), os("host", hp), sp(p), geo(g),
        routes(std::move(r)), adapters(n_adapters), drv("sd", os, sp, geo, routes, bases(n_adapters)),
        replies(size_t(n_adapters)), adapter_out(size_t(n_adapters)), adapter_max(size_t(n_adapters)),
        dev_out(routes.size()), dev_max(routes.size()) {
    os.pio.bind(pio);
    drv.frames.bind(frames);
    drv.done.bind(static_cast<HostSide&>(*this));
    pio.on_write = [this](uint64_t addr, const uint8_t* d, unsigned len) { return fifo_write(addr, d, len); };
    pio.on_read = [this](uint64_t addr, unsigned len, uint64_t& v) { return fifo_read(addr, len, v); };
  }
  static HostParams host_params() {
    HostParams h;
    h.cpus = 1;
    h.hz = 0;  // no timer ticks
    return h;
  }
  static std::vector<uint64_t> bases(int n) {
    std::vector<uint64_t> v;
    for (int a = 0; a < n; ++a) v.push_back(kRegs + uint64_t(a) * 0x10000);
    return v;
  }
  // What the host wrote into the request frame at `frame` (the chip would
  // fetch it by DMA).
  const MptFrame& frame_at(uint64_t frame) const { return frames.read(frame); }

  // ---- the fake adapters
  struct Posted {
    int adapter = 0, dev = -1;
    uint32_t context = 0;
    IoRequest cmd;  // a copy of the frame's contents
    sc_time at;
    bool replied = false;
  };
  std::vector<Posted> posted;
  std::vector<std::deque<size_t>> replies;  // per adapter: indexes into `posted`
  std::vector<int> adapter_out, adapter_max, dev_out, dev_max;

  int dev_of(int adapter, int target) const {
    for (size_t d = 0; d < routes.size(); ++d)
      if (routes[d].adapter == adapter && routes[d].target == target) return int(d);
    return -1;
  }
  bool fifo_write(uint64_t addr, const uint8_t* d, unsigned len) {
    for (int a = 0; a < adapters; ++a)
      if (addr == kRegs + uint64_t(a) * 0x10000 + mpt::kRequestFifo) {
        REQUIRE(len == 4);
        uint32_t frame = 0;
        std::memcpy(&frame, d, 4);
        Posted p;
        p.adapter = a;
        const MptFrame& f = frame_at(frame);
        p.cmd.op = f.op;
        p.cmd.target = f.target;
        p.cmd.lba = f.lba;
        p.cmd.blocks = f.blocks;
        p.cmd.host_buffer = f.buffer;
        p.context = f.context;
        p.dev = dev_of(a, p.cmd.target);
        p.at = sc_core::sc_time_stamp();
        posted.push_back(p);
        if (p.dev >= 0) dev_max[size_t(p.dev)] = std::max(dev_max[size_t(p.dev)], ++dev_out[size_t(p.dev)]);
        adapter_max[size_t(a)] = std::max(adapter_max[size_t(a)], ++adapter_out[size_t(a)]);
        return true;
      }
    return false;
  }
  bool fifo_read(uint64_t addr, unsigned, uint64_t& v) {
    for (int a = 0; a < adapters; ++a) {
      const uint64_t base = kRegs + uint64_t(a) * 0x10000;
      auto& q = replies[size_t(a)];
      if (addr == base + mpt::kIntStatus) { v = q.empty() ? 0 : 1; return true; }
      if (addr == base + mpt::kReplyFifo) {
        if (q.empty()) { v = mpt::kEmpty; return true; }
        Posted& p = posted[q.front()];
        q.pop_front();
        v = p.context;
        if (p.dev >= 0) --dev_out[size_t(p.dev)];
        --adapter_out[size_t(a)];
        return true;
      }
    }
    return false;
  }
  // The adapter finished posted command i: a reply and an interrupt.
  void complete(size_t i) {
    Posted& p = posted.at(i);
    REQUIRE(!p.replied);
    p.replied = true;
    replies[size_t(p.adapter)].push_back(i);
    const int a = p.adapter;
    os.irq_line(a).raise();  // the driver's ISR for adapter a is on line a
  }
  // A disk that serves posted commands one at a time in posting order,
  // `service` each, until n have been served.
  void serve_in_order(size_t n, sc_time service) {
    for (size_t i = 0; i < n; ++i) {
      wait_until([&] { return posted.size() > i; }, sc_time(1, SC_US), sc_time(100, SC_MS));
      wait_to(std::max(sc_core::sc_time_stamp(), posted[i].at) + service);
      complete(i);
    }
  }

  // ---- the processes' side: HostSide (requests, completions)
  // One process submitting every request made so far in one burst.
  void submit_all(sc_time* t_entry = nullptr) {
    os.wake(os.create_task("p"), [this, t_entry](CpuCtx& c) {
      if (t_entry) *t_entry = c.local_time();
      for (auto& r : reqs) drv.submit(c, *r);
      os.exit(c);
    });
  }
  uint64_t host_ps(double cycles) const { return cycles_ps(cycles, hp.clock_hz); }
};

}  // namespace

TEST_CASE("sync driver: pieces go to their member's adapter and target, after the submit's CPU costs",
          "[host][sync_driver]") {
  // Member k on adapter k % 2 at target 8 + k.
  std::vector<DiskRoute> routes;
  for (int k = 0; k < 4; ++k) routes.push_back({k % 2, 8 + k});
  SyncBench tb(SyncDriverParams{}, geometry(4, 16), routes, 2);
  // lba 20 = unit 1 (20 / 16), 4 sectors in; 32 sectors cover 12 of unit 1,
  // all 16 of unit 2 and 4 of unit 3. Unit u: member u % 4, member lba (u / 4) * 16.
  sc_time t_entry;
  tb.run([&] {
    tb.request(20, 32);
    tb.submit_all(&t_entry);
    tb.serve_in_order(3, sc_time(100, SC_US));
  }, sc_time(5, SC_MS));

  REQUIRE(tb.posted.size() == 3);
  const uint64_t buf = tb.reqs[0]->host_buffer;
  const struct { int adapter, target; uint64_t lba; uint32_t blocks; uint64_t buffer; } want[3] = {
      {1, 9, 4, 12, buf}, {0, 10, 0, 16, buf + 12 * kSectorBytes}, {1, 11, 0, 4, buf + 28 * kSectorBytes}};
  for (size_t i = 0; i < 3; ++i) {
    CHECK(tb.posted[i].adapter == want[i].adapter);
    CHECK(tb.posted[i].cmd.target == want[i].target);
    CHECK(tb.posted[i].cmd.lba == want[i].lba);
    CHECK(tb.posted[i].cmd.blocks == want[i].blocks);
    CHECK(tb.posted[i].cmd.host_buffer == want[i].buffer);
    CHECK(tb.posted[i].cmd.is_read());
  }
  // Costs: block-layer setup (per page: 16 KiB = 4 pages) and md mapping, spent
  // when io_request_lock is taken; then one elevator insert per piece (empty
  // queues) and mptscsih's frame build before the first post; each further
  // post after the previous posted write and another frame build.
  const auto& k = tb.hp.cost;
  const uint64_t t_lock = ps(t_entry) + tb.host_ps(k.request_setup + 4 * k.request_per_page + tb.sp.md_map_cycles);
  const uint64_t t_post0 = t_lock + tb.host_ps(3 * tb.sp.elevator_cycles + tb.sp.queuecommand_cycles);
  CHECK(double(ps(tb.posted[0].at)) == Approx(double(t_post0)).margin(kTolPs));
  CHECK(double(ps(tb.posted[1].at)) ==
        Approx(double(ps(tb.posted[0].at + kWriteCost) + tb.host_ps(tb.sp.queuecommand_cycles))).margin(kTolPs));
  REQUIRE(tb.done.size() == 1);
  CHECK(tb.done[0].req == tb.reqs[0].get());
}

TEST_CASE("sync driver: one completion per request, after its last piece", "[host][sync_driver]") {
  std::vector<DiskRoute> routes;
  for (int k = 0; k < 4; ++k) routes.push_back({0, k});
  SyncBench tb(SyncDriverParams{}, geometry(4, 16), routes, 1);
  size_t after_two = 9;
  sc_time last_reply;
  tb.run([&] {
    tb.request(0, 48);  // units 0, 1, 2: three pieces
    tb.request(64, 8);  // unit 4: member 0, one piece
    tb.submit_all();
    TestBase::wait_until([&] { return tb.posted.size() == 4; }, sc_time(1, SC_US), sc_time(1, SC_MS));
    TestBase::wait_to(sc_time(200, SC_US));
    tb.complete(2);  // pieces of request 0 back out of order
    TestBase::wait_to(sc_time(300, SC_US));
    tb.complete(0);
    TestBase::wait_to(sc_time(400, SC_US));
    after_two = tb.done.size();
    tb.complete(3);  // request 1
    TestBase::wait_to(sc_time(500, SC_US));
    last_reply = sc_core::sc_time_stamp();
    tb.complete(1);  // request 0's last piece
  }, sc_time(2, SC_MS));

  CHECK(after_two == 0);
  REQUIRE(tb.done.size() == 2);
  CHECK(tb.done[0].req == tb.reqs[1].get());
  CHECK(tb.done[1].req == tb.reqs[0].get());
  CHECK(tb.done[1].at > last_reply);
  // The interrupt's cost is ahead of the callback: entry, ISR body and the
  // bottom half of that reply.
  const auto& k = tb.hp.cost;
  CHECK(tb.done[1].at - last_reply >
        at_ps(tb.host_ps(k.irq_entry + tb.sp.isr_cycles + tb.sp.bottom_half_cycles)));
}

TEST_CASE("sync driver: per-device queue_depth and per-adapter can_queue hold", "[host][sync_driver]") {
  SyncDriverParams p;
  p.queue_depth = 2;
  p.can_queue = 3;
  // Members 0 and 1 on adapter 0, members 2 and 3 on adapter 1.
  SyncBench tb(p, geometry(4, 16), {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, 2);
  size_t posted_at_start = 0;
  tb.run([&] {
    for (uint64_t i = 0; i < 4; ++i) {
      tb.request(64 * i, 8);       // unit 4i: member 0
      tb.request(64 * i + 16, 8);  // unit 4i + 1: member 1
    }
    tb.submit_all();
    TestBase::wait_to(sc_time(100, SC_US));
    posted_at_start = tb.posted.size();
    tb.serve_in_order(8, sc_time(150, SC_US));
  }, sc_time(10, SC_MS));

  // Member 0 got two (its depth), member 1 one: adapter 0 full at three.
  CHECK(posted_at_start == 3);
  CHECK(tb.dev_max[0] == 2);
  CHECK(tb.dev_max[1] == 2);
  CHECK(tb.adapter_max[0] == 3);
  CHECK(tb.adapter_max[1] == 0);
  REQUIRE(tb.posted.size() == 8);
  CHECK(tb.done.size() == 8);
}

TEST_CASE("sync driver: the elevator dispatches in one-way sweep order", "[host][sync_driver]") {
  SyncDriverParams p;
  p.queue_depth = 1;  // one command at the disk: the elevator decides the rest
  SyncBench tb(p, geometry(1, 1 << 20), {{0, 0}}, 1);  // one member, one huge stripe: member lba = lba
  tb.run([&] {
    for (uint64_t lba : {100, 50, 300, 200, 10}) tb.request(lba, 8);
    tb.submit_all();
    tb.serve_in_order(5, sc_time(100, SC_US));
  }, sc_time(10, SC_MS));

  // 100 goes at once (empty queue). Then upwards from its end (108): 200, 300;
  // nothing above 308, so the sweep restarts at the lowest: 10, then 50.
  REQUIRE(tb.posted.size() == 5);
  std::vector<uint64_t> order;
  for (const auto& x : tb.posted) order.push_back(x.cmd.lba);
  CHECK(order == std::vector<uint64_t>{100, 200, 300, 10, 50});
  REQUIRE(tb.done.size() == 5);
  CHECK(tb.done[0].req->lba == 100);
  CHECK(tb.done[4].req->lba == 50);
}
