#pragma once
// A 15000 rpm drive for the disk-level tests (test_disk_queue, test_faults):
// figures from PARAMETERS.md (Cheetah 15K.3 row and its candidate seek curve);
// geometry is a plausible synthetic one; overhead is a test value.
#include "model/disk/disk_params.hpp"
#include "model/disk/disksim_reader.hpp"

namespace iosim::itest {

inline DiskParams cheetah15k_like() {
  DiskParams base;
  base.model = "synthetic-15k";
  base.rpm = 15000;
  base.head_switch = 0.2e-3;
  base.seek.single_cyl = 0.2e-3;
  base.seek.a = 0.2e-3;
  base.seek.b = 7.2e-3;
  base.seek.c = 0.62;
  base.overheads.read_miss_after_read = 0.1e-3;
  base.interface_sector_time = 512.0 / 320e6;  // Ultra320
  base.queue_depth = 64;
  SyntheticDiskSpec s;
  s.cylinders = 30000;
  s.surfaces = 8;
  s.outer_blocks_per_track = 700;
  s.inner_blocks_per_track = 450;
  s.zones = 16;
  return make_synthetic_disk(s, base);
}

}  // namespace iosim::itest
