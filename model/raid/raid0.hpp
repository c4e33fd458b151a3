#pragma once
// RAID0: the paper's I/O card presents all its disks as one linear logical block
// device and maps logical blocks to disks itself (BRIEF.md, "The I/O card").
// Striping is the plain round-robin layout: stripe unit s lives on member
// s % N at member offset (s / N) * stripe. The paper's stripe unit is 8192 KB
// (BRIEF.md, "Test platform"), so a request nearly always falls on one disk.
//
// raid0_map() is the pure mapping (the sync driver's md layer and the card's
// firmware use it too); Raid0Volume submits the pieces to the members and
// completes the parent exactly once, after the last piece (split_join.hpp).
#include "model/common/io_pool.hpp"
#include "model/stats/stats.hpp"

#include <systemc>
#include <cstdint>
#include <vector>

namespace iosim {

// SCSI status byte CHECK CONDITION (SAM: status code 02h); used when a request
// falls outside the volume.
constexpr int kStatusCheckCondition = 0x02;

struct Raid0Geometry {
  uint32_t members = 0;
  uint64_t stripe_blocks = 0;            // stripe unit, 512-byte sectors
  uint64_t member_capacity_blocks = 0;   // usable per member: whole stripe units
  uint64_t capacity_blocks() const { return uint64_t(members) * member_capacity_blocks; }
};

// Builds the geometry: member capacity = min of the members' capacities,
// truncated to whole stripe units. stripe_bytes must be a positive multiple of
// 512. Throws std::invalid_argument otherwise.
Raid0Geometry make_raid0_geometry(const std::vector<uint64_t>& member_capacity_blocks,
                                  uint64_t stripe_bytes);

struct Raid0Piece {
  uint32_t member = 0;
  uint64_t member_lba = 0;
  uint32_t blocks = 0;
  uint64_t offset_blocks = 0;  // where this piece starts inside the parent request
  bool operator==(const Raid0Piece& o) const {
    return member == o.member && member_lba == o.member_lba && blocks == o.blocks &&
           offset_blocks == o.offset_blocks;
  }
};

// Splits [lba, lba + blocks) at stripe-unit boundaries, in logical order.
// Throws std::out_of_range if the range leaves the volume.
std::vector<Raid0Piece> raid0_map(const Raid0Geometry& g, uint64_t lba, uint32_t blocks);
// The same into `out` (cleared first): a caller on a hot path keeps its vector.
void raid0_map(const Raid0Geometry& g, uint64_t lba, uint32_t blocks, std::vector<Raid0Piece>& out);

class Raid0Volume : public sc_core::sc_module, public BlockDevice, public Reporter {
public:
  sc_core::sc_port<BlockDevice, 0> members;  // member k = the k-th binding

  // The geometry comes from the members' capacities (given here: ports are
  // bound only after construction); bind exactly that many members.
  Raid0Volume(sc_core::sc_module_name name, const std::vector<uint64_t>& member_capacity_blocks,
              uint64_t stripe_bytes);

  // Never blocks. Out-of-range requests complete at once with
  // kStatusCheckCondition; others complete (status = first piece error, or 0)
  // when every piece has completed.
  void submit(IoRequest& req) override;
  uint64_t capacity_blocks() const override { return geo_.capacity_blocks(); }
  const Raid0Geometry& geometry() const { return geo_; }
  uint64_t in_flight() const { return in_flight_; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  void end_of_elaboration() override;
  void piece_done(IoRequest& piece);

  Raid0Geometry geo_;
  IoPool pieces_;
  uint64_t in_flight_ = 0;
  uint64_t requests_ = 0, split_ = 0, pieces_issued_ = 0, errors_ = 0;
};

} // namespace iosim
