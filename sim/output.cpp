#include "sim/output.hpp"

#include "sim/config/units.hpp"
#include "sim/key_figures.hpp"
#include "sim/plot.hpp"
#include "sim/version.hpp"

#include <systemc>
#include <verilated_config.h>

#include <fmt/core.h>
#include <fmt/ostream.h>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace iosim {

namespace {
std::vector<std::string>& argv_store() {
  static std::vector<std::string> v;
  return v;
}
}  // namespace

void set_command_line(int argc, char* argv[]) { argv_store().assign(argv, argv + argc); }
const std::vector<std::string>& command_line() { return argv_store(); }

nlohmann::ordered_json config_json(const config::EffectiveConfig& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& s : c.settings) {
    nlohmann::ordered_json e{{"value", s.value}, {"unit", s.unit}, {"origin", s.origin}};
    if (!s.written.empty()) e["written"] = s.written;
    if (!s.description.empty()) e["description"] = s.description;  // the key table's (sim/keys.cpp)
    j[s.path] = std::move(e);
  }
  return j;
}

nlohmann::ordered_json provenance_json(const Scenario* sc) {
  nlohmann::ordered_json j;
  j["command"] = command_line();
  j["iosim"] = {{"version", kIosimVersion}, {"revision", kIosimRevision}};
  // The SystemC library linked at run time; Verilator's version is that of the
  // headers and runtime the queue controller was verilated and built with.
  j["systemc"] = sc_core::sc_release();
  j["verilator"] = VERILATOR_VERSION;
  if (sc) {
    j["files"] = sc->effective.files;
    j["config"] = config_json(sc->effective);
  }
  return j;
}

namespace {
// The stack a run went through: its io_path, or storage (no host), or the
// NVMe platform's driver completion mode (platform.device: nvme has no io_path).
std::string path_label(const Scenario& sc) {
  if (sc.workload.kind == WorkloadKind::Storage) return "storage";
  if (sc.platform.device == PlatformDevice::Nvme) return std::string("nvme_") + to_string(sc.platform.nvme.driver.completion);
  return to_string(sc.platform.io_path);
}
}  // namespace

nlohmann::ordered_json results_json(const Scenario& sc, const RunResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = sc.name;
  j["io_path"] = path_label(sc);
  j["workload"] = {{"kind", to_string(sc.workload.kind)},
                   {"block_bytes", sc.workload.access.block_bytes},
                   {"processes", sc.workload.processes},
                   {"rate_per_s", sc.workload.rate},
                   {"queue_depth", sc.workload.queue_depth}};
  j["run"] = {{"seed", sc.run.seed}, {"warmup_s", sc.run.warmup_s}, {"duration_s", sc.run.duration_s}};
  // Each module's group with the model type it reports as (readers find
  // groups by type: sim/key_figures.cpp), then every statistic.
  auto& g = j["groups"];
  for (const auto& [path, type] : r.stats.groups()) g[path] = type;
  auto& s = j["stats"];
  for (const auto& [k, v] : r.stats.all())
    s[k] = {{"value", v.value}, {"unit", v.unit}, {"kind", to_string(v.kind)}, {"desc", v.desc}};
  // Histograms as typed entries (one per workload: its request latencies),
  // not as flat statistics: the bins' edges, their counts, and what fell outside.
  auto& h = j["histograms"];
  h = nlohmann::ordered_json::object();
  for (const auto& [k, hs] : r.stats.histograms()) {
    std::vector<double> edges;
    for (size_t i = 0; i <= hs.h.bins(); ++i) edges.push_back(hs.h.edge(i));
    h[k] = {{"kind", "log_histogram"}, {"unit", hs.h.unit()}, {"desc", hs.desc},
            {"bins_per_decade", hs.h.per_decade()}, {"edges", edges}, {"counts", hs.h.counts()},
            {"underflow", hs.h.underflow()}, {"overflow", hs.h.overflow()}, {"total", hs.h.total()}};
  }
  j["provenance"] = provenance_json(&sc);
  return j;
}

double clean_number(double v) {
  // 12 significant digits: far below any model's precision, far above float
  // noise (2.6100000000000003 -> 2.61); written back shortest round-trip.
  if (!std::isfinite(v) || v == 0) return v;
  return std::strtod(fmt::format("{:.12g}", v).c_str(), nullptr);
}

std::string dump_results(const nlohmann::ordered_json& j, bool clean, int indent) {
  // nlohmann writes doubles with Grisu2, which is not always shortest
  // (91.97739069 comes out as 91.97739068999999): every number outside a
  // string is written again with fmt's shortest round-trip form (of its
  // clean_number with `clean`), keeping a floating-point number
  // floating-point (4041.0 stays 4041.0, not 4041).
  const std::string in = j.dump(indent);
  std::string out;
  out.reserve(in.size());
  bool str = false, esc = false;
  for (size_t i = 0; i < in.size();) {
    const char c = in[i];
    if (str) {
      out += c, ++i;
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') str = false;
      continue;
    }
    if (c == '"') { str = true, out += c, ++i; continue; }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t e = i + 1;
      while (e < in.size() && std::strchr("0123456789.eE+-", in[e])) ++e;
      const std::string tok = in.substr(i, e - i);
      if (tok.find_first_of(".eE") == std::string::npos) {
        out += tok;  // an integer: as written
      } else {
        const double v = std::strtod(tok.c_str(), nullptr);
        std::string f = fmt::format("{}", clean ? clean_number(v) : v);
        if (f.find_first_of(".eEn") == std::string::npos) f += ".0";
        out += f;
      }
      i = e;
      continue;
    }
    out += c, ++i;
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool plot_latency(const std::string& dir, const RunResult& r) {
  namespace fs = std::filesystem;
  const auto& hs = r.stats.histograms();
  if (hs.empty()) return false;
  fs::create_directories(dir);
  // latency.dat: one gnuplot data block per histogram (index i), a line per
  // bin: lower edge, upper edge, requests, share of the histogram's requests in %.
  std::ofstream dat(fs::path(dir) / "latency.dat");
  std::string plots, unit;
  int i = 0;
  for (const auto& [name, h] : hs) {
    unit = h.h.unit();
    const double total = double(h.h.total());
    dat << "# " << name << ": " << h.desc << " (" << h.h.unit() << "; below " << clean_number(h.h.lo()) << ": "
        << h.h.underflow() << ", at or above " << clean_number(h.h.hi()) << ": " << h.h.overflow() << ")\n"
        << "# lower upper count share_%\n";
    for (size_t b = 0; b < h.h.bins(); ++b)
      dat << fmt::format("{} {} {} {}\n", clean_number(h.h.edge(b)), clean_number(h.h.edge(b + 1)), h.h.counts()[b],
                         total > 0 ? clean_number(100.0 * double(h.h.counts()[b]) / total) : 0.0);
    dat << "\n\n";
    plots += fmt::format("{}\"latency.dat\" index {} using (sqrt($1*$2)):4 with histeps lw 2 title \"{}\"",
                         plots.empty() ? "plot " : ", ", i++, name);
  }
  dat.close();  // complete on disk before gnuplot reads it
  if (!dat) throw std::runtime_error("cannot write " + (fs::path(dir) / "latency.dat").string());
  const std::string body = fmt::format(
      "set title \"request latency (issue to completion), {} bins per decade\"\n"
      "set logscale x 10\nset format x \"%g\"\nset xlabel \"latency ({})\"\n"
      "set ylabel \"requests (% of the window's)\"\nset grid\nset key top left\n{}\n",
      hs.begin()->second.h.per_decade(), unit, plots);
  return draw_plot({dir, "latency", 900, 600, "latency.dat", false}, body);
}

void write_results(const std::string& dir, const Scenario& sc, const RunResult& r) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::ofstream js(fs::path(dir) / "results.json");
  js << dump_results(results_json(sc, r), true) << "\n";
  std::ofstream csv(fs::path(dir) / "results.csv");
  csv << "statistic,value,unit,kind,description\n";
  for (const auto& [k, v] : r.stats.all())
    csv << k << "," << fmt::format("{}", clean_number(v.value)) << "," << csv_field(v.unit) << "," << to_string(v.kind)
        << "," << csv_field(v.desc) << "\n";
  if (!js || !csv) throw std::runtime_error("cannot write results in " + dir);
}

void print_summary(std::ostream& os, const Scenario& sc, const RunResult& r) {
  const Stats& s = r.stats;
  const KeyFigures k = key_figures(results_json(sc, r));
  const auto& w = sc.workload;
  const std::string path = w.kind == WorkloadKind::Storage ? "storage only" : path_label(sc);
  auto ms = [&](const char* q) { return s.has(std::string("top.workload.latency.") + q) ? s.get(std::string("top.workload.latency.") + q) : 0.0; };
  // A streams run reads its own block per period (workload.streams), not workload.block.
  const std::string load = w.kind == WorkloadKind::Streams
      ? fmt::format("{} streams of {} every {}", w.streams.count, config::format_size(double(w.streams.block_bytes)),
                    config::format_time(w.streams.period_s))
      : config::format_size(double(w.access.block_bytes)) + " blocks";
  fmt::print(os, "{}  [{} path, {} workload, {}, seed {}]\n", sc.name, path, to_string(w.kind), load, sc.run.seed);
  fmt::print(os, "  throughput   {:10.1f} I/O/s   {:8.2f} MB/s\n", k.iops, k.mbps);
  if (sc.platform.device == PlatformDevice::Nvme)  // microseconds: an SSD read is ~10 us
    fmt::print(os, "  latency us   mean {:.2f}  p50 {:.2f}  p95 {:.2f}  p99 {:.2f}  max {:.2f}\n", 1e3 * ms("mean"),
               1e3 * ms("p50"), 1e3 * ms("p95"), 1e3 * ms("p99"), 1e3 * ms("max"));
  else
    fmt::print(os, "  latency ms   mean {:.3f}  p50 {:.3f}  p95 {:.3f}  p99 {:.3f}  max {:.3f}\n", ms("mean"), ms("p50"),
               ms("p95"), ms("p99"), ms("max"));
  fmt::print(os, "  in flight    {:.1f} requests (mean)\n", k.outstanding);
  fmt::print(os, "  utilisation  PCI {:.1f}%  SCSI bus max {:.1f}%  disks mean {:.1f}% (max {:.1f}%)", k.pci_util,
             k.scsi_bus_busy, k.disk_busy, k.disk_busy_max);
  if (s.has("top.host.busy")) fmt::print(os, "  host CPUs {:.1f}%", k.host_busy);
  if (s.has("top.card.fw.busy")) fmt::print(os, "  card CPU {:.1f}%", k.card_cpu_busy);
  fmt::print(os, "\n");
  fmt::print(os, "  disk queue   {:.1f} commands per disk (mean)\n", k.disk_queue);
  if (s.has("top.host.false_idle"))
    fmt::print(os, "  host losses  false computation {:.2f}%  false idle {:.1f}%\n", s.get("top.host.false_computation"),
               s.get("top.host.false_idle"));
  fmt::print(os, "  checked      {} requests issued, all completed exactly once ({} failed); {:.2f} s simulated in {:.1f} s wall"
             ", peak memory {:.0f} MB\n", r.issued, r.failed, r.sim_s, r.wall_s, r.peak_rss_mb);
}

} // namespace iosim
