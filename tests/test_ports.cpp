// Declared links are checked at elaboration: a component whose port the
// builder forgot to bind cannot start, and a RAID0 volume must have exactly
// the members its geometry was built for.
#include <catch2/catch.hpp>

#include "model/hba/lsi53c1030.hpp"
#include "model/raid/raid0.hpp"

#include <systemc>

using namespace iosim;

TEST_CASE("ports: an HBA with its interrupt line unbound does not elaborate", "[ports]") {
  struct NoDma : DmaPort {
    void write(uint64_t, uint64_t) override {}
    void read(uint64_t, uint64_t) override {}
  } dma;
  MptFrameMemory frames("frames");
  struct NoScsi : BlockDevice {
    void submit(IoRequest&) override {}
    uint64_t capacity_blocks() const override { return 0; }
  } scsi;
  Lsi53c1030 hba("hba", Lsi53c1030Params{});
  hba.dma.bind(dma);
  hba.frames.bind(frames);
  hba.scsi.bind(scsi);  // irq left unbound
  try {
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    FAIL("elaborated with an unbound port");
  } catch (const sc_core::sc_report& r) {
    CHECK(std::string(r.what()).find("hba.irq") != std::string::npos);
  }
}

TEST_CASE("ports: a RAID0 volume with a member missing does not elaborate", "[ports]") {
  struct Dev : BlockDevice {
    void submit(IoRequest&) override {}
    uint64_t capacity_blocks() const override { return 1000; }
  } d0;
  Raid0Volume vol("raid", {1000, 1000}, 8 * 512);
  vol.members.bind(d0);
  CHECK_THROWS_WITH(sc_core::sc_start(sc_core::SC_ZERO_TIME), Catch::Contains("1 members bound, geometry has 2"));
}
