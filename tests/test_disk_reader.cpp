// DiskSim parameter syntax reader.
#include <catch2/catch.hpp>

#include "model/disk/disksim_reader.hpp"

using namespace iosim;

TEST_CASE("disksim reader: blocks lists comments words", "[disk]") {
  const std::string text =
      "# a comment\n"
      "disksim_disk D1 {\n"
      "  Read hit over. after read = 0.066,   # trailing comment\n"
      "  Segment size (in blks) = 561,\n"
      "  Scheduler = disksim_ioqueue { Scheduling policy = 1 },\n"
      "  Seek type = extracted,\n"
      "  slips = [ 1, 2,\n 3 ],\n"
      "  empty = [ ],\n"
      "  Zones = [ z { a = 1 }, z { a = -2.5e1 } ]\n"
      "}\n";
  const auto blocks = parse_disksim_text(text, "t.specs");
  REQUIRE(blocks.size() == 1);
  const DsBlock& b = *blocks[0];
  CHECK(b.type == "disksim_disk");
  CHECK(b.name == "D1");
  CHECK(b.number("Read hit over. after read") == Approx(0.066));
  CHECK(b.number("Segment size (in blks)") == 561);
  CHECK(b.block("Scheduler").type == "disksim_ioqueue");
  CHECK(b.block("Scheduler").number("Scheduling policy") == 1);
  CHECK(b.at("Seek type").word == "extracted");
  CHECK(b.at("slips").list.size() == 3);
  CHECK(b.at("slips").list[2].num == 3);
  CHECK(b.at("empty").list.empty());
  CHECK(b.at("Zones").list[1].block->number("a") == -25);
}

TEST_CASE("disksim reader: errors name file and line", "[disk]") {
  try {
    parse_disksim_text("blk {\n a = 1,\n b 2\n}\n", "bad.specs");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("bad.specs:3") != std::string::npos);
  }
  try {
    const auto b = parse_disksim_text("blk {\n a = 1\n}\n", "x.specs");
    b[0]->number("missing");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("x.specs:1") != std::string::npos);
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
  CHECK_THROWS(parse_disksim_text("blk { a = [ 1, 2 }", "y"));
}

TEST_CASE("disksim reader: Cheetah 9LP drive files", "[disk]") {
  const DiskParams p = load_disksim_drive(IOSIM_SHARED_DIR "/disk-validation/cheetah9LP");
  CHECK(p.surfaces == 12);
  CHECK(p.cylinders == 6962);
  CHECK(p.zones.size() == 11);
  CHECK(p.zones[0].blocks_per_track == 254);
  CHECK(p.zones[0].slips.size() == 34);
  CHECK(p.rpm == 10045);
  CHECK(p.seek.table.size() == 106);
  CHECK(p.seek.table.front().second == Approx(0.831e-3));
  CHECK(p.overheads.read_miss_after_read == Approx(0.28362e-3));
  CHECK(p.interface_sector_time == Approx(0.105e-3));
  CHECK(p.buffer_segments == 3);
  CHECK(p.segment_blocks == 561);
  CHECK(p.fast_write_level == 2);
}
