#pragma once
// LBN <-> physical sector mapping of a zoned disk (DiskSim layout "g1" style):
// within a zone, blocks fill a track, then the next surface of the same
// cylinder, then the next cylinder. Slipped sectors (factory defects) are
// skipped in place; each zone's spare sectors sit at its end and hold no LBN.
// Cylinders between zones (present in the Cheetah 9LP description) hold none.
// Each track's first sector is rotated by the accumulated track and cylinder
// skews so that sequential transfers survive head and cylinder switches.
#include "model/disk/disk_params.hpp"

#include <cstdint>
#include <vector>

namespace iosim {

struct PhysAddr {
  uint32_t cyl = 0, head = 0, sector = 0;
  bool operator==(const PhysAddr& o) const { return cyl == o.cyl && head == o.head && sector == o.sector; }
};

class DiskLayout {
public:
  struct Zone {
    DiskZone geom;
    uint64_t first_lbn = 0, lbns = 0;  // LBN range this zone holds
  };

  DiskLayout() = default;
  explicit DiskLayout(const DiskParams& p);

  uint64_t capacity() const { return capacity_; }
  uint32_t surfaces() const { return surfaces_; }
  const std::vector<Zone>& zones() const { return zones_; }

  PhysAddr to_phys(uint64_t lbn) const;                    // throws std::out_of_range
  bool to_lbn(const PhysAddr& a, uint64_t& lbn_out) const;  // false: spare, slip, outside
  const Zone* zone_of_cyl(uint32_t cyl) const;              // nullptr between zones
  uint32_t blocks_per_track(uint32_t cyl) const;
  // Where physical sector a.sector of track (a.cyl, a.head) starts, as a
  // fraction of a revolution from the index mark, in [0, 1).
  double sector_angle(const PhysAddr& a) const;

private:
  std::vector<Zone> zones_;
  uint32_t surfaces_ = 1;
  uint64_t capacity_ = 0;
};

} // namespace iosim
