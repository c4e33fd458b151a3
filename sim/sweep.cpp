#include "sim/sweep.hpp"

#include "sim/plot.hpp"

#include "sim/config/error.hpp"
#include "sim/config/units.hpp"
#include "sim/jobs.hpp"
#include "sim/key_figures.hpp"
#include "sim/output.hpp"
#include "sim/point_pool.hpp"
#include "sim/scenario.hpp"
#include "sim/subprocess.hpp"
#include "sim/sweep_values.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

namespace iosim {

namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------- the plan

struct SweepPoint {
  std::vector<std::string> values;  // one per --param
  std::string label;                // "k1=v1 k2=v2"
  // From the point's scenario (loaded here, as each child will load it).
  bool open_loop = false;     // a Poisson rate: offered vs completed applies
  double nominal_rate = 0;    // requests/s (open loop)
  double window_s = 0;        // run.duration
  double poll_s = 0;          // async path: the polling thread's period (0: no polls)
  std::vector<size_t> runs;   // indices into SweepPlan::runs
};

struct SweepRun {
  size_t point = 0;
  std::uint64_t seed = 0;          // 0: the scenario's own run.seed (no --seeds)
  std::vector<std::string> args;   // after `iosim run`
  std::string id;                  // --emit-jobs: its folder under points/
};

struct SweepPlan {
  std::vector<ParamSpec> params;
  std::vector<std::uint64_t> seeds;  // empty: no --seeds
  std::vector<SweepPoint> points;
  std::vector<SweepRun> runs;
};

[[noreturn]] void arg_error(const std::string& source, const std::string& text, size_t offset, const std::string& msg,
                            const std::string& hint = "") {
  auto src = std::make_shared<config::Source>();
  src->name = source;
  src->lines = {text};
  throw config::ConfigError(config::Mark{src, 1, int(offset) + 1}, "", msg, hint);
}

// --seeds N: 1..N; --seeds a,b,c: those.
std::vector<std::uint64_t> parse_seeds(const std::vector<std::string>& in) {
  std::vector<std::uint64_t> v;
  std::string text;
  for (const auto& s : in) text += (text.empty() ? "" : ",") + s;
  size_t at = 0;
  for (const auto& s : in) {
    size_t used = 0;
    unsigned long long x = 0;
    try {
      x = std::stoull(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty() || s[0] == '-' || x == 0)
      arg_error("--seeds", text, at, fmt::format("'{}' is not a positive whole number", s),
                "--seeds 5 runs seeds 1..5; --seeds 3,7,11 runs those");
    v.push_back(x);
    at += s.size() + 1;
  }
  if (v.size() == 1) {
    if (v[0] > kMaxSweepValues) arg_error("--seeds", text, 0, fmt::format("more than {} seeds", kMaxSweepValues));
    const std::uint64_t n = v[0];
    v.clear();
    for (std::uint64_t s = 1; s <= n; ++s) v.push_back(s);
  }
  for (size_t i = 0; i < v.size(); ++i)
    for (size_t k = 0; k < i; ++k)
      if (v[i] == v[k]) arg_error("--seeds", text, 0, fmt::format("seed {} is listed twice", v[i]));
  return v;
}

std::vector<ParamSpec> parse_params(const SweepOptions& o) {
  if (o.params.empty()) arg_error("--param", "", 0, "no --param given", "e.g. --param workload.processes=8:64:x2");
  std::vector<ParamSpec> ps;
  for (size_t i = 0; i < o.params.size(); ++i) {
    const std::string& a = o.params[i];
    if (a.find('=') == std::string::npos && o.params.size() == 1 && !o.values.empty()) {
      // The older form: --param KEY --values v1,v2 (each value a literal or a range).
      std::string text;
      for (const auto& v : o.values) text += (text.empty() ? "" : ",") + v;
      ps.push_back({a, expand_values(text, "--values", 1, "", a)});
    } else {
      ps.push_back(parse_param(a, int(i + 1)));
    }
  }
  if (!o.values.empty() && (o.params.size() != 1 || o.params[0].find('=') != std::string::npos))
    arg_error("--values", "", 0, "--values goes with a single --param KEY",
              "give the values in --param itself: --param KEY=v1,v2 (one --param per key)");
  for (size_t i = 0; i < ps.size(); ++i) {
    for (size_t k = 0; k < i; ++k)
      if (ps[i].key == ps[k].key)
        arg_error("--param", o.params[i], 0, fmt::format("'{}' is swept twice", ps[i].key),
                  "give all its values in one --param");
    if (ps[i].key == "run.seed" && !o.seeds.empty())
      arg_error("--param", o.params[i], 0, "run.seed is swept and --seeds given", "use one of them");
  }
  return ps;
}

// Every combination of the values, the first --param outermost; each point
// validated by loading its scenario, as its children will (a typo is one
// located error, exit 2, instead of N failed children).
SweepPlan make_plan(const SweepOptions& o) {
  SweepPlan p;
  p.params = parse_params(o);
  if (!o.seeds.empty()) p.seeds = parse_seeds(o.seeds);
  size_t total = 1;
  for (const auto& ps : p.params) {
    total *= ps.values.size();
    if (total > kMaxSweepValues)
      arg_error("--param", ps.key, 0, fmt::format("the grid has more than {} points", kMaxSweepValues));
  }
  std::vector<size_t> idx(p.params.size(), 0);
  for (size_t n = 0; n < total; ++n) {
    SweepPoint pt;
    std::vector<std::string> sets = o.sets;
    for (size_t i = 0; i < p.params.size(); ++i) {
      const std::string& v = p.params[i].values[idx[i]];
      pt.values.push_back(v);
      pt.label += (i ? " " : "") + p.params[i].key + "=" + v;
      sets.push_back(p.params[i].key + "=" + v);
    }
    const Scenario sc = load_scenario(o.scenario, sets);
    const bool storage = sc.workload.kind == WorkloadKind::Storage;
    pt.open_loop = sc.workload.kind == WorkloadKind::Open || (storage && sc.workload.queue_depth == 0);
    pt.nominal_rate = sc.workload.rate;
    pt.window_s = sc.run.duration_s;
    pt.poll_s = !storage && sc.platform.io_path == IoPath::Async ? sc.platform.async.poll_period_s : 0;
    const size_t seeds = p.seeds.empty() ? 1 : p.seeds.size();
    for (size_t s = 0; s < seeds; ++s) {
      SweepRun r;
      r.point = p.points.size();
      std::vector<std::string> rs = sets;
      if (!p.seeds.empty()) {
        r.seed = p.seeds[s];
        rs.push_back(fmt::format("run.seed={}", r.seed));
      }
      r.args = {o.scenario};
      for (const auto& x : rs) r.args.push_back("--set"), r.args.push_back(x);
      pt.runs.push_back(p.runs.size());
      p.runs.push_back(std::move(r));
    }
    p.points.push_back(std::move(pt));
    for (size_t i = p.params.size(); i-- > 0;) {  // the odometer: the last --param turns fastest
      if (++idx[i] < p.params[i].values.size()) break;
      idx[i] = 0;
    }
  }
  const int width = std::max<int>(4, int(fmt::format("{}", p.runs.size()).size()));
  for (size_t i = 0; i < p.runs.size(); ++i) p.runs[i].id = fmt::format("p{:0{}}", i + 1, width);
  return p;
}

// ------------------------------------------------------- figures of a run

// One sweep column: name (as in results.json's key figures and table.csv),
// unit, description; the terminal's width and precision (0: not shown there).
struct Metric {
  const char* name;
  const char* unit;
  const char* desc;
  int width, prec;
};
const Metric kMetrics[] = {
    {"iops", "I/O/s", "requests completed in the window, per second", 9, 1},
    {"mbps", "MB/s", "data moved in the window (1 MB = 10^6 B)", 8, 2},
    {"latency_mean_ms", "ms", "issue to completion, mean", 15, 2},
    {"latency_p99_ms", "ms", "issue to completion, 99th percentile", 14, 2},
    {"outstanding", "requests", "requests in flight, mean over the window", 11, 1},
    {"disk_busy_pct", "%", "disk busy time, mean over the disks", 13, 1},
    {"disk_busy_max_pct", "%", "busiest disk's busy time", 0, 0},
    {"disk_queue_mean", "commands", "commands at a disk, mean over the disks", 15, 2},
    {"scsi_bus_busy_max_pct", "%", "busiest SCSI bus", 21, 1},
    {"pci_util_pct", "%", "PCI bus utilisation", 12, 1},
    {"host_cpu_busy_pct", "%", "host CPUs busy (both)", 17, 1},
    {"card_cpu_busy_pct", "%", "async: the card's firmware CPU; sync: the HBAs' I/O processors (mean)", 17, 1},
    {"offered_iops", "I/O/s", "open loop: requests that arrived in the window, per second (empty: closed loop)", 12, 1},
    {"completed_pct", "%", "open loop: iops as a share of offered_iops (empty: closed loop)", 0, 0},
};
constexpr size_t kNMetrics = std::size(kMetrics);

struct Warning {
  std::string code, message;
};

// What one run says: its figures in kMetrics' order, and its traps.
struct RunFigures {
  double v[kNMetrics];
  std::optional<bool> saturated;  // open loop only
  std::vector<Warning> warnings;
};

RunFigures run_figures(const SweepPoint& pt, const nlohmann::json& res) {
  const KeyFigures k = key_figures(res);
  RunFigures f{{k.iops, k.mbps, k.lat_mean_ms, k.lat_p99_ms, k.outstanding, k.disk_busy, k.disk_busy_max, k.disk_queue,
                k.scsi_bus_busy, k.pci_util, k.host_busy, k.card_cpu_busy, kNaN, kNaN},
               std::nullopt,
               {}};
  const auto& st = res.at("stats");
  const double window = res.at("run").at("duration_s").get<double>();
  const double completed = st.contains("top.workload.completed") ? st["top.workload.completed"].at("value").get<double>()
                                                                  : k.iops * window;
  if (completed == 0)
    f.warnings.push_back({"no_completion", fmt::format("no request completed in the {} window: iops 0 says nothing about "
                                                       "the system (a window shorter than a poll period? a stalled path?)",
                                                       config::format_time(window))});
  if (pt.open_loop && st.contains("top.workload.issued") && window > 0) {
    const double offered = st["top.workload.issued"].at("value").get<double>() / window;
    f.v[12] = offered;
    f.v[13] = offered > 0 ? 100.0 * k.iops / offered : kNaN;
    // Past saturation: the window's completions fall short of its arrivals
    // (a queue that grew all window long), or fewer arrived than the nominal
    // rate by more than 4 sigma of Poisson noise (the processes were held
    // back: a full ring, saturated CPUs), as the table's search judges.
    const double nominal = pt.nominal_rate;
    const bool short_done = k.iops < kKeepUp * offered;
    const bool held_back = nominal > 0 && offered < nominal * (1 - 4 / std::sqrt(nominal * window));
    f.saturated = short_done || held_back;
    if (short_done)
      f.warnings.push_back({"saturated", fmt::format("past saturation: {:.1f} I/O/s completed of {:.1f}/s offered ({:.1f}%, "
                                                     "under the {:.0f}% a system that keeps up completes)",
                                                     k.iops, offered, 100 * k.iops / offered, 100 * kKeepUp)});
    else if (held_back)
      f.warnings.push_back({"saturated", fmt::format("past saturation: {:.1f} requests/s arrived of the {:g}/s nominal "
                                                     "rate (the processes were held back)",
                                                     offered, nominal)});
  }
  return f;
}

// Known before any run: the async path's window against its poll period.
std::optional<Warning> window_warning(const SweepPoint& pt) {
  if (pt.poll_s <= 0 || pt.window_s <= 0) return std::nullopt;
  const double periods = pt.window_s / pt.poll_s;
  if (std::abs(periods - std::round(periods)) <= 1e-9 * periods && periods >= 0.5) return std::nullopt;
  return Warning{"window_not_whole_polls",
                 fmt::format("run.duration {} is {:.4g} poll periods of {}: completions arrive once per poll, so a "
                             "window that cuts a batch in two is biased (a whole number of periods, e.g. {})",
                             config::format_time(pt.window_s), periods, config::format_time(pt.poll_s),
                             config::format_time(std::max(1.0, std::round(periods)) * pt.poll_s))};
}

// ------------------------------------------------------- the outputs

std::string csv_num(double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); }
nlohmann::ordered_json jnum(double x) { return std::isnan(x) ? nlohmann::ordered_json() : nlohmann::ordered_json(x); }

std::string status_of(const PointOutcome& r) {
  return r.timed_out ? std::string("failed timed out") : fmt::format("failed exit {}", r.status);
}

struct PointSummary {
  bool ok = true;
  std::string status = "ok";
  double mean[kNMetrics], ci[kNMetrics];
  std::optional<bool> saturated;
  std::vector<Warning> warnings;  // one per code, the first run's message
  std::vector<RunFigures> runs;   // of the ok runs
};

PointSummary summarise(const SweepPlan& plan, const SweepPoint& pt, const std::vector<PointOutcome>& outs) {
  PointSummary s;
  std::fill(std::begin(s.mean), std::end(s.mean), kNaN);
  std::fill(std::begin(s.ci), std::end(s.ci), kNaN);
  auto warn = [&](const Warning& w) {
    for (const auto& x : s.warnings)
      if (x.code == w.code) return;
    s.warnings.push_back(w);
  };
  if (auto w = window_warning(pt)) warn(*w);
  for (size_t r : pt.runs) {
    const PointOutcome& o = outs[r];
    if (!o.ok()) {
      if (s.ok) s.status = status_of(o) + (plan.seeds.empty() ? "" : fmt::format(" (seed {})", plan.runs[r].seed));
      s.ok = false;
      continue;
    }
    s.runs.push_back(run_figures(pt, o.result));
    for (const auto& w : s.runs.back().warnings) warn(w);
    if (s.runs.back().saturated) s.saturated = s.saturated.value_or(false) || *s.runs.back().saturated;
  }
  if (!s.ok) return s;
  const size_t n = s.runs.size();
  for (size_t m = 0; m < kNMetrics; ++m) {
    double sum = 0;
    for (const auto& f : s.runs) sum += f.v[m];
    s.mean[m] = sum / double(n);
    if (n >= 2) {
      double ss = 0;
      for (const auto& f : s.runs) ss += (f.v[m] - s.mean[m]) * (f.v[m] - s.mean[m]);
      s.ci[m] = student_t95(int(n - 1)) * std::sqrt(ss / double(n - 1)) / std::sqrt(double(n));
    }
  }
  return s;
}

std::string warning_codes(const PointSummary& s) {
  std::string c;
  for (const auto& w : s.warnings) c += (c.empty() ? "" : ";") + w.code;
  return c;
}

std::string sweep_csv(const SweepPlan& plan, const std::vector<PointSummary>& sums) {
  const bool seeded = !plan.seeds.empty();
  std::string csv;
  for (const auto& p : plan.params) csv += p.key + ",";
  if (seeded) csv += "seeds,";
  for (const auto& m : kMetrics) csv += std::string(m.name) + "," + (seeded ? std::string(m.name) + "_ci95," : "");
  csv += "saturated,warnings,status\n";
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const PointSummary& s = sums[i];
    for (const auto& v : plan.points[i].values) csv += v + ",";
    if (seeded) csv += fmt::format("{},", s.runs.size());
    for (size_t m = 0; m < kNMetrics; ++m) csv += csv_num(s.mean[m]) + "," + (seeded ? csv_num(s.ci[m]) + "," : "");
    csv += (s.saturated ? (*s.saturated ? "yes" : "no") : "") + std::string(",") + warning_codes(s) + "," + s.status + "\n";
  }
  return csv;
}

nlohmann::ordered_json metrics_json(const double* v) {
  nlohmann::ordered_json j;
  for (size_t m = 0; m < kNMetrics; ++m) j[kMetrics[m].name] = jnum(v[m]);
  return j;
}

nlohmann::ordered_json sweep_json(const SweepOptions& o, const SweepPlan& plan, const std::vector<PointSummary>& sums,
                                  const std::vector<PointOutcome>& outs) {
  const bool seeded = !plan.seeds.empty();
  nlohmann::ordered_json js;
  js["scenario"] = o.scenario;
  js["params"] = nlohmann::json::array();
  for (const auto& p : plan.params) js["params"].push_back({{"key", p.key}, {"values", p.values}});
  js["sets"] = o.sets;
  if (seeded) {
    js["seeds"] = plan.seeds;
    js["statistics"] = "per point: the mean over the seeds; <name>_ci95 / ci95: half-width of the two-sided 95% "
                       "confidence interval of the mean, Student t with (seeds - 1) degrees of freedom";
  }
  js["saturated_when"] = fmt::format("open loop only: iops < {:.0f}% of offered_iops, or offered_iops below the "
                                     "nominal rate by more than 4 sigma of Poisson noise (the processes were held "
                                     "back); with seeds, any seed",
                                     100 * kKeepUp);
  js["columns"] = nlohmann::json::array();
  for (const auto& m : kMetrics) js["columns"].push_back({{"name", m.name}, {"unit", m.unit}, {"description", m.desc}});
  js["points"] = nlohmann::json::array();
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const SweepPoint& pt = plan.points[i];
    const PointSummary& s = sums[i];
    nlohmann::ordered_json p;
    for (size_t k = 0; k < plan.params.size(); ++k) p["params"][plan.params[k].key] = pt.values[k];
    p["status"] = s.status;
    p["figures"] = metrics_json(s.mean);
    if (seeded) p["ci95"] = metrics_json(s.ci);
    p["saturated"] = s.saturated ? nlohmann::ordered_json(*s.saturated) : nlohmann::ordered_json();
    p["warnings"] = nlohmann::json::array();
    for (const auto& w : s.warnings) p["warnings"].push_back({{"code", w.code}, {"message", w.message}});
    p["runs"] = nlohmann::json::array();
    for (size_t r : pt.runs) {
      const PointOutcome& oc = outs[r];
      nlohmann::ordered_json run;
      if (seeded) run["seed"] = plan.runs[r].seed;
      if (oc.ok()) {
        run["status"] = "ok";
        run["figures"] = metrics_json(run_figures(pt, oc.result).v);
        run["results"] = oc.result;
      } else {
        run["status"] = status_of(oc);
        run["timed_out"] = oc.timed_out;
        run["error"] = oc.error;
      }
      p["runs"].push_back(run);
    }
    js["points"].push_back(p);
  }
  js["provenance"] = provenance_json();  // command line, versions (each point's results.json has its configuration)
  return js;
}

void print_sweep(std::ostream& os, const SweepPlan& plan, const std::vector<PointSummary>& sums) {
  const bool seeded = !plan.seeds.empty();
  std::vector<size_t> pw;
  for (const auto& p : plan.params) {
    size_t w = p.key.size();
    for (const auto& v : p.values) w = std::max(w, v.size());
    pw.push_back(w);
  }
  std::string head, units;
  for (size_t k = 0; k < plan.params.size(); ++k) {
    head += fmt::format("{}{:>{}}", k ? " " : "", plan.params[k].key, pw[k]);
    units += fmt::format("{}{:>{}}", k ? " " : "", "", pw[k]);
  }
  if (seeded) head += fmt::format(" {:>5}", "seeds"), units += fmt::format(" {:>5}", "");
  for (const auto& m : kMetrics) {
    if (!m.width) continue;
    head += fmt::format(" {:>{}}", m.name, m.width);
    units += fmt::format(" {:>{}}", m.unit, m.width);
    if (seeded && std::string(m.name) == "iops") head += fmt::format(" {:>8}", "±ci95"), units += fmt::format(" {:>8}", "I/O/s");
  }
  head += fmt::format(" {:>9}", "saturated");
  fmt::print(os, "{}\n{}\n", head, units);
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const PointSummary& s = sums[i];
    std::string row;
    for (size_t k = 0; k < plan.params.size(); ++k) row += fmt::format("{}{:>{}}", k ? " " : "", plan.points[i].values[k], pw[k]);
    if (!s.ok) {
      // "failed (exit 1)", "failed (timed out)"
      const std::string why = s.status.substr(7);
      fmt::print(os, "{}  failed ({})\n", row, why);
      continue;
    }
    if (seeded) row += fmt::format(" {:>5}", s.runs.size());
    for (size_t m = 0; m < kNMetrics; ++m) {
      const Metric& c = kMetrics[m];
      if (!c.width) continue;
      row += std::isnan(s.mean[m]) ? fmt::format(" {:>{}}", "-", c.width) : fmt::format(" {:>{}.{}f}", s.mean[m], c.width, c.prec);
      if (seeded && std::string(c.name) == "iops")
        row += std::isnan(s.ci[m]) ? fmt::format(" {:>8}", "-") : fmt::format(" {:>8.1f}", s.ci[m]);
    }
    row += fmt::format(" {:>9}", s.saturated ? (*s.saturated ? "yes" : "no") : "-");
    fmt::print(os, "{}\n", row);
  }
  if (seeded)
    fmt::print(os, "(mean over {} seeds; ±ci95: half-width of the 95% confidence interval, Student t)\n", plan.seeds.size());
}

// sweep.dat + sweep.gp, then gnuplot: I/O/s and mean latency against the
// first parameter, one curve per combination of the others.
bool write_sweep_plot(const std::string& dir, const SweepPlan& plan, const std::vector<PointSummary>& sums) {
  const ParamSpec& x = plan.params[0];
  // Numeric axis if every value is a number or a quantity of one kind, in the
  // first value's unit; else the values as labels, evenly spaced.
  const std::string unit = unit_suffix(x.values[0]);
  bool numeric = true;
  std::vector<double> xs;
  for (const auto& v : x.values) {
    const auto a = axis_value(v, x.values[0]);
    numeric = numeric && a.has_value();
    xs.push_back(a.value_or(0));
  }
  bool logx = numeric && xs.size() >= 3;
  for (double v : xs) logx = logx && v > 0;
  if (logx) logx = *std::max_element(xs.begin(), xs.end()) / *std::min_element(xs.begin(), xs.end()) >= 8;
  const size_t nx = x.values.size(), groups = plan.points.size() / nx;
  const bool seeded = !plan.seeds.empty();
  std::string dat = fmt::format("# x ({}) label iops iops_ci95 latency_mean_ms latency_mean_ms_ci95 offered_iops\n",
                                numeric ? (unit.empty() ? x.key : x.key + " in " + unit) : x.key + " (labels)");
  std::vector<std::string> titles;
  auto v = [](double d) { return std::isnan(d) ? std::string("NaN") : fmt::format("{:.6g}", d); };
  for (size_t g = 0; g < groups; ++g) {
    std::string t;
    for (size_t k = 1; k < plan.params.size(); ++k)
      t += (t.empty() ? "" : " ") + plan.params[k].key + "=" + plan.points[g].values[k];
    titles.push_back(t.empty() ? "iosim" : t);
    if (g) dat += "\n\n";
    dat += "# " + titles.back() + "\n";
    for (size_t i = 0; i < nx; ++i) {
      // The first --param is outermost: point i * groups + g.
      const PointSummary& s = sums[i * groups + g];
      dat += fmt::format("{} \"{}\" {} {} {} {} {}\n", numeric ? v(xs[i]) : std::to_string(i), x.values[i], v(s.mean[0]),
                         seeded ? v(s.ci[0]) : "0", v(s.mean[2]), seeded ? v(s.ci[2]) : "0", v(s.mean[12]));
    }
  }
  std::ofstream(fs::path(dir) / "sweep.dat") << dat;
  const std::string gp_title = x.key + (plan.params.size() > 1 ? " x " + plan.params[1].key : "");
  const std::string xlabel = numeric ? (unit.empty() ? x.key : x.key + " (" + unit + ")") : x.key;
  auto curves = [&](int col, int ci, bool offered) {
    std::string s;
    const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"};
    for (size_t g = 0; g < groups; ++g) {
      // Column 1 is the value (numeric axis) or its index, labelled by column 2.
      s += fmt::format("{}\"sweep.dat\" index {} u 1:{}:{}{} w yerrorlines lw 2 pt 7 lc rgb \"{}\" t \"{}\"",
                       g ? ", \\\n     " : "", g, col, ci, numeric ? "" : ":xtic(2)", colors[g % 8], titles[g]);
      if (offered && plan.points[g].open_loop)
        s += fmt::format(", \\\n     \"sweep.dat\" index {} u 1:7 w l dt 2 lc rgb \"{}\" t \"offered ({})\"", g,
                         colors[g % 8], titles[g]);
    }
    return s;
  };
  // noenhanced: keys' underscores are text, not subscripts.
  const std::string body = fmt::format(R"gp(set termoption noenhanced
set datafile missing "NaN"
{}set multiplot layout 2,1 title "sweep: {}{}"
{}set xlabel "{}"
set grid
set key top left
set ylabel "I/O/s (completed)"
plot {}
set ylabel "mean latency (ms)"
plot {}
unset multiplot
)gp",
                                       numeric ? "" : "set offsets 0.3, 0.3, 0, 0\n", gp_title, seeded ? fmt::format(" (mean of {} seeds, 95% CI)", plan.seeds.size()) : "",
                                       logx ? "set logscale x 2\n" : "", xlabel, curves(3, 4, true), curves(5, 6, false));
  return draw_plot({dir, "sweep", 1000, 900, "sweep.dat"}, body);
}

// Warnings on stderr, one line per code and message: the same trap at every
// point (a window that is not a whole number of polls) is said once.
void print_warnings(const SweepPlan& plan, const std::vector<PointSummary>& sums) {
  std::vector<std::pair<const Warning*, std::vector<size_t>>> seen;
  for (size_t i = 0; i < plan.points.size(); ++i)
    for (const auto& w : sums[i].warnings) {
      auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& e) {
        return e.first->code == w.code && e.first->message == w.message;
      });
      if (it == seen.end()) seen.push_back({&w, {i}});
      else it->second.push_back(i);
    }
  for (const auto& [w, pts] : seen) {
    const std::string where = pts.size() == plan.points.size() && pts.size() > 1
                                  ? fmt::format("all {} points", pts.size())
                                  : pts.size() == 1 ? plan.points[pts[0]].label
                                                    : fmt::format("{} and {} more points", plan.points[pts[0]].label, pts.size() - 1);
    fmt::print(stderr, "warning: {}: {}: {}\n", where, w->code, w->message);
  }
}

// Everything after the runs, shared by the local sweep and merge: the same
// plan and outcomes give the same bytes.
int report(const SweepOptions& o, const SweepPlan& plan, const std::vector<PointOutcome>& outs) {
  std::vector<PointSummary> sums;
  for (const auto& pt : plan.points) sums.push_back(summarise(plan, pt, outs));
  print_sweep(std::cout, plan, sums);
  std::cout.flush();  // the table before the failures and warnings on stderr
  int failed = 0;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const PointOutcome& r = outs[i];
    if (r.ok()) continue;
    ++failed;
    const SweepRun& run = plan.runs[i];
    fmt::print(stderr, "iosim sweep: {}{}: {}:\n{}\n", plan.points[run.point].label,
               plan.seeds.empty() ? "" : fmt::format(" seed={}", run.seed),
               r.timed_out ? std::string("timed out") : fmt::format("exit {}", r.status), r.error);
  }
  print_warnings(plan, sums);
  if (!o.no_files) {
    fs::create_directories(o.out);
    std::ofstream(fs::path(o.out) / "sweep.csv") << sweep_csv(plan, sums);
    std::ofstream(fs::path(o.out) / "sweep.json") << sweep_json(o, plan, sums, outs).dump(2) << "\n";
    bool any = false;
    for (const auto& s : sums) any = any || s.ok;
    const bool plot = !o.no_plot && any && write_sweep_plot(o.out, plan, sums);
    fmt::print(std::cout, "  results  {0}/sweep.csv, {0}/sweep.json{1}\n", o.out,
               plot ? fmt::format(", {0}/sweep.png, {0}/sweep.svg", o.out) : "");
  }
  return failed ? 1 : 0;
}

nlohmann::ordered_json options_json(const SweepOptions& o) {
  return {{"scenario", o.scenario}, {"params", o.params}, {"values", o.values}, {"sets", o.sets}, {"seeds", o.seeds}};
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  SweepPlan plan;
  const int cfg = config::guard_config_errors([&] {
    plan = make_plan(o);
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;

  if (!o.emit_jobs.empty()) {
    std::vector<Job> jobs;
    for (const auto& r : plan.runs) jobs.push_back({r.id, PointPool::run_argv(self_executable(), r.args)});
    for (const auto& pt : plan.points)
      if (auto w = window_warning(pt)) fmt::print(stderr, "warning: {}: {}: {}\n", pt.label, w->code, w->message);
    emit_jobs(o.emit_jobs, "sweep", options_json(o), jobs, 1);
    return 0;
  }

  PointPool pool(o.jobs > 0 ? o.jobs : default_jobs(), "", o.point_timeout_s);
  const int total = int(plan.runs.size());
  const bool tty = isatty(2);
  pool.on_done([&] {
    if (tty) fmt::print(stderr, "\rsweep: {}/{} runs done\033[K", pool.done(), total);
  });
  std::vector<PointPool::Handle> hs;
  for (const auto& r : plan.runs) hs.push_back(pool.submit(r.args));
  std::vector<PointOutcome> outs;
  for (auto& h : hs) outs.push_back(h.get());
  if (tty) fmt::print(stderr, "\r\033[K");
  return report(o, plan, outs);
}

int merge_sweep(const nlohmann::json& m, const std::string& dir, const std::string& out, bool no_plot) {
  SweepOptions o;
  const auto& opt = m.at("options");
  o.scenario = opt.at("scenario").get<std::string>();
  o.params = opt.at("params").get<std::vector<std::string>>();
  o.values = opt.at("values").get<std::vector<std::string>>();
  o.sets = opt.at("sets").get<std::vector<std::string>>();
  o.seeds = opt.at("seeds").get<std::vector<std::string>>();
  o.out = out;
  o.no_plot = no_plot;
  SweepPlan plan;
  const int cfg = config::guard_config_errors([&] {
    plan = make_plan(o);
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;
  const auto& jobs = m.at("jobs");
  if (jobs.size() != plan.runs.size())
    throw std::runtime_error(fmt::format("{}/jobs.json lists {} jobs, the sweep it describes has {} runs (scenario "
                                         "changed since --emit-jobs?)",
                                         dir, jobs.size(), plan.runs.size()));
  std::vector<PointOutcome> outs;
  std::vector<std::string> missing;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    // The job must be the run the plan has at its place (same id, same
    // `iosim run` arguments; the binary may differ): else the options or the
    // files they name changed since --emit-jobs.
    auto argv = jobs[i].at("argv").get<std::vector<std::string>>();
    auto want = PointPool::run_argv("", plan.runs[i].args);
    if (!argv.empty()) argv[0].clear();
    if (jobs[i].at("id") != plan.runs[i].id || argv != want)
      throw std::runtime_error(fmt::format("{}/jobs.json: job {} ({}) is not the sweep's run {} (the options or the "
                                           "scenario changed since --emit-jobs?)",
                                           dir, i + 1, jobs[i].at("id").get<std::string>(), plan.runs[i].id));
    auto oc = read_outcome(dir, plan.runs[i].id, true);
    if (!oc) missing.push_back(plan.runs[i].id);
    outs.push_back(oc.value_or(PointOutcome{}));
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 10) list += ", ...";
    fmt::print(stderr,
               "iosim merge: {} of {} points have not run (no {}/points/<id>/exit): {}\n"
               "  run their lines of {}/commands.txt (or all of it again), then merge again\n",
               missing.size(), plan.runs.size(), dir, list, dir);
    return 1;
  }
  return report(o, plan, outs);
}

}  // namespace iosim
