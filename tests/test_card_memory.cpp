// CardMemory (the card's BAR: the two rings) with a real QueueController
// ("model" core) and the host played by a TlmHost bound to the BAR; then the
// whole IoCard with fake disks on real SCSI buses and its DMA into a real
// PcixBus + HostMemory.
#include "tests/test_harness.hpp"
#include "tests/test_scsi_fakes.hpp"

#include "model/card/card_memory.hpp"
#include "model/card/io_card.hpp"
#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"
#include "model/pcix/host_memory.hpp"
#include "model/pcix/pcix_bus.hpp"

#include <memory>

using namespace iosim;
using namespace iosim::test;

namespace {


// The one place the CardMemory under test is built.
struct CardMemoryBench : TestBase {
  QueueController qc;
  CardMemory mem;
  TlmHost host;
  sc_time posted_at, taken_at;  // last request_posted / completion_taken notification
  int posted = 0, taken = 0;

  explicit CardMemoryBench(uint32_t depth, sc_core::sc_module_name n = "tb")
      : TestBase(n), qc("qc", model_qc_params(depth)), mem("mem", ring_layout(depth), qc), host("host") {
    host.socket.bind(mem.bar);
    spawn([this] { for (;;) { sc_core::wait(mem.request_posted()); ++posted; posted_at = sc_core::sc_time_stamp(); } });
    spawn([this] { for (;;) { sc_core::wait(mem.completion_taken()); ++taken; taken_at = sc_core::sc_time_stamp(); } });
  }
  const ring::Layout& l() const { return mem.layout(); }
  uint8_t read_byte(uint64_t off) { return host.read_as<uint8_t>(off); }
  tlm::tlm_response_status write_byte(uint64_t off, uint8_t v) { return host.write_bytes(off, &v, 1); }
};

}  // namespace

TEST_CASE("card memory: ring layout, tail flags and out-of-range accesses", "[card][card_memory]") {
  const uint32_t depth = 5000;  // the paper's rings
  CardMemoryBench tb(depth);
  const ring::Layout& l = tb.l();
  // Records are packed back to back, each ring starts on a 4 KiB page (the
  // window is mapped page by page) and is no longer than it needs to be.
  CHECK(l.req_rec(0) == 0);
  CHECK(l.req_rec(1) - l.req_rec(0) == ring::req::kBytes);
  CHECK(l.cpl_rec(1) - l.cpl_rec(0) == ring::cpl::kBytes);
  CHECK(l.cpl_base() % 4096 == 0);
  CHECK(l.cpl_base() >= uint64_t(depth) * ring::req::kBytes);
  CHECK(l.cpl_base() - uint64_t(depth) * ring::req::kBytes < 4096);
  CHECK(l.bytes() % 4096 == 0);
  CHECK(l.bytes() >= l.cpl_base() + uint64_t(depth) * ring::cpl::kBytes);
  CHECK(l.bytes() - l.cpl_base() - uint64_t(depth) * ring::cpl::kBytes < 4096);

  uint8_t tail_req_last = 0, tail_req_first = 1, tail_cpl_last = 0, tail_cpl_first = 1;
  tlm::tlm_response_status past_end = tlm::TLM_OK_RESPONSE, straddle = tlm::TLM_OK_RESPONSE,
                           write_past_end = tlm::TLM_OK_RESPONSE, last_byte = tlm::TLM_INCOMPLETE_RESPONSE;
  tb.run([&] {
    // The tail flag marks the last record of each ring (both sides wrap there).
    tail_req_last = tb.read_byte(l.req_rec(depth - 1) + ring::req::kTail);
    tail_req_first = tb.read_byte(l.req_rec(0) + ring::req::kTail);
    tail_cpl_last = tb.read_byte(l.cpl_rec(depth - 1) + ring::cpl::kTail);
    tail_cpl_first = tb.read_byte(l.cpl_rec(0) + ring::cpl::kTail);
    uint64_t v = 0;
    last_byte = tb.host.read_bytes(l.bytes() - 1, &v, 1);
    past_end = tb.host.read_bytes(l.bytes(), &v, 1);
    straddle = tb.host.read_bytes(l.bytes() - 4, &v, 8);
    write_past_end = tb.host.write_bytes(l.bytes(), &v, 4);
  }, sc_time(1, SC_MS));
  CHECK(tail_req_last == 1);
  CHECK(tail_req_first == 0);
  CHECK(tail_cpl_last == 1);
  CHECK(tail_cpl_first == 0);
  CHECK(last_byte == tlm::TLM_OK_RESPONSE);
  CHECK(past_end == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(straddle == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(write_past_end == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(tb.qc.cycles_clocked() == 0);  // no status byte touched: the controller never clocked
}

TEST_CASE("card memory: the host's status write is a request push at the controller's next edge",
          "[card][card_memory]") {
  CardMemoryBench tb(4);
  const ring::Layout& l = tb.l();
  uint8_t fields[ring::req::kBytes - ring::req::kCommand];
  for (size_t i = 0; i < sizeof fields; ++i) fields[i] = uint8_t(0x20 + i);
  uint32_t count_after_fields = 99;
  uint8_t back[sizeof fields] = {};
  uint8_t status_next = 99, status_full = 99;
  TlmHost::Access push{};
  tb.run([&] {
    TestBase::wait_to(sc_time(1, SC_US));
    // Fields alone are plain memory: no controller operation.
    REQUIRE(tb.host.write_bytes(l.req_rec(0) + ring::req::kCommand, fields, sizeof fields) == tlm::TLM_OK_RESPONSE);
    count_after_fields = tb.qc.state().req_count;
    REQUIRE(tb.write_byte(l.req_rec(0) + ring::req::kStatus, ring::kValid) == tlm::TLM_OK_RESPONSE);
    push = tb.host.log.back();
    // Reads return the written bytes (not the status byte: that belongs to the
    // controller, and record 0 is no longer at P_HR).
    REQUIRE(tb.host.read_bytes(l.req_rec(0) + ring::req::kCommand, back, sizeof back) == tlm::TLM_OK_RESPONSE);
    // The status at P_HR reads "invalid" while the ring has room...
    status_next = tb.read_byte(l.req_rec(1) + ring::req::kStatus);
    for (uint32_t i = 1; i < 4; ++i) REQUIRE(tb.write_byte(l.req_rec(i) + ring::req::kStatus, ring::kValid) == tlm::TLM_OK_RESPONSE);
    // ...and "valid" once P_HR has wrapped onto a record still valid: full.
    status_full = tb.read_byte(l.req_rec(0) + ring::req::kStatus);
  }, sc_time(1, SC_MS));

  CHECK(count_after_fields == 0);
  // The write blocks the host until the edge that sampled the push strobe.
  const uint64_t T = ps(tb.qc.period());
  CHECK(ps(push.end) == edge_after(ps(push.start), T));
  CHECK(tb.posted == 4);
  CHECK(tb.qc.state().req_count == 4);
  CHECK(tb.qc.state().req_full);
  CHECK(tb.qc.state().p_hr == 0);
  CHECK(std::equal(fields, fields + sizeof fields, back));
  // The firmware's local view is the same bytes.
  CHECK(std::equal(fields, fields + sizeof fields, tb.mem.req_record(0) + ring::req::kCommand));
  CHECK(status_next == ring::kInvalid);
  CHECK(status_full == ring::kValid);
}

TEST_CASE("card memory: a posted completion reads valid at P_HC, the host's invalid write pops it",
          "[card][card_memory]") {
  CardMemoryBench tb(8);
  const ring::Layout& l = tb.l();
  uint8_t status_before = 99, status_after_push = 99, status_next = 99;
  uint64_t callback = 0, lbn = 0;
  TlmHost::Access pop{};
  tb.run([&] {
    REQUIRE(tb.write_byte(l.req_rec(0) + ring::req::kStatus, ring::kValid) == tlm::TLM_OK_RESPONSE);
    status_before = tb.read_byte(l.cpl_rec(0) + ring::cpl::kStatus);
    // Firmware side (local bus): take the request, fill completion 0, push it.
    REQUIRE(tb.qc.card_pop_request());
    uint8_t* r = tb.mem.cpl_record(0);
    r[ring::cpl::kCommand] = ring::kCmdRead;
    ring::put<uint64_t>(r, ring::cpl::kLbn, 777);
    ring::put<uint64_t>(r, ring::cpl::kCallback, 0xFEEDFACE);
    REQUIRE(tb.qc.card_push_completion());
    status_after_push = tb.read_byte(l.cpl_rec(0) + ring::cpl::kStatus);
    callback = tb.host.read_as<uint64_t>(l.cpl_rec(0) + ring::cpl::kCallback);
    lbn = tb.host.read_as<uint64_t>(l.cpl_rec(0) + ring::cpl::kLbn);
    TestBase::wait_to(sc_core::sc_time_stamp() + sc_time(3, SC_US));
    REQUIRE(tb.write_byte(l.cpl_rec(0) + ring::cpl::kStatus, ring::kInvalid) == tlm::TLM_OK_RESPONSE);
    pop = tb.host.log.back();
    status_next = tb.read_byte(l.cpl_rec(1) + ring::cpl::kStatus);
  }, sc_time(1, SC_MS));

  CHECK(status_before == ring::kInvalid);
  CHECK(status_after_push == ring::kValid);
  CHECK(callback == 0xFEEDFACE);
  CHECK(lbn == 777);
  CHECK(tb.taken == 1);
  CHECK(tb.taken_at == pop.end);  // notified at the edge that popped it
  CHECK(ps(pop.end) == edge_after(ps(pop.start), ps(tb.qc.period())));
  CHECK(tb.qc.state().cpl_count == 0);
  CHECK(tb.qc.state().p_hc == 1);
  CHECK(status_next == ring::kInvalid);
}

// ---------------------------------------------------------------- IoCard
namespace {

constexpr uint64_t kMemSize = 0xE0000000ull;  // host RAM window in bus space (as the platform maps it)

// The one place the IoCard under test is built: two SCSI buses with two fake
// disks each, RAID0 member k on bus k % 2 at id 1 + k / 2 (the platform
// alternates buses the same way), DMA over a real bus into host memory.
struct IoCardBench : TestBase {
  std::vector<std::unique_ptr<ScsiBus>> buses;
  std::vector<std::unique_ptr<FakeDisk>> disks;  // disks[k] = member k
  std::vector<std::pair<int, int>> members;
  Raid0Geometry geo;
  PcixBus pci;
  HostMemory ram;
  IoCard card;
  TlmHost host;

  explicit IoCardBench(uint64_t stripe_bytes, sc_core::sc_module_name n = "tb")
      : TestBase(n), buses(make_buses()), disks(make_disks()), members(attach(buses, disks)),
        geo(make_raid0_geometry(std::vector<uint64_t>(4, disks[0]->capacity_blocks()), stripe_bytes)),
        pci("pci", PcixBusParams::preset("pcix-64-133")), ram("ram"),
        card("card", card_params(), 2, members, geo), host("host") {
    for (size_t b = 0; b < buses.size(); ++b) bind_scsi_initiator(*buses[b], card.controller(b));
    pci.isock.bind(ram.socket);
    pci.map(0, 0, kMemSize, "ram");
    card.dma_master.socket.bind(pci.tsock);
    host.socket.bind(card.mem.bar);  // PIO straight into the BAR: the host's bus is not under test
  }
  static std::vector<std::unique_ptr<ScsiBus>> make_buses() {
    std::vector<std::unique_ptr<ScsiBus>> v;
    for (int b = 0; b < 2; ++b) v.emplace_back(new ScsiBus(("scsi" + std::to_string(b)).c_str()));
    return v;
  }
  static std::vector<std::unique_ptr<FakeDisk>> make_disks() {
    std::vector<std::unique_ptr<FakeDisk>> v;
    for (int k = 0; k < 4; ++k) v.emplace_back(new FakeDisk(("disk" + std::to_string(k)).c_str()));
    return v;
  }
  static std::vector<std::pair<int, int>> attach(std::vector<std::unique_ptr<ScsiBus>>& b,
                                                 std::vector<std::unique_ptr<FakeDisk>>& d) {
    std::vector<std::pair<int, int>> v;
    for (int k = 0; k < 4; ++k) {
      v.emplace_back(k % 2, 1 + k / 2);
      bind_scsi_target(*b[size_t(k % 2)], 1 + k / 2, *d[size_t(k)]);
    }
    return v;
  }
  static IoCardParams card_params() {
    IoCardParams p;
    p.queue_ctrl.core = QcCore::Model;
    p.queue_ctrl.depth = 16;
    p.bar_base = 0xF0000000;
    return p;
  }
};

}  // namespace

TEST_CASE("io card: a request on the ring reaches the right disk, its data the host, its completion the ring",
          "[card][io_card]") {
  IoCardBench tb(64 * 1024);  // 64 KiB stripe unit: 128 sectors
  const ring::Layout& l = tb.card.mem.layout();
  // lba 3 * 128 + 10 is stripe unit 3 -> member 3 (bus 1, id 2) at member lba (3 / 4) * 128 + 10 = 10.
  const uint64_t lba = 3 * 128 + 10, buffer = 0x0100'0000, callback = 0x5EED;
  const uint32_t bytes = 16 * 1024;
  uint64_t cpl_callback = 0, cpl_lbn = 0;
  sc_time t_post, t_cpl;
  IoRequest cmd;
  tb.run([&] {
    TestBase::wait_to(sc_time(2, SC_US));
    uint8_t rec[ring::req::kBytes] = {};
    rec[ring::req::kCommand] = ring::kCmdRead;
    ring::put<uint64_t>(rec, ring::req::kLbn, lba);
    ring::put<uint32_t>(rec, ring::req::kSize, bytes);
    ring::put<uint64_t>(rec, ring::req::kBuffer, buffer);
    ring::put<uint64_t>(rec, ring::req::kCallback, callback);
    REQUIRE(tb.host.write_bytes(l.req_rec(0) + 2, rec + 2, ring::req::kBytes - 2) == tlm::TLM_OK_RESPONSE);
    const uint8_t valid = ring::kValid;
    REQUIRE(tb.host.write_bytes(l.req_rec(0) + ring::req::kStatus, &valid, 1) == tlm::TLM_OK_RESPONSE);
    t_post = sc_core::sc_time_stamp();
    // FakeDisk keeps pointers to the commands it was handed: copy this one
    // while it is still in flight (the card frees it when it completes).
    TestBase::wait_until([&] { return tb.disks[3]->arrivals.size() == 1; }, sc_time(1, SC_US), sc_time(1, SC_MS));
    cmd = *tb.disks[3]->arrivals[0];
    t_cpl = TestBase::wait_until([&] { return tb.card.qc.state().cpl_count == 1; }, sc_time(100, SC_NS),
                                 sc_time(20, SC_MS));
    cpl_callback = tb.host.read_as<uint64_t>(l.cpl_rec(0) + ring::cpl::kCallback);
    cpl_lbn = tb.host.read_as<uint64_t>(l.cpl_rec(0) + ring::cpl::kLbn);
  }, sc_time(30, SC_MS));

  for (int k = 0; k < 3; ++k) CHECK(tb.disks[size_t(k)]->arrivals.empty());
  REQUIRE(tb.disks[3]->arrivals.size() == 1);
  CHECK(cmd.lba == 10);
  CHECK(cmd.blocks == bytes / kSectorBytes);
  CHECK(cmd.is_read());
  CHECK(cmd.host_buffer == buffer);
  // The whole request crossed the PCI bus into host memory, once.
  CHECK(tb.ram.bytes_written() == bytes);
  CHECK(tb.pci.master_stats(0).bytes == bytes);
  CHECK(cpl_callback == callback);
  CHECK(cpl_lbn == lba);
  // The fake disk streams 16 KiB at 70 MB/s (~234 us) before its last burst:
  // the completion cannot be posted sooner.
  CHECK((t_cpl - t_post).to_seconds() > double(bytes) / 70e6);
  CHECK(tb.card.qc.state().p_sr == 1);
}
