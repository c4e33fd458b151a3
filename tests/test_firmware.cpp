// Firmware (the I/O card's embedded CPU) on its own: a real QueueController
// ("model" core) and CardMemory, the host side played through the card's BAR
// (TlmHost), fake RAID0 members (FakeBlockDevice) and a fake DMA engine
// (FakeDma). Checks what it takes, how RAID0 splits it, what it DMAs where and
// when, what it posts, and that its cycle costs (FirmwareParams) show in time.
#include "tests/test_card_util.hpp"
#include "tests/test_harness.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/firmware.hpp"
#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr uint32_t kMembers = 4;
constexpr uint64_t kStripeBlocks = 16;  // 8 KiB stripe unit: small, so a 12 KiB request crosses a boundary
// Fake DMA: 1 us to set up, then 500 MB/s (a round figure near PCI-X 64/133's
// sustained DMA rate; only its presence in the timeline matters here).
const sc_time kDmaSetup(1, SC_US);
constexpr double kDmaBytesPerS = 500e6;

// The one place the Firmware under test is built (constructors are changing).
struct FirmwareBench : TestBase {
  FirmwareParams fp;
  QueueController qc;
  CardMemory mem;
  TlmHost host;
  Raid0Geometry geo;
  std::vector<std::unique_ptr<FakeBlockDevice>> disks;
  FakeDma dma;
  Firmware fw;

  FirmwareBench(const FirmwareParams& p, uint32_t depth, const std::vector<sc_time>& disk_delay,
                sc_core::sc_module_name n = "tb")
      : TestBase(n), fp(p), qc("qc", model_qc_params(depth)), mem("mem", ring_layout(depth), qc),
        host("host"), geo(geometry()), disks(make_disks(disk_delay)), dma(kDmaSetup, kDmaBytesPerS),
        fw("fw", p, mem, qc, geo) {
    host.socket.bind(mem.bar);
    for (BlockDevice* d : members()) fw.members.bind(*d);
    fw.dma.bind(dma);
  }

  static Raid0Geometry geometry() {
    Raid0Geometry g;
    g.members = kMembers;
    g.stripe_blocks = kStripeBlocks;
    g.member_capacity_blocks = 1 << 20;
    return g;
  }
  static std::vector<std::unique_ptr<FakeBlockDevice>> make_disks(const std::vector<sc_time>& d) {
    std::vector<std::unique_ptr<FakeBlockDevice>> v;
    for (uint32_t k = 0; k < kMembers; ++k)
      v.emplace_back(new FakeBlockDevice(("disk" + std::to_string(k)).c_str(), d.at(k)));
    return v;
  }
  std::vector<BlockDevice*> members() {
    std::vector<BlockDevice*> v;
    for (auto& d : disks) v.push_back(d.get());
    return v;
  }

  // ---- the host side, over the BAR, as the async driver does it
  uint32_t hr = 0, hc = 0;  // the host's P_HR and P_HC
  // Fields first, status valid last; returns when the status write was issued (ps).
  uint64_t post(IoOp op, uint64_t lba, uint32_t bytes, uint64_t buffer, uint64_t callback) {
    post_request(host, mem.layout(), hr,
                 {op == IoOp::Read ? ring::kCmdRead : ring::kCmdWrite, lba, bytes, buffer, callback});
    return ps(host.log.back().start);
  }
  struct Cpl { uint8_t status, command; uint64_t lbn, callback; };
  // Reads the completion record at P_HC (status through the controller's view).
  Cpl completion() {
    const ring::Layout& l = mem.layout();
    uint8_t rec[ring::cpl::kBytes] = {};
    REQUIRE(host.read_bytes(l.cpl_rec(hc), rec, ring::cpl::kBytes) == tlm::TLM_OK_RESPONSE);
    return {rec[ring::cpl::kStatus], rec[ring::cpl::kCommand], ring::get<uint64_t>(rec, ring::cpl::kLbn),
            ring::get<uint64_t>(rec, ring::cpl::kCallback)};
  }
  void pop_completion() {
    const uint8_t invalid = ring::kInvalid;
    REQUIRE(host.write_bytes(mem.layout().cpl_rec(hc) + ring::cpl::kStatus, &invalid, 1) == tlm::TLM_OK_RESPONSE);
    hc = (hc + 1) % mem.layout().depth;
  }
  size_t commands() const {
    size_t n = 0;
    for (auto& d : disks) n += d->log.size();
    return n;
  }
  // Firmware costs and clocks in ps.
  uint64_t fw_ps(double cycles) const { return cycles_ps(cycles, fp.cpu_hz); }
  uint64_t poll_ps() const { return uint64_t(std::llround(fp.poll_interval_s * 1e12)); }
  uint64_t qc_ps() const { return ps(qc.period()); }
  // First time (ps) the completion ring holds n records, sampled 1 ps after
  // every controller edge (edges are multiples of the period).
  uint64_t wait_completions(uint32_t n) {
    wait_to(at_ps(edge_after(ps(sc_core::sc_time_stamp()), qc_ps()) + 1));
    return ps(wait_until([&] { return qc.state().cpl_count >= n; }, qc.period(), sc_time(50, SC_MS))) - 1;
  }
};

}  // namespace

TEST_CASE("firmware: a read split at a stripe boundary, DMA after the last piece, completion with its callback",
          "[firmware][card]") {
  // Member 1 answers in 100 us, member 2 in 300 us: the second piece is the last.
  const sc_time us100(100, SC_US), us300(300, SC_US);
  FirmwareBench tb(FirmwareParams{}, 64, {us100, us100, us300, us100});
  // lba 88 = stripe unit 5 (88 / 16), 8 sectors into it; 24 sectors (12 KiB)
  // cover the last 8 sectors of unit 5 and the first 16 of unit 6. Unit u lives
  // on member u % 4 at member lba (u / 4) * 16: unit 5 -> member 1, lba 16 + 8;
  // unit 6 -> member 2, lba 16.
  const uint64_t lba = 88, buffer = 0x4000'0000, callback = 0xC0FFEE0001;
  const uint32_t bytes = 24 * kSectorBytes;
  uint64_t t_w = 0, t_cpl = 0;
  FirmwareBench::Cpl cpl{};
  tb.run([&] {
    TestBase::wait_to(sc_time(10, SC_US));
    t_w = tb.post(IoOp::Read, lba, bytes, buffer, callback);
    t_cpl = tb.wait_completions(1);
    cpl = tb.completion();
    tb.pop_completion();
  }, sc_time(5, SC_MS));

  REQUIRE(tb.disks[1]->log.size() == 1);
  REQUIRE(tb.disks[2]->log.size() == 1);
  CHECK(tb.disks[0]->log.empty());
  CHECK(tb.disks[3]->log.empty());
  const Handed& a = tb.disks[1]->log[0];
  const Handed& b = tb.disks[2]->log[0];
  CHECK(a.op == IoOp::Read);
  CHECK(a.lba == 24);
  CHECK(a.blocks == 8);
  CHECK(a.host_buffer == buffer);  // first piece starts the buffer
  CHECK(b.op == IoOp::Read);
  CHECK(b.lba == 16);
  CHECK(b.blocks == 16);
  CHECK(b.host_buffer == buffer + 8 * kSectorBytes);  // after the first piece's 8 sectors

  // Timeline from FirmwareParams: the status write is a request push at the
  // controller's next edge; the firmware resumes at its next poll instant,
  // takes the record (take_cycles), pops it at the next edge, maps
  // (map_cycles) and issues each piece (issue_cycles each).
  const uint64_t T = tb.qc_ps(), P = tb.poll_ps();
  const uint64_t e1 = edge_after(t_w, T);
  const uint64_t t1 = ceil_to(e1, P);
  const uint64_t e2 = edge_after(t1 + tb.fw_ps(tb.fp.take_cycles), T);
  const uint64_t s0 = e2 + tb.fw_ps(tb.fp.map_cycles) + tb.fw_ps(tb.fp.issue_cycles);
  const uint64_t s1 = s0 + tb.fw_ps(tb.fp.issue_cycles);
  CHECK(double(ps(a.at)) == Approx(double(s0)).margin(kTolPs));
  CHECK(double(ps(b.at)) == Approx(double(s1)).margin(kTolPs));
  REQUIRE(b.done);
  CHECK(ps(b.done_at) == ps(b.at) + ps(us300));

  // The last piece back: at the next poll instant, scsi_done_cycles then
  // dma_setup_cycles, then the DMA engine moves the whole request to the host
  // buffer in one transfer.
  REQUIRE(tb.dma.log.size() == 1);
  const FakeDma::Transfer& x = tb.dma.log[0];
  CHECK(x.to_host);
  CHECK(x.addr == buffer);
  CHECK(x.bytes == bytes);
  const uint64_t d0 = ceil_to(ps(b.done_at), P) + tb.fw_ps(tb.fp.scsi_done_cycles) + tb.fw_ps(tb.fp.dma_setup_cycles);
  CHECK(double(ps(x.start)) == Approx(double(d0)).margin(kTolPs));
  CHECK(x.start > a.done_at);
  CHECK(x.end == x.start + tb.dma.duration(bytes));

  // DMA done: next poll instant, post_cycles, the completion push takes the
  // next controller edge (sampled to within one period).
  const uint64_t e3 = edge_after(ceil_to(ps(x.end), P) + tb.fw_ps(tb.fp.post_cycles), T);
  CHECK(double(t_cpl) == Approx(double(e3)).margin(double(T)));
  CHECK(cpl.status == ring::kValid);
  CHECK(cpl.command == ring::kCmdRead);
  CHECK(cpl.lbn == lba);
  CHECK(cpl.callback == callback);  // copied from the request record, untouched
  CHECK(tb.qc.state().p_sr == 1);
  CHECK(tb.qc.state().p_sc == 1);
  CHECK(tb.qc.state().cpl_count == 0);  // popped by the host
}

TEST_CASE("firmware: a write does no DMA and posts after the firmware's costs", "[firmware][card]") {
  const sc_time d(50, SC_US);
  FirmwareParams fp;
  fp.cpu_hz = 300e6;  // a slower card CPU: every step's time doubles, and must show
  FirmwareBench tb(fp, 64, {d, d, d, d});
  const uint64_t callback = 0xABCD;
  uint64_t t_w = 0, t_cpl = 0;
  FirmwareBench::Cpl cpl{};
  tb.run([&] {
    TestBase::wait_to(sc_time(3, SC_US));
    t_w = tb.post(IoOp::Write, 32 * 16, 4096, 0x1000, callback);  // unit 32 -> member 0, lba 8 * 16
    t_cpl = tb.wait_completions(1);
    cpl = tb.completion();
  }, sc_time(2, SC_MS));

  CHECK(tb.dma.log.empty());
  REQUIRE(tb.disks[0]->log.size() == 1);
  const Handed& h = tb.disks[0]->log[0];
  CHECK(h.op == IoOp::Write);
  CHECK(h.lba == 8 * 16);
  CHECK(h.blocks == 8);
  const uint64_t T = tb.qc_ps(), P = tb.poll_ps();
  const uint64_t e2 = edge_after(ceil_to(edge_after(t_w, T), P) + tb.fw_ps(fp.take_cycles), T);
  CHECK(double(ps(h.at)) == Approx(double(e2 + tb.fw_ps(fp.map_cycles) + tb.fw_ps(fp.issue_cycles))).margin(kTolPs));
  // No data to move: the job goes from the DMA queue straight to posting, at
  // the poll instant after scsi_done + dma_setup.
  const uint64_t d0 = ceil_to(ps(h.done_at), P) + tb.fw_ps(fp.scsi_done_cycles) + tb.fw_ps(fp.dma_setup_cycles);
  const uint64_t e3 = edge_after(ceil_to(d0, P) + tb.fw_ps(fp.post_cycles), T);
  CHECK(double(t_cpl) == Approx(double(e3)).margin(double(T)));
  CHECK(cpl.status == ring::kValid);
  CHECK(cpl.command == ring::kCmdWrite);
  CHECK(cpl.callback == callback);
}

TEST_CASE("firmware: with max_jobs requests in the card nothing more is taken", "[firmware][card]") {
  const sc_time d(1, SC_MS);
  FirmwareParams fp;
  fp.max_jobs = 2;
  FirmwareBench tb(fp, 16, {d, d, d, d});
  size_t at_half_ms = 0;
  uint32_t ring_at_half_ms = 0;
  tb.run([&] {
    for (uint64_t k = 0; k < 4; ++k) tb.post(IoOp::Read, 16 * k, 4096, 0x10000 * (k + 1), 100 + k);  // member k
    TestBase::wait_to(sc_time(500, SC_US));
    at_half_ms = tb.commands();
    ring_at_half_ms = tb.qc.state().req_count;
    tb.wait_completions(4);
  }, sc_time(20, SC_MS));

  CHECK(at_half_ms == 2);       // two descriptors: two requests taken...
  CHECK(ring_at_half_ms == 2);  // ...and two still valid on the request ring
  std::vector<const std::vector<Handed>*> logs;
  for (auto& disk : tb.disks) logs.push_back(&disk->log);
  CHECK(max_in_flight(logs) == 2);
  REQUIRE(tb.commands() == 4);
  REQUIRE(tb.dma.log.size() == 4);
  // A descriptor is freed when its completion is posted, after its DMA: the
  // third request is taken only after the first DMA ended.
  CHECK(tb.disks[2]->log[0].at > tb.dma.log[0].end);
  CHECK(tb.qc.state().cpl_count == 4);
}

TEST_CASE("firmware: takes a request only with a completion slot kept for it", "[firmware][card]") {
  const sc_time d(20, SC_US);
  FirmwareBench tb(FirmwareParams{}, 4, {d, d, d, d});  // rings of 4 records
  size_t after_full = 0, after_pop = 0;
  uint32_t req_after_full = 0;
  tb.run([&] {
    for (uint64_t k = 0; k < 4; ++k) tb.post(IoOp::Read, 16 * k, 4096, 0x10000 * (k + 1), k);
    tb.wait_completions(4);  // completion ring full, the host does not drain it
    for (uint64_t k = 4; k < 8; ++k) tb.post(IoOp::Read, 16 * k, 4096, 0x10000 * (k + 1), k);
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(1, SC_MS));
    after_full = tb.commands();
    req_after_full = tb.qc.state().req_count;
    tb.pop_completion();
    tb.pop_completion();
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(1, SC_MS));
    after_pop = tb.commands();
  }, sc_time(10, SC_MS));

  CHECK(after_full == 4);      // jobs in card + valid completions < 4: nothing taken
  CHECK(req_after_full == 4);  // the four new requests wait on the ring
  CHECK(after_pop == 6);       // two slots freed: exactly two more taken
  CHECK(tb.qc.state().req_count == 2);
  CHECK(tb.qc.state().cpl_count == 4);
}
