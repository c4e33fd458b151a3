#include "sim/disk_validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <systemc>

#include "model/disk/direct_link.hpp"
#include "model/disk/disk.hpp"
#include "model/disk/disksim_reader.hpp"
#include "model/stats/stats.hpp"

namespace iosim {
namespace {

struct TraceRecord {
  IoOp op;
  uint64_t lbn;
  uint32_t blocks;
  double service_s, think_s;
};

std::vector<TraceRecord> load_trace(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::vector<TraceRecord> out;
  std::string line;
  int ln = 0;
  while (std::getline(f, line)) {
    ++ln;
    std::istringstream ss(line);
    std::string op, outcome;
    double lbn = 0, blocks = 0, svc = 0, think = 0;
    if (!(ss >> op)) continue;
    if (!(ss >> outcome >> lbn >> blocks >> svc >> think) || (op != "R" && op != "W"))
      throw std::runtime_error(path + ":" + std::to_string(ln) + ": expected 'R|W outcome lbn blocks us us'");
    out.push_back(TraceRecord{op == "R" ? IoOp::Read : IoOp::Write, uint64_t(lbn), uint32_t(blocks),
                              svc * 1e-6, think * 1e-6});
  }
  return out;
}

// Closed loop: one request outstanding; the next is issued `think` after the
// previous one completed (trace column 6).
SC_MODULE(TraceReplayer) {
  Disk* disk = nullptr;
  const std::vector<TraceRecord>* trace = nullptr;
  std::vector<double> service;
  IoRequest req;
  sc_core::sc_event done;

  SC_CTOR(TraceReplayer) { SC_THREAD(run); }

  void run() {
    req.on_done = [this](IoRequest&) { done.notify(sc_core::SC_ZERO_TIME); };
    for (size_t i = 0; i < trace->size(); ++i) {
      const TraceRecord& r = (*trace)[i];
      req.id = i;
      req.op = r.op;
      req.lba = r.lbn;
      req.blocks = r.blocks;
      req.t_issue = sc_core::sc_time_stamp();
      disk->command(req);
      wait(done);
      service.push_back((sc_core::sc_time_stamp() - req.t_issue).to_seconds());
      wait(sc_core::sc_time(r.think_s, sc_core::SC_SEC));
    }
    sc_core::sc_stop();
  }
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(q * double(v.size()));
  const size_t i = rank < 1 ? 0 : std::min(v.size() - 1, size_t(rank) - 1);
  return v[i];
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / double(v.size());
}

}  // namespace

double rms_demerit(std::vector<double> a, std::vector<double> b) {
  if (a.size() != b.size() || a.empty()) throw std::invalid_argument("rms_demerit: lists differ in length");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s / double(a.size()));
}

DiskValidation validate_drive(const std::string& prefix) {
  const DiskParams params = load_disksim_drive(prefix);
  const std::vector<TraceRecord> trace = load_trace(prefix + ".trace");

  auto disk = std::make_unique<Disk>("disk", params);
  DirectLink link(params.interface_sector_time);
  disk->attach(&link, 0);
  auto rep = std::make_unique<TraceReplayer>("replayer");
  rep->disk = disk.get();
  rep->trace = &trace;
  sc_core::sc_start();

  DiskValidation v;
  v.drive = prefix.substr(prefix.find_last_of('/') + 1);
  for (const TraceRecord& r : trace) v.measured_s.push_back(r.service_s);
  v.simulated_s = rep->service;
  if (v.simulated_s.size() != v.measured_s.size()) throw std::runtime_error("disk validation: replay incomplete");
  v.demerit_ms = rms_demerit(v.measured_s, v.simulated_s) * 1e3;
  v.mean_measured_ms = mean(v.measured_s) * 1e3;
  v.mean_simulated_ms = mean(v.simulated_s) * 1e3;
  v.demerit_pct = 100.0 * v.demerit_ms / v.mean_measured_ms;
  for (auto [label, q] : {std::pair<const char*, double>{"p10", 0.10}, {"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}})
    v.quantiles.push_back({label, quantile(v.measured_s, q) * 1e3, quantile(v.simulated_s, q) * 1e3});
  v.quantiles.push_back({"mean", v.mean_measured_ms, v.mean_simulated_ms});
  Stats st;
  disk->report(st, sc_core::sc_time_stamp().to_seconds());
  v.read_hit_rate_pct = st.get(std::string(disk->name()) + ".read_hit_rate");
  return v;
}

void DiskValidation::print(std::ostream& os) const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "disk validation: %s, %zu requests, read hit rate %.1f%%\n", drive.c_str(),
                measured_s.size(), read_hit_rate_pct);
  os << buf;
  std::snprintf(buf, sizeof buf, "demerit (RMS of sorted differences): %.3f ms = %.1f%% of mean measured %.3f ms\n",
                demerit_ms, demerit_pct, mean_measured_ms);
  os << buf;
  os << "           measured  simulated   (ms)\n";
  for (const Quantile& q : quantiles) {
    std::snprintf(buf, sizeof buf, "  %-6s %10.3f %10.3f\n", q.label.c_str(), q.measured_ms, q.simulated_ms);
    os << buf;
  }
}

} // namespace iosim
