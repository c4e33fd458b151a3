#include "model/common/cm_bounds.hpp"

#include "model/common/io_sched.hpp"
#include "model/stats/stats.hpp"

#include <algorithm>
#include <cmath>

namespace iosim {

CmDiskBound CmDiskBound::of(const DiskParams& d, double path_s) {
  CmDiskBound b;
  b.seek = d.seek;
  b.cylinders = d.cylinders;
  b.revolution_s = d.revolution_s();
  double skew = 0;
  for (const auto& z : d.zones) {
    if (!b.min_blocks_per_track || z.blocks_per_track < b.min_blocks_per_track) b.min_blocks_per_track = z.blocks_per_track;
    skew = std::max({skew, z.track_skew, z.cyl_skew});
  }
  if (b.min_blocks_per_track)
    b.switch_s = std::max(d.head_switch, seek_time(d.seek, 1, d.cylinders)) + skew * b.revolution_s / b.min_blocks_per_track;
  const auto& o = d.overheads;
  b.overhead_s = std::max(o.read_miss_after_read, o.read_miss_after_write);
  b.bus_sector_s = d.interface_sector_time;
  b.burst_bytes = d.max_burst_bytes;
  b.path_s = path_s;
  return b;
}

double CmDiskBound::per_request_s(uint64_t bytes) const {
  const uint64_t sectors = (bytes + kSectorBytes - 1) / kSectorBytes;
  const uint64_t tracks = (sectors + min_blocks_per_track - 1) / min_blocks_per_track;  // boundaries crossed, at most
  const double media = double(sectors) * revolution_s / min_blocks_per_track + double(tracks) * switch_s;
  const uint64_t tail = burst_bytes ? std::min(bytes, burst_bytes) : bytes;
  const double bus = double((tail + kSectorBytes - 1) / kSectorBytes) * bus_sector_s;
  return overhead_s + revolution_s + media + bus + path_s;
}

double CmDiskBound::sweep_s(uint32_t n, uint64_t bytes) const {
  if (n == 0) return 0;
  double t = seek_time(seek, cylinders, cylinders);
  if (n > 1) {
    const uint32_t hop = uint32_t((uint64_t(cylinders) + n - 2) / (n - 1));  // ceil(C / (n-1))
    t += double(n - 1) * std::max(seek_time(seek, std::max<uint32_t>(hop, 1), cylinders), seek_time(seek, 1, cylinders));
  }
  return t + double(n) * per_request_s(bytes);
}

double CmDiskBound::round_s(uint32_t n, uint64_t bytes, uint32_t groups) const {
  groups = std::max<uint32_t>(1, std::min(groups, std::max<uint32_t>(1, n)));
  const uint32_t per = (n + groups - 1) / groups;
  return double(groups) * sweep_s(per, bytes);
}

void report_io_sched(Stats& out, const std::string& path, const IoSchedParams& p,
                     const std::vector<const RoundLog*>& logs, const CmDiskBound& b, double window_s) {
  StatGroup g = out.group(path, "io_sched");
  g.add("policy", double(p.kind), "1", StatKind::Setting,
        "0 elevator, 1 fifo, 2 round, 3 scan_edf, 4 gss (model/common/io_sched.hpp)");
  RoundLog all;
  bool logged = false;
  for (const RoundLog* l : logs) {
    if (!l) continue;
    logged = true;
    all.merge(*l);
  }
  if (!logged) return;  // fifo: no rounds, no sweeps
  const bool rounds = p.kind == IoSchedKind::Round || p.kind == IoSchedKind::Gss;
  const std::string what = rounds ? "rounds" : "sweeps (head wraps)";
  g.add("round_rate", double(all.rounds) / window_s, "1/s", StatKind::Rate, what + " completed, all disks");
  g.add("round_streams.mean", all.rounds ? double(all.requests) / double(all.rounds) : 0, "count", StatKind::Distribution,
        rounds ? "requests (one per stream) per round" : "requests per sweep");
  g.add("round_streams.max", all.max_streams, "count", StatKind::Distribution, "most streams served in one round");
  g.add("round_time.mean", 1e3 * all.mean_s(), "ms", StatKind::Distribution,
        rounds ? "round start to its last completion" : "sweep start to the next sweep's start");
  g.add("round_time.max", 1e3 * all.max_s, "ms", StatKind::Distribution, "longest round");
  if (!rounds) return;
  const uint32_t groups = p.kind == IoSchedKind::Gss ? std::max<uint32_t>(1, p.gss_groups) : 1;
  const uint64_t bytes = all.requests ? all.bytes / all.requests : 0;
  const uint32_t n = all.max_streams;
  g.add("buffer_per_stream", gss_buffer_blocks(groups) * double(bytes), "B", StatKind::Setting,
        "(1 + 1/g) blocks of the mean request size (Yu/Chen/Kandlur 1993); g = 1 for round");
  g.add("buffer_total", gss_buffer_blocks(groups) * double(bytes) * n, "B", StatKind::Setting,
        "buffer_per_stream x the most streams in a round, per disk");
  if (b.valid() && n) {
    const double t = b.round_s(n, bytes, groups);
    g.add("round_time_bound", 1e3 * t, "ms", StatKind::Setting,
          "closed-form round time at the largest round seen, mean request size (model/common/cm_bounds.hpp)");
    g.add("startup_latency_bound", 2e3 * t, "ms", StatKind::Setting, "a new stream waits at most two rounds");
  }
}

}  // namespace iosim
