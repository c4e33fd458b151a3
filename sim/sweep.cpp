#include "sim/sweep.hpp"

#include "sim/config/error.hpp"
#include "sim/key_figures.hpp"
#include "sim/output.hpp"
#include "sim/point_pool.hpp"
#include "sim/scenario.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace iosim {

namespace {

// Columns shared by the terminal table and the CSV: header, width, value.
struct Col {
  const char* name;
  int width;
  int prec;
  double KeyFigures::*field;
};
const Col kCols[] = {
    {"iops", 9, 1, &KeyFigures::iops},
    {"mbps", 8, 2, &KeyFigures::mbps},
    {"lat_mean_ms", 11, 2, &KeyFigures::lat_mean_ms},
    {"lat_p99_ms", 10, 2, &KeyFigures::lat_p99_ms},
    {"in_flight", 9, 1, &KeyFigures::outstanding},
    {"disk_busy_pct", 13, 1, &KeyFigures::disk_busy},
    {"disk_queue", 10, 2, &KeyFigures::disk_queue},
    {"scsi_bus_pct", 12, 1, &KeyFigures::scsi_bus_busy},
    {"pci_pct", 7, 1, &KeyFigures::pci_util},
    {"host_cpu_pct", 12, 1, &KeyFigures::host_busy},
    {"card_cpu_pct", 12, 1, &KeyFigures::card_cpu_busy},
};

}  // namespace

int run_sweep(const SweepOptions& o) {
  if (o.values.empty()) {
    fmt::print(stderr, "iosim sweep: --values needs at least one value\n");
    return 2;
  }
  // Check every point's configuration here, so a typo is one located error
  // (exit 2) instead of N failed children.
  std::vector<std::vector<std::string>> args;
  const int cfg = config::guard_config_errors([&] {
    for (const auto& v : o.values) {
      std::vector<std::string> sets = o.sets;
      sets.push_back(o.param + "=" + v);
      load_scenario(o.scenario, sets);
      std::vector<std::string> a{o.scenario};
      for (const auto& s : sets) a.push_back("--set"), a.push_back(s);
      args.push_back(std::move(a));
    }
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;

  PointPool pool(o.jobs > 0 ? o.jobs : default_jobs(), "", o.point_timeout_s);
  const int total = int(args.size());
  const bool tty = isatty(2);
  pool.on_done([&] {
    if (tty) fmt::print(stderr, "\rsweep {}: {}/{} points done\033[K", o.param, pool.done(), total);
  });
  std::vector<PointPool::Handle> hs;
  for (auto& a : args) hs.push_back(pool.submit(a));

  nlohmann::ordered_json js;
  js["scenario"] = o.scenario;
  js["param"] = o.param;
  js["sets"] = o.sets;
  js["points"] = nlohmann::json::array();
  std::string csv = "value";
  for (const auto& c : kCols) csv += std::string(",") + c.name;
  csv += ",status\n";
  std::vector<std::string> rows;
  int failed = 0;
  size_t vw = o.param.size();
  for (const auto& v : o.values) vw = std::max(vw, v.size());
  for (size_t i = 0; i < hs.size(); ++i) {
    const PointOutcome& r = hs[i].get();
    nlohmann::ordered_json p;
    p["value"] = o.values[i];
    std::string row = fmt::format("{:>{}}", o.values[i], vw);
    csv += o.values[i];
    if (r.ok()) {
      const KeyFigures k = key_figures(r.result);
      for (const auto& c : kCols) {
        row += fmt::format(" {:>{}.{}f}", k.*c.field, c.width, c.prec);
        csv += fmt::format(",{:.6g}", k.*c.field);
      }
      csv += ",ok\n";
      p["figures"] = to_json(k);
      p["results"] = r.result;
    } else {
      ++failed;
      row += r.timed_out ? std::string("  failed (timed out)") : fmt::format("  failed (exit {})", r.status);
      for (size_t c = 0; c < std::size(kCols); ++c) csv += ",";
      csv += r.timed_out ? std::string(",failed timed out\n") : fmt::format(",failed exit {}\n", r.status);
      p["timed_out"] = r.timed_out;
      p["error"] = r.error;
      p["status"] = r.status;
    }
    rows.push_back(row);
    js["points"].push_back(p);
  }
  if (tty) fmt::print(stderr, "\r\033[K");

  std::string head = fmt::format("{:>{}}", o.param, vw);
  for (const auto& c : kCols) head += fmt::format(" {:>{}}", c.name, c.width);
  fmt::print("{}\n", head);
  for (const auto& r : rows) fmt::print("{}\n", r);
  for (size_t i = 0; i < hs.size(); ++i)
    if (!hs[i].get().ok())
      fmt::print(stderr, "iosim sweep: {}={}: {}:\n{}\n", o.param, o.values[i],
                 hs[i].get().timed_out ? std::string("timed out") : fmt::format("exit {}", hs[i].get().status),
                 hs[i].get().error);

  if (!o.no_files) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out);
    std::ofstream(fs::path(o.out) / "sweep.csv") << csv;
    js["provenance"] = provenance_json();  // command line, versions (each point has its configuration)
    std::ofstream(fs::path(o.out) / "sweep.json") << js.dump(2) << "\n";
    fmt::print("  results  {}/sweep.csv, {}/sweep.json\n", o.out, o.out);
  }
  return failed ? 1 : 0;
}

}  // namespace iosim
