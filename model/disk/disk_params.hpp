#pragma once
// Parameters of one disk drive: geometry, mechanics, firmware overheads, on-disk
// buffer, command queue. Plain struct, SI units (seconds, bytes, Hz). Field
// meanings follow the DiskSim 4.0 reference manual (CMU-PDL-08-101), whose
// parameter files describe the validation drives; load_disksim_drive() fills
// this struct from them, make_synthetic_disk() builds one from datasheet figures.
#include "model/common/enum_names.hpp"
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace iosim {

// One recording zone: a band of cylinders with the same blocks per track.
struct DiskZone {
  uint32_t first_cyl = 0, last_cyl = 0;  // inclusive
  uint32_t blocks_per_track = 0;
  double track_skew = 0;   // sectors the first block moves on a head switch
  double cyl_skew = 0;     // ... and on a cylinder switch
  uint32_t spares = 0;     // spare sectors at the end of the zone (no LBNs)
  uint32_t empty_front = 0;  // DiskSim "Empty space at zone front": sectors before the zone's first LBN
  std::vector<uint64_t> slips;  // zone-relative physical sectors skipped (sorted)
};

enum class SchedPolicy : uint8_t { Fcfs = 0, Sstf = 1, Sptf = 2 };
template <> struct EnumNames<SchedPolicy> {
  static constexpr std::array<std::pair<SchedPolicy, const char*>, 3> table{
      {{SchedPolicy::Fcfs, "fcfs"}, {SchedPolicy::Sstf, "sstf"}, {SchedPolicy::Sptf, "sptf"}}};
};

// Seek time for a move of d cylinders (d > 0). Either a measured table
// (interpolated linearly, DiskSim's "extracted" seek type) or the 3-parameter
// curve t(d) = a + b * (d / cylinders)^c.
struct SeekModel {
  std::vector<std::pair<uint32_t, double>> table;  // (distance, seconds), sorted
  double single_cyl = 0.8e-3;                      // t(1), seconds
  double a = 0.2e-3, b = 7.2e-3, c = 0.62;         // used when table is empty
};

// Firmware overhead per command type (DiskSim: "Read hit over. after read",
// ...): time from command receipt until mechanics or data transfer start.
struct CommandOverheads {
  double read_hit_after_read = 0, read_hit_after_write = 0;
  double read_miss_after_read = 0, read_miss_after_write = 0;
  double write_hit_after_read = 0, write_hit_after_write = 0;
  double write_miss_after_read = 0, write_miss_after_write = 0;
};

// How far read-ahead may run (DiskSim "Buffer continuous read" 0..3).
enum class ReadAheadLimit : uint8_t { None, Track, Cylinder, Segment };

struct DiskParams {
  std::string model = "generic";
  // Geometry.
  uint32_t surfaces = 1;
  uint32_t cylinders = 1;
  uint64_t block_count = 0;  // 0 = whatever the zones hold
  std::vector<DiskZone> zones;
  // Mechanics.
  double rpm = 10000;
  double head_switch = 0.1e-3;
  double write_settle = 0;   // added to seeks and head switches of writes
  SeekModel seek;
  // Firmware.
  CommandOverheads overheads;
  double interface_sector_time = 0;  // DiskSim "Bulk sector transfer time", s/sector
  // On-disk buffer.
  uint32_t buffer_segments = 1;
  uint32_t segment_blocks = 256;
  uint32_t max_write_segments = 1;
  uint32_t read_ahead_blocks = 0;        // maximum read-ahead
  ReadAheadLimit read_ahead_limit = ReadAheadLimit::Segment;
  bool read_ahead_over_requested = true; // read-ahead counted past the request end
  bool read_any_free_blocks = false;     // keep sectors passing under the head before the target
  bool fifo_read_segments = false;       // blocks sent to the host leave the segment
  uint32_t fast_write_level = 0;         // 0: write-through, >0: report writes done from the buffer
  bool read_hits_on_write_data = true;   // DiskSim "Allow read hits on write data"
  bool separate_write_segment = false;   // DiskSim "Use separate write segment"
  // Zero-latency access (DiskSim "Immediate buffer read" / "... write"): on
  // arriving inside the first track's stretch of the request, the head starts
  // with the first whole sector under it and picks up the skipped front part
  // on the next pass, instead of waiting for the first requested sector.
  bool zero_latency_read = false, zero_latency_write = false;
  // Command queue.
  uint32_t queue_depth = 32;     // tagged queue limit
  SchedPolicy scheduler = SchedPolicy::Fcfs;
  uint64_t max_burst_bytes = 0;  // read data per reconnection; 0 = whole request

  double revolution_s() const { return 60.0 / rpm; }
};

// A zoned disk from a few datasheet numbers (the Cheetah 15K.3 has no DiskSim
// description; PARAMETERS.md). Blocks per track fall linearly from outer to
// inner zone; zones split the cylinders evenly.
struct SyntheticDiskSpec {
  uint32_t cylinders = 50000;
  uint32_t surfaces = 8;
  uint32_t outer_blocks_per_track = 700;
  uint32_t inner_blocks_per_track = 450;
  uint32_t zones = 16;
  double track_skew = 0;  // sectors; 0 = derived from head switch time
  double cyl_skew = 0;    // sectors; 0 = derived from single-cylinder seek time
};
DiskParams make_synthetic_disk(const SyntheticDiskSpec& spec, DiskParams base = DiskParams{});

// Seek time in seconds for a move of `distance` cylinders (0 -> 0).
double seek_time(const SeekModel& m, uint32_t distance, uint32_t cylinders);

} // namespace iosim
