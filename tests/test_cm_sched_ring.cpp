// The deadline and stream crossing the card's request ring (ring_layout.hpp)
// and the firmware's per-disk backlog ordering by them: the host driver
// writes both into the record (AsyncDriver on a FakePio), and the firmware
// (real QueueController and CardMemory, the host over the BAR, fake disks)
// hands commands to a disk in the policy's order, at most tags_per_disk at a
// time; with fifo it hands them over as taken, as the paper's card did.
#include "tests/test_card_util.hpp"
#include "tests/test_harness.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"
#include "model/host/async_driver.hpp"
#include "model/host/host_os.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr uint64_t kBar = 0xF0000000;

struct DriverBench : TestBase, HostSide {
  FakePio pio{sc_time(1, SC_US), sc_time(200, SC_NS)};  // x342 PIO figures (PARAMETERS.md)
  HostParams hp;
  HostOs os;
  AsyncDriverParams ap;
  ring::Layout layout;
  AsyncDriver drv;
  explicit DriverBench(sc_core::sc_module_name n = "tb")
      : TestBase(n), HostSide(0x0800'0000, 0x1'0000), hp(host()), os("host", hp), ap(params()), layout(ring_layout(8)),
        drv("aio", os, ap, layout) {
    os.pio.bind(pio);
    drv.done.bind(static_cast<HostSide&>(*this));
  }
  static HostParams host() {
    HostParams h;
    h.cpus = 1;
    h.hz = 0;
    return h;
  }
  static AsyncDriverParams params() {
    AsyncDriverParams p;
    p.bar_base = kBar;
    return p;
  }
  uint64_t req_at(uint32_t i, uint32_t field) const { return kBar + layout.req_rec(i) + field; }
};

// All requests on member 0 (one member), so the order a disk sees is the
// firmware's order only.
struct CardBench : TestBase {
  QueueController qc;
  CardMemory mem;
  TlmHost host;
  Raid0Geometry geo;
  FakeBlockDevice disk;
  FakeDma dma;
  Firmware fw;
  uint32_t hr = 0;
  CardBench(const FirmwareParams& p, sc_time disk_delay, sc_core::sc_module_name n = "tb")
      : TestBase(n), qc("qc", model_qc_params(64)), mem("mem", ring_layout(64), qc), host("host"),
        geo(geometry()), disk("disk0", disk_delay), dma(sc_time(1, SC_US), 500e6), fw("fw", p, mem, qc, geo) {
    host.socket.bind(mem.bar);
    fw.members.bind(disk);
    fw.dma.bind(dma);
  }
  static Raid0Geometry geometry() {
    Raid0Geometry g;
    g.members = 1;
    g.stripe_blocks = 1 << 20;
    g.member_capacity_blocks = 1 << 20;
    return g;
  }
  // A record as AsyncDriver writes it: fields, then status valid last.
  void post(uint64_t lba, uint64_t deadline_ns, uint32_t stream) {
    post_request(host, mem.layout(), hr,
                 {ring::kCmdRead, lba, 8 * kSectorBytes, 0x4000'0000 + lba * kSectorBytes, 100 + hr, deadline_ns, stream});
  }
  std::vector<uint64_t> lbas() const {
    std::vector<uint64_t> v;
    for (const auto& h : disk.log) v.push_back(h.lba);
    return v;
  }
};

FirmwareParams firmware(IoSchedKind k, int tags) {
  FirmwareParams p;
  p.sched.kind = k;
  p.tags_per_disk = tags;
  return p;
}

// Five reads posted back to back: (lba, deadline ms, stream). Ring order is
// neither sector nor deadline order.
struct Post { uint64_t lba; uint64_t deadline_ms; uint32_t stream; };
const std::vector<Post> kPosts{{800, 40, 0}, {100, 30, 1}, {500, 10, 2}, {300, 20, 3}, {200, 10, 4}};

std::vector<uint64_t> run_card(IoSchedKind k, int tags) {
  // 2 ms per command: every record is taken long before the first is back.
  CardBench tb(firmware(k, tags), sc_time(2, SC_MS));
  tb.run([&] {
    TestBase::wait_to(sc_time(10, SC_US));
    for (const Post& p : kPosts) tb.post(p.lba, p.deadline_ms * 1'000'000, p.stream);
    TestBase::wait_until([&] { return tb.disk.log.size() == kPosts.size() && tb.disk.outstanding() == 0; },
                         sc_time(10, SC_US), sc_time(50, SC_MS));
  }, sc_time(60, SC_MS));
  if (k != IoSchedKind::Fifo) CHECK(max_in_flight({&tb.disk.log}) <= tags);
  return tb.lbas();
}

}  // namespace

TEST_CASE("cm sched ring: the host driver writes the request's deadline (ns) and stream into the record",
          "[cm_sched][async_driver]") {
  DriverBench tb;
  tb.run([&] {
    IoRequest& r = tb.request(4242, 8);
    r.deadline = sc_time(1234567891, SC_PS);  // 1.234567891 ms: whole ns are 1234567
    r.origin = 77;
    IoRequest& s = tb.request(99, 8);         // no deadline
    s.origin = 3;
    tb.os.wake(tb.os.create_task("p"), [&](CpuCtx& c) {
      REQUIRE(tb.drv.submit(c, r));
      REQUIRE(tb.drv.submit(c, s));
      tb.os.exit(c);
    });
  }, sc_time(1, SC_MS));
  CHECK(tb.pio.get<uint64_t>(tb.req_at(0, ring::req::kDeadline)) == 1234567);
  CHECK(tb.pio.get<uint32_t>(tb.req_at(0, ring::req::kStream)) == 77);
  CHECK(tb.pio.get<uint64_t>(tb.req_at(1, ring::req::kDeadline)) == 0);
  CHECK(tb.pio.get<uint32_t>(tb.req_at(1, ring::req::kStream)) == 3);
  CHECK(ring::req::kStream + 4 <= ring::req::kBytes);
}

TEST_CASE("cm sched ring: fifo firmware hands every command to the disk as it takes the request, in ring order",
          "[cm_sched][firmware]") {
  CHECK(run_card(IoSchedKind::Fifo, 1) == std::vector<uint64_t>{800, 100, 500, 300, 200});
}

TEST_CASE("cm sched ring: scan_edf firmware orders its backlog by the deadlines read from the ring",
          "[cm_sched][firmware]") {
  // One tag: the first record goes out as soon as it is taken (nothing else is
  // there yet); the rest wait, then leave by deadline, the two 10 ms ones in
  // sweep order from the end of the last one out (808: both are behind it, so
  // the sweep wraps to the lowest, 200, then goes up to 500).
  CHECK(run_card(IoSchedKind::ScanEdf, 1) == std::vector<uint64_t>{800, 200, 500, 300, 100});
}

TEST_CASE("cm sched ring: round firmware serves the streams read from the ring once per round in sector order",
          "[cm_sched][firmware]") {
  // The first round is stream 0 alone (it was all there was); the next holds
  // the other four streams, in ascending sectors. With two tags the round
  // still goes out in its order.
  CHECK(run_card(IoSchedKind::Round, 2) == std::vector<uint64_t>{800, 100, 200, 300, 500});
}
