#include "sim/key_figures.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace iosim {

namespace {

struct Agg {
  double sum = 0, max = 0;
  int n = 0;
  void add(double v) { sum += v, max = n ? std::max(max, v) : v, ++n; }
  double mean() const { return n ? sum / n : 0; }
};

// Typed reading of a results file: groups by the model type they report as
// (`groups` in the JSON, model/stats/stats.hpp), statistics by name. A group
// type the platform does not have (no host in a storage-only run) reads as
// absent; a statistic missing from a group that exists is an error.
class Results {
public:
  explicit Results(const nlohmann::json& j) : st_(j.at("stats")), groups_(j.at("groups")) {}
  std::vector<std::string> of_type(const char* type) const {
    std::vector<std::string> out;
    for (const auto& [path, t] : groups_.items())
      if (t == type) out.push_back(path);
    return out;
  }
  double stat(const std::string& group, const char* name) const {
    const std::string k = group + "." + name;
    if (!st_.contains(k)) throw std::runtime_error("results have group '" + group + "' but no statistic '" + k + "'");
    return st_[k].at("value").get<double>();
  }
  // The statistic of every group of a type, aggregated.
  Agg all(const char* type, const char* name) const {
    Agg a;
    for (const auto& g : of_type(type)) a.add(stat(g, name));
    return a;
  }
  // The one group of a type (or none: 0).
  double one(const char* type, const char* name) const {
    const auto g = of_type(type);
    if (g.size() > 1) throw std::runtime_error(std::string("results have ") + std::to_string(g.size()) + " " + type);
    return g.empty() ? 0.0 : stat(g[0], name);
  }

private:
  const nlohmann::json& st_;
  const nlohmann::json& groups_;
};

}  // namespace

KeyFigures key_figures(const nlohmann::json& results) {
  const Results r(results);
  if (r.of_type("workload").size() != 1) throw std::runtime_error("results have no workload group");
  KeyFigures f;
  f.iops = r.one("workload", "io_rate");
  f.mbps = r.one("workload", "data_rate");
  f.lat_mean_ms = r.one("workload", "latency.mean");
  f.lat_p99_ms = r.one("workload", "latency.p99");
  f.outstanding = r.one("workload", "outstanding");
  f.pci_util = r.one("pci_bus", "busy");
  f.host_busy = r.one("host_os", "busy");
  f.requests_issued = r.one("run", "requests_issued");
  const Agg disk = r.all("disk", "busy"), queue = r.all("disk", "queue_depth");
  f.disk_busy = disk.mean();
  f.disk_busy_max = disk.max;
  f.disk_queue = queue.mean();
  f.scsi_bus_busy = r.all("scsi_bus", "busy").max;
  // async: the card's firmware CPU; sync: the HBAs' I/O processors (mean).
  f.card_cpu_busy = r.of_type("firmware").empty() ? r.all("lsi53c1030", "iop_busy").mean() : r.one("firmware", "busy");
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
