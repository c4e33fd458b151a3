#include "model/disk/disk_params.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace iosim {

double seek_time(const SeekModel& m, uint32_t d, uint32_t cylinders) {
  if (d == 0) return 0;
  if (d == 1) return m.single_cyl;
  if (m.table.empty()) {
    const double x = double(d) / double(std::max<uint32_t>(cylinders, 1));
    return std::max(m.single_cyl, m.a + m.b * std::pow(x, m.c));
  }
  // Measured table: linear interpolation between points, flat beyond the ends.
  const auto& t = m.table;
  if (d <= t.front().first) {
    // Below the first measured point: interpolate from (1, single_cyl).
    if (t.front().first <= 1) return t.front().second;
    const double f = double(d - 1) / double(t.front().first - 1);
    return m.single_cyl + f * (t.front().second - m.single_cyl);
  }
  if (d >= t.back().first) return t.back().second;
  auto hi = std::lower_bound(t.begin(), t.end(), d,
                             [](const std::pair<uint32_t, double>& p, uint32_t v) { return p.first < v; });
  if (hi->first == d) return hi->second;
  auto lo = hi - 1;
  const double f = double(d - lo->first) / double(hi->first - lo->first);
  return lo->second + f * (hi->second - lo->second);
}

DiskParams make_synthetic_disk(const SyntheticDiskSpec& s, DiskParams p) {
  if (s.zones == 0 || s.cylinders < s.zones || s.surfaces == 0)
    throw std::invalid_argument("synthetic disk: need cylinders >= zones >= 1 and surfaces >= 1");
  p.surfaces = s.surfaces;
  p.cylinders = s.cylinders;
  p.block_count = 0;
  p.zones.clear();
  const double rev = p.revolution_s();
  for (uint32_t z = 0; z < s.zones; ++z) {
    DiskZone zone;
    zone.first_cyl = uint32_t(uint64_t(s.cylinders) * z / s.zones);
    zone.last_cyl = uint32_t(uint64_t(s.cylinders) * (z + 1) / s.zones) - 1;
    const double f = s.zones == 1 ? 0.0 : double(z) / double(s.zones - 1);
    zone.blocks_per_track = uint32_t(std::lround(s.outer_blocks_per_track +
                                                 f * (double(s.inner_blocks_per_track) - s.outer_blocks_per_track)));
    const double sector_s = rev / zone.blocks_per_track;
    // A skew just covers the switch so sequential transfers lose no revolution
    // (the purpose of skew: DiskSim manual, layout parameters).
    zone.track_skew = s.track_skew > 0 ? s.track_skew : std::ceil(p.head_switch / sector_s);
    zone.cyl_skew = s.cyl_skew > 0 ? s.cyl_skew : std::ceil(p.seek.single_cyl / sector_s);
    p.zones.push_back(zone);
  }
  return p;
}

} // namespace iosim
