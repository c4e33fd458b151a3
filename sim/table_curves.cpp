#include "sim/table_curves.hpp"

#include "sim/plot.hpp"

#include "sim/output.hpp"
#include "sim/subprocess.hpp"
#include "sim/table_config.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>

namespace iosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// x -> on the search's path; a map keeps the xs sorted and each once.
using Xs = std::map<double, bool>;

std::vector<double> flatten(const Xs& xs, std::vector<bool>* on_path) {
  std::vector<double> out;
  if (on_path) on_path->clear();
  for (const auto& [x, path] : xs) {
    out.push_back(x);
    if (on_path) on_path->push_back(path);
  }
  return out;
}

void add(Xs& xs, double x, bool path) {
  auto [it, fresh] = xs.emplace(x, path);
  if (!fresh) it->second = it->second || path;
}

// The workload group's statistic (the one group of type "workload").
double workload_stat(const nlohmann::json& j, const char* name) {
  for (const auto& [group, type] : j.at("groups").items())
    if (type == "workload") {
      const std::string k = group + "." + name;
      if (!j.at("stats").contains(k)) throw std::runtime_error("results have no statistic '" + k + "'");
      return j["stats"][k].at("value").get<double>();
    }
  throw std::runtime_error("results have no workload group");
}

// A statistic's mean over every group of a type (NaN: none has it).
double mean_over(const nlohmann::json& j, const char* type, const char* name) {
  double sum = 0;
  int n = 0;
  for (const auto& [group, t] : j.at("groups").items()) {
    const std::string k = group + "." + name;
    if (t != type || !j.at("stats").contains(k)) continue;
    sum += j["stats"][k].at("value").get<double>(), ++n;
  }
  return n ? sum / n : kNaN;
}

KeyFigures figures_of(const nlohmann::json& j) {
  // The inverse of to_json(KeyFigures) (sim/key_figures.cpp).
  KeyFigures k;
  k.iops = j.at("iops"), k.mbps = j.at("mbps");
  k.lat_mean_ms = j.at("latency_mean_ms"), k.lat_p99_ms = j.at("latency_p99_ms");
  k.outstanding = j.at("outstanding");
  k.disk_busy = j.at("disk_busy_pct"), k.disk_busy_max = j.at("disk_busy_max_pct");
  k.disk_queue = j.at("disk_queue_mean"), k.scsi_bus_busy = j.at("scsi_bus_busy_max_pct");
  k.pci_util = j.at("pci_util_pct"), k.host_busy = j.at("host_cpu_busy_pct");
  k.card_cpu_busy = j.at("card_cpu_busy_pct"), k.requests_issued = j.at("requests_issued");
  return k;
}

const char* x_unit(bool sync) { return sync ? "processes" : "offered I/O/s"; }

// JSON has no NaN: null.
nlohmann::ordered_json jnum(double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

std::string v6(double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); }

}  // namespace

const CurvePoint* Curve::chosen() const {
  for (const auto& p : points)
    if (p.chosen) return &p;
  return nullptr;
}

const CurvePoint* Curve::peak() const {
  const CurvePoint* best = nullptr;
  for (const auto& p : points)
    if (!best || p.k.iops > best->k.iops) best = &p;
  return best;
}

void validate(const CurveParams& cp) {
  if (!(cp.sync_span >= 1)) throw std::invalid_argument("curve span (sync) must be >= 1");
  if (!(cp.sync_factor > 1)) throw std::invalid_argument("curve factor (sync) must be > 1");
  if (!(cp.async_span >= 1)) throw std::invalid_argument("curve span (async) must be >= 1");
  if (cp.async_points < 0) throw std::invalid_argument("curve points (async) must be >= 0");
}

std::vector<double> sync_curve_xs(const saturation::ClosedParams& p, const CurveParams& cp,
                                  const saturation::Result& search, std::vector<bool>* on_path) {
  validate(cp);
  Xs xs;
  double last = 0;
  for (const auto& s : search.steps) add(xs, s.x, true), last = std::max(last, s.x);
  // The cold search's grid up to its last step: a warm start skipped the
  // first of these (sim/saturation.hpp: the grid is the same from any start).
  for (int n = p.start; n <= last; n = saturation::next_processes(n, p.factor)) add(xs, n, true);
  // Past the chosen N: x factor per point up to span x N (never over the
  // search's max). The 1e-9 lets span = factor^k include its last point.
  const double n0 = search.best_x;
  for (int k = 1; n0 > 0; ++k) {
    const double m = n0 * std::pow(cp.sync_factor, k);
    if (m > n0 * cp.sync_span * (1 + 1e-9)) break;
    const double n = double(std::llround(m));
    if (n > p.max) break;
    add(xs, n, false);
  }
  return flatten(xs, on_path);
}

std::vector<double> async_curve_xs(const saturation::OpenParams& p, const CurveParams& cp,
                                   const saturation::Result& search, std::vector<bool>* on_path) {
  validate(cp);
  Xs xs;
  double last_grow = 0;
  for (const auto& s : search.steps) {
    add(xs, s.x, true);
    if (s.phase == "grow") last_grow = std::max(last_grow, s.x);
  }
  for (double r = saturation::whole_rate(p.start); r <= last_grow; r = saturation::whole_rate(r * p.factor))
    add(xs, r, true);
  // Past the knee (the highest rate kept up; none kept up: the first rate).
  const double knee = search.knee_x > 0 ? search.knee_x : (search.steps.empty() ? 0 : search.steps.front().x);
  for (int k = 1; knee > 0 && k <= cp.async_points; ++k) {
    const double r = saturation::whole_rate(knee * (1 + (cp.async_span - 1) * k / cp.async_points));
    if (r > p.max) break;
    add(xs, r, false);
  }
  return flatten(xs, on_path);
}

double arrived_rate(const nlohmann::json& j, double nominal) {
  // Requests/s that arrived in the window: the same Poisson sample the
  // completions come from, so a 3% keep-up margin is not lost in arrival
  // noise (at 1000/s over 1 s, one sigma is 3%). Only if the arrivals fall
  // short of the nominal rate by more than 4 sigma were the processes held
  // back (a full ring, saturated CPUs): then the nominal rate is what was
  // offered and not kept up with.
  const auto& st = j.at("stats");
  const double window = j.at("run").at("duration_s").get<double>();
  if (!st.contains("top.workload.issued") || window <= 0) return nominal;
  const double issued = st["top.workload.issued"].at("value").get<double>() / window;
  const double tolerance = 4 / std::sqrt(nominal * window);
  return issued >= nominal * (1 - tolerance) ? issued : nominal;
}

CurvePoint curve_point(const nlohmann::json& j, double x, bool open_loop, double keep_up) {
  CurvePoint p;
  p.x = x;
  p.k = key_figures(j);
  p.lat_p50_ms = workload_stat(j, "latency.p50");
  // Where the sync curve's extra I/O/s come from past the knee: the disks are
  // busy all the time, and a deeper host queue shortens each access.
  p.seek_ms = mean_over(j, "disk", "seek_time");
  p.service_ms = mean_over(j, "disk", "service_time");
  if (open_loop) {
    p.offered = arrived_rate(j, x);
    p.kept_up = p.k.iops >= keep_up * p.offered;
  }
  return p;
}

std::string curves_csv(const TableConfig& c, const std::vector<CurveRow>& rows) {
  // Units in the names: _iops I/O/s completed in the window, _pct percent,
  // _ms milliseconds; x in x_unit.
  std::string out =
      "block_kb,path,x,x_unit,offered_iops,iops,completed_pct,kept_up,latency_p50_ms,latency_p99_ms,latency_mean_ms,"
      "outstanding,host_cpu_busy_pct,card_cpu_busy_pct,pci_util_pct,disk_busy_pct,disk_queue_mean,disk_seek_ms,"
      "disk_service_ms,point,chosen,quick\n";
  for (const auto& row : rows)
    for (bool sync : {true, false}) {
      const Curve& cv = sync ? row.sync : row.async;
      for (const auto& p : cv.points) {
        const KeyFigures& k = p.k;
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", block_kb(row.block),
                           sync ? "sync" : "async", v6(p.x), x_unit(sync), sync ? "" : v6(p.offered), v6(k.iops),
                           sync || p.offered <= 0 ? "" : v6(100 * k.iops / p.offered),
                           sync ? "" : (p.kept_up ? "1" : "0"), v6(p.lat_p50_ms), v6(k.lat_p99_ms),
                           v6(k.lat_mean_ms), v6(k.outstanding), v6(k.host_busy), v6(k.card_cpu_busy),
                           v6(k.pci_util), v6(k.disk_busy), v6(k.disk_queue), v6(p.seek_ms), v6(p.service_ms),
                           p.search ? "search" : "extra", p.chosen ? 1 : 0,
                           c.quick ? 1 : 0);
      }
    }
  return out;
}

nlohmann::ordered_json curves_json(const TableConfig& c, const std::vector<CurveRow>& rows) {
  nlohmann::ordered_json j;
  j["table"] = c.name;
  j["source"] = c.source;
  j["quick"] = c.quick;
  j["curves"] = {{"sync", {{"span", c.curves.sync_span}, {"factor", c.curves.sync_factor}}},
                 {"async", {{"span", c.curves.async_span}, {"points", c.curves.async_points}}}};
  j["rows"] = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::ordered_json r;
    r["block_kb"] = row.block / 1024.0;
    for (bool sync : {true, false}) {
      const Curve& cv = sync ? row.sync : row.async;
      nlohmann::ordered_json o;
      o["x_unit"] = x_unit(sync);
      o["chosen_x"] = cv.chosen_x;
      o["knee_x"] = cv.knee_x;
      o["points"] = nlohmann::json::array();
      for (const auto& p : cv.points) {
        nlohmann::ordered_json q{{"x", p.x}};
        if (!sync) q["offered_iops"] = p.offered, q["kept_up"] = p.kept_up;
        q["iops"] = p.k.iops;
        q["latency_p50_ms"] = p.lat_p50_ms;
        q["disk_seek_ms"] = jnum(p.seek_ms);
        q["disk_service_ms"] = jnum(p.service_ms);
        q["point"] = p.search ? "search" : "extra";
        q["chosen"] = p.chosen;
        q["figures"] = to_json(p.k);
        o["points"].push_back(q);
      }
      r[sync ? "sync" : "async"] = o;
    }
    j["rows"].push_back(r);
  }
  j["provenance"] = provenance_json();  // command line, versions
  return j;
}

std::vector<CurveRow> curves_from_json(const nlohmann::json& j) {
  std::vector<CurveRow> rows;
  try {
    for (const auto& r : j.at("rows")) {
      CurveRow row;
      row.block = std::uint64_t(std::llround(r.at("block_kb").get<double>() * 1024));
      for (bool sync : {true, false}) {
        const auto& o = r.at(sync ? "sync" : "async");
        Curve& cv = sync ? row.sync : row.async;
        cv.chosen_x = o.at("chosen_x");
        cv.knee_x = o.at("knee_x");
        for (const auto& q : o.at("points")) {
          CurvePoint p;
          p.x = q.at("x");
          if (!sync) p.offered = q.at("offered_iops"), p.kept_up = q.at("kept_up");
          p.lat_p50_ms = q.at("latency_p50_ms");
          p.seek_ms = q.at("disk_seek_ms").is_null() ? kNaN : q["disk_seek_ms"].get<double>();
          p.service_ms = q.at("disk_service_ms").is_null() ? kNaN : q["disk_service_ms"].get<double>();
          p.search = q.at("point") == "search";
          p.chosen = q.at("chosen");
          p.k = figures_of(q.at("figures"));
          cv.points.push_back(p);
        }
      }
      rows.push_back(std::move(row));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not a curves.json: ") + e.what());
  }
  return rows;
}

void print_curves(std::ostream& os, const TableConfig& c, const std::vector<CurveRow>& rows) {
  fmt::print(os, "saturation curves{}: the chosen point, the curve's end and its peak (curves.csv)\n",
             c.quick ? " (quick)" : "");
  fmt::print(os, "{:>6} | {:>5} {:>6} {:>6} | {:>5} {:>6} {:>7} {:>6} | {:>6} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>7} {:>6} | {:>6} {:>6}\n",
             "block", "sync", "chosen", "", "end", "", "", "", "peak", "", "async", "chosen", "", "end", "", "", "",
             "peak", "");
  fmt::print(os, "{:>6} | {:>5} {:>6} {:>6} | {:>5} {:>6} {:>7} {:>6} | {:>6} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>7} {:>6} | {:>6} {:>6}\n",
             "kB", "N", "I/O/s", "p99 ms", "N", "I/O/s", "vs %", "p99 ms", "I/O/s", "N", "rate/s", "I/O/s", "p99 ms",
             "rate/s", "I/O/s", "vs %", "p99 ms", "I/O/s", "rate/s");
  auto pct = [](const CurvePoint* a, const CurvePoint* b) {
    return a && b && a->k.iops > 0 ? fmt::format("{:+.1f}", 100 * (b->k.iops / a->k.iops - 1)) : std::string("-");
  };
  for (const auto& row : rows) {
    const Curve& s = row.sync;
    const Curve& a = row.async;
    const CurvePoint *sc = s.chosen(), *se = s.last(), *sp = s.peak();
    const CurvePoint *ac = a.chosen(), *ae = a.last(), *ap = a.peak();
    auto g = [](const CurvePoint* p, int what) -> std::string {
      if (!p) return "-";
      switch (what) {
        case 0: return fmt::format("{:.0f}", p->x);
        case 1: return fmt::format("{:.0f}", p->k.iops);
        default: return fmt::format("{:.1f}", p->k.lat_p99_ms);
      }
    };
    fmt::print(os, "{:>6} | {:>5} {:>6} {:>6} | {:>5} {:>6} {:>7} {:>6} | {:>6} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>7} {:>6} | {:>6} {:>6}\n",
               block_kb(row.block), g(sc, 0), g(sc, 1), g(sc, 2), g(se, 0), g(se, 1), pct(sc, se), g(se, 2), g(sp, 1),
               g(sp, 0), g(ac, 0), g(ac, 1), g(ac, 2), g(ae, 0), g(ae, 1), pct(ac, ae), g(ae, 2), g(ap, 1), g(ap, 0));
  }
}

bool write_curves_plot(const std::string& dir, const TableConfig& c, const std::vector<CurveRow>& rows) {
  namespace fs = std::filesystem;
  // One data file per path, one gnuplot index (two blank lines apart) per
  // block: x, I/O/s, x / x0, I/O/s / I/O/s at the chosen point, 1 if chosen.
  // x0: sync the chosen N; async the knee rate (the highest rate kept up; the
  // chosen rate is where completions peaked, often past the knee).
  for (bool sync : {true, false}) {
    std::ofstream dat(fs::path(dir) / (sync ? "curves_sync.dat" : "curves_async.dat"));
    dat << fmt::format("# {} curves, one index per block ({}): x I/O/s x_rel iops_rel chosen\n",
                       sync ? "sync" : "async",
                       sync ? "x = processes, x_rel = x / chosen N"
                            : "x = nominal offered requests/s, x_rel = x / knee rate (highest kept up)");
    for (size_t i = 0; i < rows.size(); ++i) {
      const Curve& cv = sync ? rows[i].sync : rows[i].async;
      const CurvePoint* ch = cv.chosen();
      const double x0 = !sync && cv.knee_x > 0 ? cv.knee_x : ch ? ch->x : kNaN;
      const double y0 = ch && ch->k.iops > 0 ? ch->k.iops : kNaN;
      dat << fmt::format("{}# block {} kB\n", i ? "\n\n" : "", block_kb(rows[i].block));
      for (const auto& p : cv.points)
        dat << fmt::format("{:.6g} {:.6g} {:.6g} {:.6g} {}\n", p.x, p.k.iops, p.x / x0, p.k.iops / y0, p.chosen ? 1 : 0);
    }
  }
  // 11 distinguishable colours, small blocks blue to large blocks red.
  static const char* kColours[] = {"#08306b", "#2171b5", "#4292c6", "#17becf", "#2ca02c", "#98df8a",
                                   "#bcbd22", "#ff7f0e", "#d62728", "#9467bd", "#8c564b"};
  auto curves = [&](const char* file, const char* cols) {
    std::string s = "plot ";
    for (size_t i = 0; i < rows.size(); ++i)
      s += fmt::format("\"{}\" index {} u {} w lp lw 2 pt 7 ps 0.6 lc rgb \"{}\" t \"{} kB\", \\\n     ", file, i, cols,
                       kColours[i % 11], block_kb(rows[i].block));
    return s;
  };
  auto knees = [&](const char* file, const char* xcol, const char* ycol) {
    std::string s;
    for (size_t i = 0; i < rows.size(); ++i)
      s += fmt::format("\"{}\" index {} u {}:($5 > 0 ? {} : 1/0) w p pt 6 ps 2.2 lw 2 lc rgb \"{}\" notitle, \\\n     ",
                       file, i, xcol, ycol, kColours[i % 11]);
    return s + "NaN w p pt 6 ps 2.2 lw 2 lc rgb \"black\" t \"chosen by the search\"\n";
  };
  const std::string body = fmt::format(R"gp(set datafile missing "NaN"
set multiplot layout 2,2 title "{0}: saturation curves past the point the search chooses (open circles)"
set grid
set key top left Left reverse samplen 1.5 font ",9"
set logscale x 2
set logscale y 10
set xlabel "sync: processes (N)"
set ylabel "I/O/s completed"
set title "sync: I/O/s vs processes"
{1}{2}unset key
set xlabel "async: offered rate (requests/s)"
set title "async: completed I/O/s vs offered rate"
{3}{4}unset logscale y
set xlabel "N / chosen N"
set ylabel "I/O/s / I/O/s at the chosen N"
set title "sync, relative to the chosen point"
{5}{6}unset logscale x
set xlabel "offered rate / knee rate (the highest rate kept up)"
set ylabel "I/O/s / I/O/s at the chosen rate"
set title "async, relative to the knee"
{7}{8}unset multiplot
)gp",
      c.name + (c.quick ? " (--quick)" : ""), curves("curves_sync.dat", "1:2"), knees("curves_sync.dat", "1", "$2"),
      curves("curves_async.dat", "1:2"), knees("curves_async.dat", "1", "$2"), curves("curves_sync.dat", "3:4"),
      knees("curves_sync.dat", "3", "$4"), curves("curves_async.dat", "3:4"), knees("curves_async.dat", "3", "$4"));
  return draw_plot({dir, "curves", 1400, 1000, "curves_sync.dat, curves_async.dat"}, body);
}

}  // namespace iosim
