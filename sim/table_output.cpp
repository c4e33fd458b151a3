#include "sim/table_output.hpp"

#include "sim/plot.hpp"

#include "sim/output.hpp"
#include "sim/subprocess.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace iosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Paper {
  double sync = kNaN, async = kNaN, gain = kNaN;
};
Paper paper_of(const TableConfig& c, std::uint64_t block) {
  auto it = c.paper.find(block);
  if (it == c.paper.end()) return {};
  return {it->second.sync, it->second.async, it->second.gain_pct};
}

double err_pct(double sim, double paper) { return std::isnan(paper) || paper == 0 ? kNaN : 100.0 * (sim / paper - 1); }

std::string num(double v, const char* spec) { return std::isnan(v) ? "-" : fmt::format(spec, v); }

// JSON has no NaN: a missing paper value is null.
nlohmann::ordered_json jnum(double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

}  // namespace

TableSummary summarise(const TableConfig& c, const TableResult& r) {
  TableSummary s;
  double gsum = 0;
  int gn = 0;
  for (const auto& row : r.rows) {
    const Paper p = paper_of(c, row.block);
    for (bool sync : {true, false}) {
      const double e = err_pct((sync ? row.sync : row.async).search.best_iops, sync ? p.sync : p.async);
      if (std::isnan(e)) continue;
      ++s.cells;
      s.within5 += std::abs(e) <= 5;
      s.within10 += std::abs(e) <= 10;
      if (std::abs(e) > s.max_err_pct) {
        s.max_err_pct = std::abs(e);
        s.max_err_cell = fmt::format("{} {} kB", sync ? "sync" : "async", block_kb(row.block));
      }
    }
    if (!std::isnan(p.gain)) {
      const double g = std::abs(row.gain_pct() - p.gain);
      gsum += g, ++gn;
      s.gain_err_max_pp = std::max(s.gain_err_max_pp, g);
    }
  }
  s.gain_err_mean_pp = gn ? gsum / gn : 0;
  return s;
}

void print_table(std::ostream& os, const TableConfig& c, const TableResult& r) {
  fmt::print(os, "{}{}: saturation I/O rate, paper vs iosim\n", c.name, c.quick ? " (quick)" : "");
  fmt::print(os, "{:>6} | {:>6} {:>7} {:>7} {:>5} | {:>6} {:>7} {:>7} {:>7} | {:>6} {:>7} {:>7}\n", "block", "sync", "",
             "", "", "async", "", "", "", "gain %", "", "");
  fmt::print(os, "{:>6} | {:>6} {:>7} {:>7} {:>5} | {:>6} {:>7} {:>7} {:>7} | {:>6} {:>7} {:>7}\n", "kB", "paper",
             "iosim", "err %", "N", "paper", "iosim", "err %", "rate/s", "paper", "iosim", "err pp");
  for (const auto& row : r.rows) {
    const Paper p = paper_of(c, row.block);
    const auto& s = row.sync.search;
    const auto& a = row.async.search;
    fmt::print(os, "{:>6} | {:>6} {:>7.0f} {:>7} {:>5} | {:>6} {:>7.0f} {:>7} {:>7} | {:>6} {:>7.2f} {:>7}\n",
               block_kb(row.block), num(p.sync, "{:.0f}"), s.best_iops, num(err_pct(s.best_iops, p.sync), "{:+.1f}"),
               fmt::format("{:.0f}{}", s.best_x, s.capped ? "+" : ""), num(p.async, "{:.0f}"), a.best_iops,
               num(err_pct(a.best_iops, p.async), "{:+.1f}"), fmt::format("{:.0f}{}", a.best_x, a.capped ? "+" : ""),
               num(p.gain, "{:.2f}"), row.gain_pct(), num(row.gain_pct() - p.gain, "{:+.2f}"));
  }
  const TableSummary m = summarise(c, r);
  if (m.cells == 0)  // e.g. --blocks 3KiB: nothing to compare against
    fmt::print(os, "summary: no block run here has a row in the paper's table ({}): nothing to compare\n",
               c.paper_csv);
  else
  fmt::print(os, "summary: {}/{} cells within 5%, {}/{} within 10%, max error {:.1f}% ({}); gain error mean {:.2f} pp, max {:.2f} pp\n",
             m.within5, m.cells, m.within10, m.cells, m.max_err_pct, m.max_err_cell.empty() ? "-" : m.max_err_cell,
             m.gain_err_mean_pp, m.gain_err_max_pp);
  for (const auto& row : r.rows)
    if (row.sync.search.capped || row.async.search.capped) {
      fmt::print(os, "note: '+' marks a search stopped at its max (N or rate) before saturating\n");
      break;
    }
}

std::string table_csv(const TableConfig& c, const TableResult& r) {
  std::string out =
      "block_kb,paper_sync_iops,iosim_sync_iops,sync_err_pct,sync_processes,paper_async_iops,iosim_async_iops,"
      "async_err_pct,async_rate,async_knee_rate,paper_gain_pct,iosim_gain_pct,gain_err_pp";
  for (const char* m : {"sync", "async"})
    for (const char* f : {"disk_busy_pct", "disk_queue_mean", "scsi_bus_busy_max_pct", "pci_util_pct", "host_cpu_busy_pct",
                          "card_cpu_busy_pct", "latency_mean_ms"})
      out += fmt::format(",{}_{}", m, f);
  out += ",quick\n";  // 1: --quick (shorter runs, fewer steps), not the paper's protocol
  auto v = [](double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); };
  for (const auto& row : r.rows) {
    const Paper p = paper_of(c, row.block);
    const auto& s = row.sync.search;
    const auto& a = row.async.search;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}", block_kb(row.block), v(p.sync), v(s.best_iops),
                       v(err_pct(s.best_iops, p.sync)), v(s.best_x), v(p.async), v(a.best_iops),
                       v(err_pct(a.best_iops, p.async)), v(a.best_x), v(a.knee_x), v(p.gain), v(row.gain_pct()),
                       v(row.gain_pct() - p.gain));
    for (const TableCell* cell : {&row.sync, &row.async}) {
      const KeyFigures& k = cell->at_best;
      for (double x : {k.disk_busy, k.disk_queue, k.scsi_bus_busy, k.pci_util, k.host_busy, k.card_cpu_busy, k.lat_mean_ms})
        out += "," + v(x);
    }
    out += c.quick ? ",1\n" : ",0\n";
  }
  return out;
}

nlohmann::ordered_json table_json(const TableConfig& c, const TableResult& r, const std::vector<std::string>& sets) {
  nlohmann::ordered_json j;
  j["table"] = c.name;
  j["source"] = c.source;
  j["quick"] = c.quick;
  j["paper_csv"] = c.paper_csv;
  j["sync"] = {{"scenario", c.sync_scenario}, {"set", c.sync_sets},
               {"search", {{"start_processes", c.sync.start}, {"factor", c.sync.factor}, {"min_gain", c.sync.min_gain},
                           {"patience", c.sync.patience}, {"max_processes", c.sync.max}}}};
  j["async"] = {{"scenario", c.async_scenario}, {"set", c.async_sets},
                {"search", {{"start_rate", c.async.start}, {"factor", c.async.factor}, {"keep_up", c.async.keep_up},
                            {"bisection_steps", c.async.bisection_steps}, {"max_rate", c.async.max}}}};
  j["run"] = {{"warmup_s", c.warmup_s}, {"duration_s", c.duration_s}, {"seed", c.seed}, {"set", sets}};
  auto cell = [](const TableCell& t, const char* axis, double paper) {
    nlohmann::ordered_json o;
    o["iops"] = t.search.best_iops;
    o[axis] = t.search.best_x;
    o["paper_iops"] = jnum(paper);
    o["err_pct"] = jnum(err_pct(t.search.best_iops, paper));
    o["capped"] = t.search.capped;
    o["at_saturation"] = to_json(t.at_best);
    o["steps"] = nlohmann::json::array();
    for (const auto& s : t.search.steps)
      {
        nlohmann::ordered_json st{{"phase", s.phase}, {"x", s.x}, {"iops", s.iops}};
        if (s.offered > 0) st["offered"] = s.offered, st["kept_up"] = s.kept_up;
        o["steps"].push_back(st);
      }
    return o;
  };
  j["rows"] = nlohmann::json::array();
  for (const auto& row : r.rows) {
    const Paper p = paper_of(c, row.block);
    nlohmann::ordered_json o;
    o["block_kb"] = row.block / 1024.0;
    o["sync"] = cell(row.sync, "processes", p.sync);
    o["async"] = cell(row.async, "rate", p.async);
    o["async"]["knee_rate"] = row.async.search.knee_x;
    o["async"]["bracket_hi_rate"] = row.async.search.bracket_hi;
    o["gain_pct"] = {{"paper", jnum(p.gain)}, {"iosim", row.gain_pct()}, {"err_pp", jnum(row.gain_pct() - p.gain)}};
    j["rows"].push_back(o);
  }
  const TableSummary m = summarise(c, r);
  j["summary"] = {{"cells", m.cells}, {"within_5pct", m.within5}, {"within_10pct", m.within10},
                  {"max_err_pct", m.max_err_pct}, {"max_err_cell", m.max_err_cell},
                  {"gain_err_mean_pp", m.gain_err_mean_pp}, {"gain_err_max_pp", m.gain_err_max_pp}};
  j["provenance"] = provenance_json();  // command line, versions (each point's JSON has its configuration)
  return j;
}

bool write_plot(const std::string& dir, const TableConfig& c, const TableResult& r) {
  namespace fs = std::filesystem;
  {
    std::ofstream dat(fs::path(dir) / "table.dat");
    dat << "# block_kb paper_sync iosim_sync paper_async iosim_async paper_gain iosim_gain\n";
    auto v = [](double x) { return std::isnan(x) ? std::string("NaN") : fmt::format("{:.6g}", x); };
    for (const auto& row : r.rows) {
      const Paper p = paper_of(c, row.block);
      dat << fmt::format("{:.6g} {} {} {} {} {} {}\n", row.block / 1024.0, v(p.sync), v(row.sync.search.best_iops),
                         v(p.async), v(row.async.search.best_iops), v(p.gain), v(row.gain_pct()));
    }
  }
  // Two panels: I/O/s vs block size (log-log), and the async gain.
  const std::string body = fmt::format(R"gp(set datafile missing "NaN"
set multiplot layout 2,1 title "{}: saturation I/O rate, paper vs iosim"
set logscale x 2
set xrange [0.7:1500]
set xlabel "block size (kB)"
set grid
set key top right
set logscale y 10
set ylabel "I/O/s"
plot "table.dat" u 1:2 w lp lw 2 pt 6 lc rgb "#1f77b4" t "paper sync", \
     "table.dat" u 1:4 w lp lw 2 pt 6 lc rgb "#d62728" t "paper async", \
     "table.dat" u 1:3 w lp lw 2 pt 7 dt 2 lc rgb "#1f77b4" t "iosim sync", \
     "table.dat" u 1:5 w lp lw 2 pt 7 dt 2 lc rgb "#d62728" t "iosim async"
unset logscale y
set ylabel "async gain (%)"
plot "table.dat" u 1:6 w lp lw 2 pt 6 lc rgb "black" t "paper gain", \
     "table.dat" u 1:7 w lp lw 2 pt 7 dt 2 lc rgb "#2ca02c" t "iosim gain", \
     0 w l lc rgb "gray" notitle
unset multiplot
)gp", c.name + (c.quick ? " (--quick)" : ""));
  return draw_plot({dir, "table", 900, 900, "table.dat"}, body);
}

}  // namespace iosim
