#include "model/disk/disk_layout.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace iosim {

DiskLayout::DiskLayout(const DiskParams& p) : surfaces_(p.surfaces) {
  if (p.zones.empty()) throw std::invalid_argument("disk '" + p.model + "': no zones");
  uint64_t next = 0;
  for (const DiskZone& z : p.zones) {
    if (z.last_cyl < z.first_cyl || z.blocks_per_track == 0)
      throw std::invalid_argument("disk '" + p.model + "': bad zone at cylinder " + std::to_string(z.first_cyl));
    if (!zones_.empty() && z.first_cyl <= zones_.back().geom.last_cyl)
      throw std::invalid_argument("disk '" + p.model + "': zones overlap at cylinder " + std::to_string(z.first_cyl));
    Zone zone;
    zone.geom = z;
    std::sort(zone.geom.slips.begin(), zone.geom.slips.end());
    const uint64_t phys = uint64_t(z.last_cyl - z.first_cyl + 1) * surfaces_ * z.blocks_per_track;
    const uint64_t lost = uint64_t(z.spares) + zone.geom.slips.size() + z.empty_front;
    zone.first_lbn = next;
    zone.lbns = phys > lost ? phys - lost : 0;
    next += zone.lbns;
    zones_.push_back(std::move(zone));
  }
  // The drive's stated block count wins when it is smaller: our reading of
  // DiskSim's sparing scheme may leave a few more usable sectors than the drive.
  capacity_ = (p.block_count && p.block_count < next) ? p.block_count : next;
}

PhysAddr DiskLayout::to_phys(uint64_t lbn) const {
  if (lbn >= capacity_) throw std::out_of_range("LBN " + std::to_string(lbn) + " beyond capacity " +
                                                std::to_string(capacity_));
  auto it = std::upper_bound(zones_.begin(), zones_.end(), lbn,
                             [](uint64_t v, const Zone& z) { return v < z.first_lbn; });
  const Zone& z = *(it - 1);
  // Physical sectors are counted from the zone's first, the empty front ones included.
  const uint64_t l = lbn - z.first_lbn + z.geom.empty_front;
  // Skip slipped sectors: pz = l + #slips <= pz (fixed point; slips sorted).
  const auto& s = z.geom.slips;
  uint64_t pz = l;
  size_t prev = 0;
  for (;;) {
    const size_t c = size_t(std::upper_bound(s.begin(), s.end(), pz) - s.begin());
    if (c == prev) break;
    prev = c;
    pz = l + c;
  }
  const uint32_t bpt = z.geom.blocks_per_track;
  const uint64_t track = pz / bpt;
  PhysAddr a;
  a.sector = uint32_t(pz % bpt);
  a.cyl = z.geom.first_cyl + uint32_t(track / surfaces_);
  a.head = uint32_t(track % surfaces_);
  return a;
}

const DiskLayout::Zone* DiskLayout::zone_of_cyl(uint32_t cyl) const {
  auto it = std::upper_bound(zones_.begin(), zones_.end(), cyl,
                             [](uint32_t v, const Zone& z) { return v < z.geom.first_cyl; });
  if (it == zones_.begin()) return nullptr;
  const Zone& z = *(it - 1);
  return cyl <= z.geom.last_cyl ? &z : nullptr;
}

uint32_t DiskLayout::blocks_per_track(uint32_t cyl) const {
  const Zone* z = zone_of_cyl(cyl);
  if (z) return z->geom.blocks_per_track;
  // Between zones: use the nearest zone outward.
  for (auto it = zones_.rbegin(); it != zones_.rend(); ++it)
    if (it->geom.first_cyl <= cyl) return it->geom.blocks_per_track;
  return zones_.front().geom.blocks_per_track;
}

bool DiskLayout::to_lbn(const PhysAddr& a, uint64_t& out) const {
  const Zone* z = zone_of_cyl(a.cyl);
  if (!z || a.head >= surfaces_ || a.sector >= z->geom.blocks_per_track) return false;
  const uint64_t pz = (uint64_t(a.cyl - z->geom.first_cyl) * surfaces_ + a.head) * z->geom.blocks_per_track + a.sector;
  const auto& s = z->geom.slips;
  if (std::binary_search(s.begin(), s.end(), pz)) return false;
  if (pz < z->geom.empty_front) return false;  // empty space at the zone's front
  const uint64_t l = pz - uint64_t(std::lower_bound(s.begin(), s.end(), pz) - s.begin()) - z->geom.empty_front;
  if (l >= z->lbns) return false;  // spare area at the zone's end
  out = z->first_lbn + l;
  return out < capacity_;
}

double DiskLayout::sector_angle(const PhysAddr& a) const {
  const Zone* z = zone_of_cyl(a.cyl);
  const uint32_t bpt = blocks_per_track(a.cyl);
  double off = 0;
  if (z) {
    const double per_cyl = double(surfaces_ - 1) * z->geom.track_skew + z->geom.cyl_skew;
    off = double(a.cyl - z->geom.first_cyl) * per_cyl + double(a.head) * z->geom.track_skew;
  }
  const double x = (double(a.sector) + off) / double(bpt);
  return x - std::floor(x);
}

} // namespace iosim
