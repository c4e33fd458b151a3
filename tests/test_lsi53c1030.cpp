// Lsi53c1030 (Fusion-MPT HBA channel) on its own: the host driver played by a
// TlmHost on its register BAR, fake SCSI targets (FakeBlockDevice), a fake DMA
// engine (FakeDma), and an interrupt line that only records when it was raised.
// Checks the frame fetch, the command at its target, the data DMA, the reply
// with its context, interrupt raising / coalescing / deassertion, and that the
// I/O processor's cycles (Lsi53c1030Params) show in time.
#include "tests/test_harness.hpp"

#include "model/hba/lsi53c1030.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr int kTargets = 4;
constexpr uint64_t kFrames = 0x1000'0000;  // host physical address of the frame pool
const sc_time kDmaSetup(500, SC_NS);       // fake DMA: 0.5 us + 400 MB/s (round figures)
constexpr double kDmaBytesPerS = 400e6;

// The one place the Lsi53c1030 under test is built.
struct LsiBench : TestBase {
  Lsi53c1030Params hp;
  FakeDma dma;
  MptFrameMemory frames{"frames"};  // what the host wrote into each request frame
  std::vector<std::unique_ptr<FakeBlockDevice>> targets;
  Lsi53c1030 hba;
  TlmHost host;
  std::vector<sc_time> irqs;  // each raise of the interrupt line
  sc_core::sc_event irq_ev;

  // The chip's SCSI port: a command goes to the fake target its id names.
  struct Port : BlockDevice {
    LsiBench& tb;
    explicit Port(LsiBench& t) : tb(t) {}
    void submit(IoRequest& r) override { tb.targets.at(size_t(r.target))->submit(r); }
    uint64_t capacity_blocks() const override { return 0; }
  } port{*this};
  // The interrupt controller's input: records each raise.
  struct Line : IrqIf {
    LsiBench& tb;
    explicit Line(LsiBench& t) : tb(t) {}
    void raise() override {
      tb.irqs.push_back(sc_core::sc_time_stamp());
      tb.irq_ev.notify(SC_ZERO_TIME);
    }
  } line{*this};

  LsiBench(const Lsi53c1030Params& p, sc_time target_delay, sc_core::sc_module_name n = "tb")
      : TestBase(n), hp(p), dma(kDmaSetup, kDmaBytesPerS), targets(make_targets(target_delay)),
        hba("hba", p), host("host") {
    hba.dma.bind(dma);
    hba.frames.bind(frames);
    hba.scsi.bind(port);
    hba.irq.bind(line);
    host.socket.bind(hba.regs);
  }
  static std::vector<std::unique_ptr<FakeBlockDevice>> make_targets(sc_time d) {
    std::vector<std::unique_ptr<FakeBlockDevice>> v;
    for (int t = 0; t < kTargets; ++t) v.emplace_back(new FakeBlockDevice(("t" + std::to_string(t)).c_str(), d));
    return v;
  }

  // ---- the host driver's side
  std::vector<std::unique_ptr<IoRequest>> reqs;
  // Writes request frame i (an IoRequest at its frame address) and posts its
  // address to the request FIFO; returns the frame address.
  uint64_t post(IoOp op, int target, uint64_t lba, uint32_t blocks, uint32_t context) {
    const uint64_t frame = kFrames + 128 * reqs.size();
    reqs.emplace_back(new IoRequest);
    IoRequest& r = *reqs.back();
    r.op = op;
    r.target = target;
    r.lba = lba;
    r.blocks = blocks;
    r.host_buffer = 0x2000'0000 + 0x10'0000 * reqs.size();
    frames.write(frame, MptFrame{r.op, r.target, r.lba, r.blocks, r.host_buffer, context, 0});
    const uint32_t addr32 = uint32_t(frame);
    REQUIRE(host.write_bytes(mpt::kRequestFifo, &addr32, 4) == tlm::TLM_OK_RESPONSE);
    return frame;
  }
  uint32_t reg(uint64_t off) { return host.read_as<uint32_t>(off); }
  // The ISR: reads the reply FIFO until it reads "empty".
  std::vector<uint32_t> drain() {
    std::vector<uint32_t> got;
    for (uint32_t v; (v = reg(mpt::kReplyFifo)) != mpt::kEmpty;) got.push_back(v);
    return got;
  }
  uint64_t iop_ps(double cycles) const { return cycles_ps(cycles, hp.iop_hz); }
};

}  // namespace

TEST_CASE("lsi53c1030: frame fetch, command at its target, data DMA, reply with the context, one interrupt",
          "[hba][lsi53c1030]") {
  const sc_time delay(200, SC_US);
  LsiBench tb(Lsi53c1030Params{}, delay);
  uint64_t frame = 0;
  uint32_t status_pending = 9, status_after = 9;
  std::vector<uint32_t> replies;
  tb.run([&] {
    TestBase::wait_to(sc_time(5, SC_US));
    frame = tb.post(IoOp::Read, 2, 1234, 16, 77);
    sc_core::wait(tb.irq_ev);
    status_pending = tb.reg(mpt::kIntStatus);
    replies = tb.drain();
    status_after = tb.reg(mpt::kIntStatus);
  }, sc_time(5, SC_MS));

  const uint64_t t_w = ps(tb.host.log.at(0).start);
  // The IOP fetches the whole frame (frame_bytes) from its host address by DMA...
  REQUIRE(tb.dma.log.size() == 2);
  const auto& fetch = tb.dma.log[0];
  CHECK(!fetch.to_host);
  CHECK(fetch.addr == frame);
  CHECK(fetch.bytes == tb.hp.frame_bytes);
  CHECK(ps(fetch.start) == t_w);
  // ...decodes it (iop_cycles_per_request) and starts the command at target 2 only.
  for (int t : {0, 1, 3}) CHECK(tb.targets[size_t(t)]->log.empty());
  REQUIRE(tb.targets[2]->log.size() == 1);
  const Handed& cmd = tb.targets[2]->log[0];
  CHECK(cmd.lba == 1234);
  CHECK(cmd.blocks == 16);
  CHECK(cmd.op == IoOp::Read);
  CHECK(cmd.host_buffer == tb.reqs[0]->host_buffer);
  CHECK(double(ps(cmd.at)) ==
        Approx(double(ps(fetch.end) + tb.iop_ps(tb.hp.iop_cycles_per_request))).margin(kTolPs));
  // Read data goes to the host buffer when the command is back, then the reply
  // (iop_cycles_per_reply) and the interrupt.
  const auto& data = tb.dma.log[1];
  CHECK(data.to_host);
  CHECK(data.addr == tb.reqs[0]->host_buffer);
  CHECK(data.bytes == 16 * kSectorBytes);
  CHECK(data.start == cmd.done_at);
  REQUIRE(tb.irqs.size() == 1);
  CHECK(double(ps(tb.irqs[0])) ==
        Approx(double(ps(data.end) + tb.iop_ps(tb.hp.iop_cycles_per_reply))).margin(kTolPs));
  CHECK(status_pending == 1);
  CHECK(replies == std::vector<uint32_t>{77});
  CHECK(status_after == 0);
}

TEST_CASE("lsi53c1030: a write moves no data, and a slower IOP shows in the command time", "[hba][lsi53c1030]") {
  Lsi53c1030Params p;
  p.iop_hz = p.iop_hz / 3;  // every IOP step takes three times as long
  LsiBench tb(p, sc_time(50, SC_US));
  std::vector<uint32_t> replies;
  tb.run([&] {
    tb.post(IoOp::Write, 0, 99, 8, 5);
    sc_core::wait(tb.irq_ev);
    replies = tb.drain();
  }, sc_time(2, SC_MS));
  REQUIRE(tb.dma.log.size() == 1);  // the frame fetch only
  REQUIRE(tb.targets[0]->log.size() == 1);
  const Handed& cmd = tb.targets[0]->log[0];
  CHECK(cmd.op == IoOp::Write);
  CHECK(double(ps(cmd.at)) == Approx(double(ps(tb.dma.log[0].end) + tb.iop_ps(p.iop_cycles_per_request))).margin(kTolPs));
  REQUIRE(tb.irqs.size() == 1);
  CHECK(double(ps(tb.irqs[0])) == Approx(double(ps(cmd.done_at) + tb.iop_ps(p.iop_cycles_per_reply))).margin(kTolPs));
  CHECK(replies == std::vector<uint32_t>{5});
}

TEST_CASE("lsi53c1030: the line stays asserted until the ISR reads the FIFO empty", "[hba][lsi53c1030]") {
  LsiBench tb(Lsi53c1030Params{}, sc_time(100, SC_US));
  std::vector<uint32_t> first, second;
  size_t irqs_before_drain = 0;
  tb.run([&] {
    tb.post(IoOp::Read, 0, 0, 8, 1);
    tb.post(IoOp::Read, 1, 0, 8, 2);
    // A slow ISR: it starts only once both replies are in. Reading the status
    // register does not deassert the line.
    TestBase::wait_until([&] { return tb.targets[1]->log.size() == 1 && tb.targets[1]->log[0].done; },
                         sc_time(1, SC_US), sc_time(1, SC_MS));
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(100, SC_US));
    tb.reg(mpt::kIntStatus);
    irqs_before_drain = tb.irqs.size();
    first = tb.drain();
    // Line deasserted: the next reply raises it again.
    tb.post(IoOp::Read, 3, 0, 8, 3);
    sc_core::wait(tb.irq_ev);
    second = tb.drain();
  }, sc_time(5, SC_MS));
  CHECK(irqs_before_drain == 1);  // one interrupt for two replies
  CHECK(first == std::vector<uint32_t>{1, 2});
  CHECK(second == std::vector<uint32_t>{3});
  CHECK(tb.irqs.size() == 2);
}

namespace {

// Six requests whose replies come ~300 us apart (each alone in the chip, the
// ISR draining the FIFO before the next): with coalesce_count n there is one
// interrupt per n replies, raised with the n-th reply of its batch.
void check_coalescing(int count) {
  Lsi53c1030Params p;
  p.coalesce_count = count;
  LsiBench tb(p, sc_time(100, SC_US));
  for (int t = 0; t < kTargets; ++t)
    tb.targets[size_t(t)]->delay_of = [](const IoRequest& r) { return sc_time(100 + 300 * double(r.lba), SC_US); };
  std::vector<std::vector<uint32_t>> batches;
  tb.spawn([&] {  // the ISR
    for (;;) {
      sc_core::wait(tb.irq_ev);
      batches.push_back(tb.drain());
    }
  });
  const uint32_t n = 6;
  tb.run([&] {
    for (uint32_t i = 0; i < n; ++i) tb.post(IoOp::Read, int(i % kTargets), i, 8, 10 + i);
  }, sc_time(10, SC_MS));

  REQUIRE(tb.irqs.size() == n / uint32_t(count));
  std::vector<std::vector<uint32_t>> want(n / uint32_t(count));
  for (uint32_t i = 0; i < n; ++i) want[i / uint32_t(count)].push_back(10 + i);
  CHECK(batches == want);
  // A reply is posted iop_cycles_per_reply after its data DMA ends.
  std::vector<sc_time> data_end;
  for (const auto& x : tb.dma.log)
    if (x.to_host) data_end.push_back(x.end);
  REQUIRE(data_end.size() == n);
  for (size_t b = 0; b < tb.irqs.size(); ++b) {
    const size_t last = (b + 1) * size_t(count) - 1;  // the batch's last reply
    CHECK(double(ps(tb.irqs[b])) == Approx(double(ps(data_end[last]) + tb.iop_ps(p.iop_cycles_per_reply))).margin(kTolPs));
  }
}

}  // namespace

TEST_CASE("lsi53c1030: without coalescing, one interrupt per reply", "[hba][lsi53c1030]") { check_coalescing(1); }

TEST_CASE("lsi53c1030: coalescing raises once per coalesce_count replies", "[hba][lsi53c1030]") { check_coalescing(3); }

TEST_CASE("lsi53c1030: a partial batch is announced after the coalescing timeout", "[hba][lsi53c1030]") {
  Lsi53c1030Params p;
  p.coalesce_count = 4;
  p.coalesce_timeout_s = 50e-6;
  LsiBench tb(p, sc_time(100, SC_US));
  std::vector<uint32_t> replies;
  tb.run([&] {
    tb.post(IoOp::Read, 0, 0, 8, 1);
    tb.post(IoOp::Read, 1, 0, 8, 2);
    sc_core::wait(tb.irq_ev);
    replies = tb.drain();
  }, sc_time(2, SC_MS));
  REQUIRE(tb.irqs.size() == 1);
  // The timer starts at the first unannounced reply; the second (within 50 us)
  // does not restart it.
  const sc_time first_reply = tb.dma.log.at(2).end + at_ps(tb.iop_ps(p.iop_cycles_per_reply));
  REQUIRE(tb.dma.log.size() == 4);
  CHECK(tb.dma.log[2].to_host);
  CHECK(double(ps(tb.irqs[0])) == Approx(double(ps(first_reply) + ps(sc_time(50, SC_US)))).margin(kTolPs));
  CHECK(replies == std::vector<uint32_t>{1, 2});
}

TEST_CASE("lsi53c1030: registers outside the MPT interface are an error response", "[hba][lsi53c1030]") {
  LsiBench tb(Lsi53c1030Params{}, sc_time(10, SC_US));
  tlm::tlm_response_status w_reply = tlm::TLM_OK_RESPONSE, r_zero = tlm::TLM_OK_RESPONSE,
                           r_req = tlm::TLM_OK_RESPONSE;
  tb.run([&] {
    uint32_t v = 0x1234;
    // A write to the reply FIFO gives a reply frame back (MPI, issue 11): any
    // other value is refused.
    w_reply = tb.host.write_bytes(mpt::kReplyFifo, &v, 4);
    r_zero = tb.host.read_bytes(0x0, &v, 4);
    r_req = tb.host.read_bytes(mpt::kRequestFifo, &v, 4);  // the request FIFO is write-only
  }, sc_time(1, SC_MS));
  CHECK(w_reply == tlm::TLM_GENERIC_ERROR_RESPONSE);
  CHECK(r_zero == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(r_req == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(tb.dma.log.empty());
  CHECK(tb.irqs.empty());
}
