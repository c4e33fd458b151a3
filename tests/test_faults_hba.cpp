// The LSI 53C1030's error path on its own (issue 11): a command that comes
// back CHECK CONDITION moves no data; the chip writes a reply frame and the
// sense into host memory by DMA and posts an MPI address reply (A bit, frame
// address >> 1); the frame names the request and carries IOCStatus,
// SCSIStatus, SCSIState and the sense; the host gives the frame back through
// the reply FIFO register, and a frame the chip does not own is refused.
#include "tests/test_harness.hpp"

#include "model/fault/fault.hpp"
#include "model/hba/lsi53c1030.hpp"

using namespace iosim;
using namespace iosim::test;

namespace {

constexpr uint64_t kFrame = 0x1000'0000;
constexpr int kSense = scsi::check_condition(scsi::kSenseMediumError, scsi::kAscUnrecoveredRead);

struct Bench : TestBase {
  Lsi53c1030Params hp;
  FakeDma dma{sc_time(500, SC_NS), 400e6};
  MptFrameMemory frames{"frames"};
  Lsi53c1030 hba;
  TlmHost host{"host"};
  sc_core::sc_event irq_ev;
  int irqs = 0;
  // The SCSI side: every command ends CHECK CONDITION with the sense above, 100 us later.
  struct Port : sc_core::sc_module, BlockDevice {
    SC_HAS_PROCESS(Port);
    explicit Port(sc_core::sc_module_name n) : sc_module(n) {
      SC_METHOD(finish);
      sensitive << ev;
      dont_initialize();
    }
    void submit(IoRequest& r) override {
      held.push_back(&r);
      ev.notify(sc_time(100, SC_US));
    }
    uint64_t capacity_blocks() const override { return 0; }
    void finish() {
      for (IoRequest* r : held) {
        r->status = kSense;
        r->on_done(*r);
      }
      held.clear();
    }
    std::vector<IoRequest*> held;
    sc_core::sc_event ev;
  } port{"port"};
  struct Line : IrqIf {
    Bench& tb;
    explicit Line(Bench& t) : tb(t) {}
    void raise() override { ++tb.irqs; tb.irq_ev.notify(SC_ZERO_TIME); }
  } line{*this};

  explicit Bench(const Lsi53c1030Params& p) : TestBase("tb"), hp(p), hba("hba", p) {
    hba.dma.bind(dma);
    hba.frames.bind(frames);
    hba.scsi.bind(port);
    hba.irq.bind(line);
    host.socket.bind(hba.regs);
  }
};

}  // namespace

TEST_CASE("faults: LSI 53C1030: CHECK CONDITION -> address reply with the sense, no data DMA, frame given back",
          "[faults][hba]") {
  Lsi53c1030Params p;
  p.reply_frames_base = 0x1080'0000;
  p.reply_frames = 2;
  Bench tb(p);
  std::vector<uint32_t> words;
  MptReply rep;
  tlm::tlm_response_status give_back = tlm::TLM_INCOMPLETE_RESPONSE, again = tlm::TLM_INCOMPLETE_RESPONSE;
  tb.run([&] {
    tb.frames.write(kFrame, MptFrame{IoOp::Read, 3, 1000, 8, 0x2000'0000, 42, 7});
    const uint32_t a = uint32_t(kFrame);
    REQUIRE(tb.host.write_bytes(mpt::kRequestFifo, &a, 4) == tlm::TLM_OK_RESPONSE);
    sc_core::wait(tb.irq_ev);
    for (uint32_t v; (v = tb.host.read_as<uint32_t>(mpt::kReplyFifo)) != mpt::kEmpty;) words.push_back(v);
    REQUIRE(words.size() == 1);
    const uint32_t addr = (words[0] & ~mpi::kAddressReplyBit) << 1;
    rep = tb.frames.take_reply(addr);
    give_back = tb.host.write_bytes(mpt::kReplyFifo, &addr, 4);
    again = tb.host.write_bytes(mpt::kReplyFifo, &addr, 4);  // already the chip's: refused
  }, sc_time(5, SC_MS));
  REQUIRE(words.size() == 1);
  CHECK((words[0] & mpi::kAddressReplyBit) != 0);
  CHECK(((words[0] & ~mpi::kAddressReplyBit) << 1) == p.reply_frames_base);  // the first free frame
  CHECK(rep.context == 42);
  CHECK(rep.ioc_status == mpi::kIocStatusScsiDataUnderrun);
  CHECK(rep.scsi_status == scsi::kCheckCondition);
  CHECK(rep.scsi_state == mpi::kScsiStateAutosenseValid);
  CHECK(rep.sense == kSense);
  CHECK(give_back == tlm::TLM_OK_RESPONSE);
  CHECK(again == tlm::TLM_GENERIC_ERROR_RESPONSE);
  CHECK(tb.irqs == 1);
  // DMA: the frame fetch (host -> chip), then the reply frame + sense (chip ->
  // host) at the reply frame; never the read's data at its buffer.
  REQUIRE(tb.dma.log.size() == 2);
  CHECK_FALSE(tb.dma.log[0].to_host);
  CHECK(tb.dma.log[1].to_host);
  CHECK(tb.dma.log[1].addr == p.reply_frames_base);
  CHECK(tb.dma.log[1].bytes == p.reply_frame_bytes + p.sense_bytes);
}

TEST_CASE("faults: LSI 53C1030: with every reply frame out, an error reply waits for one given back", "[faults][hba]") {
  Lsi53c1030Params p;
  p.reply_frames = 1;
  Bench tb(p);
  std::vector<uint32_t> first, second;
  sc_time t_second;
  tb.run([&] {
    for (uint32_t i = 0; i < 2; ++i) {
      const uint64_t f = kFrame + 128 * i;
      tb.frames.write(f, MptFrame{IoOp::Read, 1, 8 * i, 8, 0x2000'0000, 10 + i, i});
      const uint32_t a = uint32_t(f);
      REQUIRE(tb.host.write_bytes(mpt::kRequestFifo, &a, 4) == tlm::TLM_OK_RESPONSE);
    }
    sc_core::wait(tb.irq_ev);
    for (uint32_t v; (v = tb.host.read_as<uint32_t>(mpt::kReplyFifo)) != mpt::kEmpty;) first.push_back(v);
    // Hold the only frame 1 ms: the second error reply cannot be posted.
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(1, SC_MS));
    CHECK(tb.host.read_as<uint32_t>(mpt::kReplyFifo) == mpt::kEmpty);
    const uint32_t addr = (first.at(0) & ~mpi::kAddressReplyBit) << 1;
    (void)tb.frames.take_reply(addr);
    const sc_time given = sc_core::sc_time_stamp();
    REQUIRE(tb.host.write_bytes(mpt::kReplyFifo, &addr, 4) == tlm::TLM_OK_RESPONSE);
    sc_core::wait(tb.irq_ev);
    t_second = sc_core::sc_time_stamp() - given;
    for (uint32_t v; (v = tb.host.read_as<uint32_t>(mpt::kReplyFifo)) != mpt::kEmpty;) second.push_back(v);
  }, sc_time(10, SC_MS));
  CHECK(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(tb.frames.take_reply((second[0] & ~mpi::kAddressReplyBit) << 1).context == 11);
  CHECK(t_second > sc_time(0, SC_NS));
  CHECK(t_second < sc_time(100, SC_US));  // the IOP's error-reply work and one DMA, not another command
}
