#include "sim/key_figures.hpp"

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace iosim {

namespace {

std::vector<std::string> split(const std::string& k) {
  std::vector<std::string> parts;
  std::stringstream ss(k);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  return parts;
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

struct Agg {
  double sum = 0, max = 0;
  int n = 0;
  void add(double v) { sum += v, max = n ? std::max(max, v) : v, ++n; }
  double mean() const { return n ? sum / n : 0; }
};

}  // namespace

KeyFigures key_figures(const nlohmann::json& results) {
  const auto& st = results.at("stats");
  auto get = [&](const char* k) { return st.contains(k) ? st[k].at("value").get<double>() : 0.0; };
  KeyFigures f;
  f.iops = get("top.workload.iops");
  f.mbps = get("top.workload.mbps");
  f.lat_mean_ms = get("top.workload.latency.mean");
  f.lat_p99_ms = get("top.workload.latency.p99");
  f.outstanding = get("top.workload.outstanding");
  f.pci_util = get("top.pci.util");
  f.host_busy = get("top.host.busy");
  f.requests_issued = get("run.requests_issued");
  // Per-instance figures by name pattern: top.scsiB.diskK.busy,
  // top.scsiB.bus.busy, top.hbaH.iop_busy; the module counts come from the
  // platform, so match the names rather than assume them.
  Agg disk, queue, bus, iop;
  for (const auto& [k, v] : st.items()) {
    const double x = v.at("value").get<double>();
    const auto p = split(k);
    if (p.size() == 4 && p[0] == "top" && starts(p[1], "scsi") && starts(p[2], "disk")) {
      if (p[3] == "busy") disk.add(x);
      if (p[3] == "queue_depth") queue.add(x);
    }
    if (p.size() == 4 && p[0] == "top" && starts(p[1], "scsi") && p[2] == "bus" && p[3] == "busy") bus.add(x);
    if (p.size() == 3 && p[0] == "top" && starts(p[1], "hba") && p[2] == "iop_busy") iop.add(x);
  }
  f.disk_busy = disk.mean();
  f.disk_busy_max = disk.max;
  f.disk_queue = queue.mean();
  f.scsi_bus_busy = bus.max;
  f.card_cpu_busy = st.contains("top.card.fw.busy") ? get("top.card.fw.busy") : iop.mean();
  return f;
}

nlohmann::ordered_json to_json(const KeyFigures& k) {
  return {{"iops", k.iops},
          {"mbps", k.mbps},
          {"latency_mean_ms", k.lat_mean_ms},
          {"latency_p99_ms", k.lat_p99_ms},
          {"outstanding", k.outstanding},
          {"disk_busy_pct", k.disk_busy},
          {"disk_busy_max_pct", k.disk_busy_max},
          {"disk_queue_mean", k.disk_queue},
          {"scsi_bus_busy_max_pct", k.scsi_bus_busy},
          {"pci_util_pct", k.pci_util},
          {"host_cpu_busy_pct", k.host_busy},
          {"card_cpu_busy_pct", k.card_cpu_busy},
          {"requests_issued", k.requests_issued}};
}

}  // namespace iosim
