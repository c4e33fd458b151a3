#include "sim/capacity.hpp"

#include "sim/plot.hpp"

#include "sim/config/error.hpp"
#include "sim/key_figures.hpp"
#include "sim/point_pool.hpp"
#include "sim/scenario.hpp"
#include "sim/stacks.hpp"
#include "sim/subprocess.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace iosim {

namespace {

struct Variant {
  std::string label;
  std::vector<std::string> sets;  // --set for every point of this variant
};

// One N, every seed.
struct Point {
  int streams = 0;
  bool pass = false;
  double misses = 0, due = 0;     // summed over the seeds
  double worst_ratio = 0;         // the worst seed's miss ratio (fraction)
  double min_slack_ms = 0;        // the least over the seeds
  double worst_keep = 1;          // the worst seed's completed / due
  double iops = 0;                // mean over the seeds
  std::string phase;              // grow / bisect
  nlohmann::json first;           // the first seed's results (key figures at capacity)
};

struct Search {
  Variant v;
  std::vector<Point> points;  // in the order tried
  int capacity = 0;
  bool capped = false;        // every N up to --max passed
  std::string error;          // a point failed to run
};

double stat(const nlohmann::json& r, const std::string& k) {
  const auto& s = r.at("stats");
  if (!s.contains(k)) throw std::runtime_error("results have no " + k + " (is workload.kind streams?)");
  return s.at(k).at("value").get<double>();
}

// "NAME:key=value,key=value" (sim/stacks.hpp, shared with compare and explain).
Variant parse_variant(const std::string& spec) {
  const OverrideSet v = parse_override_set(spec, "--variant");
  return {v.name, v.sets};
}

std::vector<std::string> point_args(const CapacityOptions& o, const Variant& v, int n, uint64_t seed) {
  std::vector<std::string> a{o.scenario};
  for (const auto& s : v.sets) a.push_back("--set"), a.push_back(s);
  a.push_back("--set"), a.push_back("workload.streams.count=" + std::to_string(n));
  a.push_back("--set"), a.push_back("run.seed=" + std::to_string(seed));
  return a;
}

class Searcher {
public:
  Searcher(const CapacityOptions& o, PointPool& pool, uint64_t seed0, int start, std::mutex& log)
      : o_(o), pool_(pool), seed0_(seed0), start_(start), log_(log) {}

  void run(Search& s) {
    try {
      search(s);
    } catch (const std::exception& e) {
      s.error = e.what();
    }
  }

private:
  Point evaluate(Search& s, int n, const char* phase) {
    std::vector<PointPool::Handle> hs;
    for (int k = 0; k < o_.seeds; ++k) hs.push_back(pool_.submit(point_args(o_, s.v, n, seed0_ + uint64_t(k))));
    Point p;
    p.streams = n;
    p.phase = phase;
    p.pass = true;
    p.min_slack_ms = std::numeric_limits<double>::infinity();
    for (int k = 0; k < o_.seeds; ++k) {
      const nlohmann::json& r =
          point_result(hs[size_t(k)].get(), fmt::format("{} streams={} seed={}", s.v.label, n, seed0_ + uint64_t(k)));
      if (k == 0) p.first = r;
      const double due = stat(r, "top.workload.streams.reads_due");
      const double miss = stat(r, "top.workload.streams.misses");
      const double window = stat(r, "top.workload.completed");
      const double ratio = due > 0 ? miss / due : 0;
      const double keep = due > 0 ? window / due : 1;
      p.misses += miss;
      p.due += due;
      p.worst_ratio = std::max(p.worst_ratio, ratio);
      p.worst_keep = std::min(p.worst_keep, keep);
      p.min_slack_ms = std::min(p.min_slack_ms, stat(r, "top.workload.streams.slack.min"));
      p.iops += stat(r, "top.workload.io_rate") / o_.seeds;
      // Misses first; then the stack must keep up with the reads due: a
      // backlog that grows slower than the slack shrinks shows no miss in a
      // short window but would in a long one.
      if (ratio > o_.epsilon || keep < o_.keep_up) p.pass = false;
    }
    if (!o_.quiet) {
      std::lock_guard<std::mutex> l(log_);
      fmt::print(stderr, "capacity {}: {:6d} streams  {}  misses {:.0f}/{:.0f}  min slack {:9.1f} ms  kept up {:.3f}\n",
                 s.v.label, n, p.pass ? "pass" : "FAIL", p.misses, p.due, p.min_slack_ms, p.worst_keep);
    }
    s.points.push_back(p);
    return p;
  }

  // Exponential growth from `start` (x2) until a point fails, then bisection
  // between the last pass and the first failure. Misses are not strictly
  // monotone in N (the stagger and the disks' queue order change with N): the
  // search reports the largest N that passed below the smallest N that
  // failed, every tried point is in the output.
  void search(Search& s) {
    int lo = 0, hi = 0, n = start_;
    while (true) {
      const Point p = evaluate(s, n, hi == 0 && lo == 0 ? "start" : "grow");
      if (!p.pass) { hi = n; break; }
      lo = n;
      if (n >= o_.max) { s.capped = true; s.capacity = lo; return; }
      n = std::min(o_.max, 2 * n);
    }
    while (hi - lo > std::max(1, int(std::floor(o_.resolution * lo)))) {
      const int mid = lo + (hi - lo) / 2;
      if (evaluate(s, mid, "bisect").pass) lo = mid;
      else hi = mid;
    }
    s.capacity = lo;
  }

  const CapacityOptions& o_;
  PointPool& pool_;
  uint64_t seed0_;
  int start_;
  std::mutex& log_;
};

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

void write_plot(const std::string& dir, const std::string& title, const std::vector<Search>& ss) {
  namespace fs = std::filesystem;
  {
    std::ofstream dat(fs::path(dir) / "capacity.dat");
    for (const auto& s : ss) {
      dat << "# " << s.v.label << "\n# streams miss_ratio_pct min_slack_ms\n";
      std::vector<Point> ps = s.points;
      std::sort(ps.begin(), ps.end(), [](const Point& a, const Point& b) { return a.streams < b.streams; });
      for (const auto& p : ps)
        dat << fmt::format("{} {:.6g} {:.6g}\n", p.streams, 100 * p.worst_ratio, p.min_slack_ms);
      dat << "\n\n";
    }
  }
  std::string misses = "plot ", slack = "plot ";
  for (size_t i = 0; i < ss.size(); ++i) {
    const std::string sep = i + 1 < ss.size() ? ", \\\n     " : "\n";
    misses += fmt::format("\"capacity.dat\" index {} u 1:2 w lp lw 2 pt 7 t \"{}\"{}", i, ss[i].v.label, sep);
    slack += fmt::format("\"capacity.dat\" index {} u 1:3 w lp lw 2 pt 7 t \"{}\"{}", i, ss[i].v.label, sep);
  }
  const std::string body = fmt::format(R"gp(set multiplot layout 2,1 title "{}: deadline misses and slack vs streams"
set xlabel "concurrent streams"
set grid
set key top left
set ylabel "deadline misses (% of reads due, worst seed)"
{}set ylabel "minimum slack (ms; < 0: late)"
set key bottom left
{}unset multiplot
)gp", title, misses, slack);
  draw_plot({dir, "capacity", 900, 900, "capacity.dat"}, body);
}

}  // namespace

int run_capacity(const CapacityOptions& o) {
  std::vector<Variant> variants;
  std::vector<Variant> user;
  try {
    for (const auto& spec : o.variants) user.push_back(parse_variant(spec));
  } catch (const std::exception& e) {
    fmt::print(stderr, "iosim capacity: {}\n", e.what());
    return 2;
  }
  if (user.empty()) user.push_back({"", {}});
  const std::vector<std::string> paths = o.paths.empty() ? std::vector<std::string>{""} : o.paths;
  for (const auto& p : paths)
    for (const auto& u : user) {
      Variant v;
      v.sets = o.sets;
      if (!p.empty()) v.sets.push_back("platform.io_path=" + p);
      v.sets.insert(v.sets.end(), u.sets.begin(), u.sets.end());
      v.label = p.empty() ? u.label : (u.label.empty() ? p : p + "/" + u.label);
      variants.push_back(v);
    }
  // Every variant's configuration checked here: a typo is one located error (exit 2).
  uint64_t seed0 = 1;
  int start = o.start;
  std::string name;
  const int cfg = config::guard_config_errors([&] {
    for (auto& v : variants) {
      const Scenario sc = load_scenario(o.scenario, v.sets);
      if (sc.workload.kind != WorkloadKind::Streams) {
        fmt::print(stderr, "iosim capacity: {}: workload.kind is '{}': capacity needs workload.kind: streams\n",
                   o.scenario, to_string(sc.workload.kind));
        return 2;
      }
      if (v.label.empty()) v.label = to_string(sc.platform.io_path);
      seed0 = sc.run.seed;
      name = sc.name;
      if (o.start == 0) start = sc.workload.streams.count;
    }
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;
  start = std::max(1, std::min(start, o.max));

  PointPool pool(o.jobs > 0 ? o.jobs : default_jobs(), "", o.point_timeout_s);
  std::mutex log;
  std::vector<Search> searches(variants.size());
  {
    std::vector<std::thread> th;
    for (size_t i = 0; i < variants.size(); ++i) {
      searches[i].v = variants[i];
      th.emplace_back([&, i] { Searcher(o, pool, seed0, start, log).run(searches[i]); });
    }
    for (auto& t : th) t.join();
  }

  int failed = 0;
  fmt::print("{}: most concurrent streams with miss ratio <= {:g}% on {} seed{} (kept up >= {:g})\n", name,
             100 * o.epsilon, o.seeds, o.seeds > 1 ? "s" : "", o.keep_up);
  fmt::print("{:>16} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>8} {:>9} {:>7}\n", "variant", "capacity", "iops",
             "lat_ms", "slack_ms", "disk_%", "scsi_%", "pci_%", "host_%", "points");
  for (const auto& s : searches) {
    if (!s.error.empty()) {
      ++failed;
      fmt::print("{:>16}  failed: {}\n", s.v.label, s.error);
      continue;
    }
    const Point* at = nullptr;
    for (const auto& p : s.points)
      if (p.streams == s.capacity) at = &p;
    KeyFigures k;
    if (at) k = key_figures(at->first);
    fmt::print("{:>16} {:>8}{} {:>9.0f} {:>10.1f} {:>10.1f} {:>9.1f} {:>9.1f} {:>8.1f} {:>9.1f} {:>7}\n", s.v.label,
               s.capacity, s.capped ? "+" : " ", at ? at->iops : 0, k.lat_mean_ms, at ? at->min_slack_ms : 0,
               k.disk_busy, k.scsi_bus_busy, k.pci_util, k.host_busy, s.points.size());
  }
  if (std::any_of(searches.begin(), searches.end(), [](const Search& s) { return s.capped; }))
    fmt::print("note: '+' marks a search that reached --max without a failure\n");

  if (!o.no_files) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out);
    std::string csv = "variant,streams,phase,pass,seeds,misses,reads_due,miss_ratio_pct,min_slack_ms,kept_up,iops\n";
    nlohmann::ordered_json js;
    js["scenario"] = o.scenario;
    js["name"] = name;
    js["seeds"] = o.seeds;
    js["first_seed"] = seed0;
    js["epsilon"] = o.epsilon;
    js["keep_up"] = o.keep_up;
    js["resolution"] = o.resolution;
    js["sets"] = o.sets;
    js["variants"] = nlohmann::json::array();
    for (const auto& s : searches) {
      nlohmann::ordered_json v;
      v["variant"] = s.v.label;
      v["set"] = s.v.sets;
      v["capacity"] = s.capacity;
      v["capped"] = s.capped;
      if (!s.error.empty()) v["error"] = s.error;
      v["points"] = nlohmann::json::array();
      for (const auto& p : s.points) {
        csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", s.v.label, p.streams, p.phase, p.pass ? 1 : 0,
                           o.seeds, num(p.misses), num(p.due), num(100 * p.worst_ratio), num(p.min_slack_ms),
                           num(p.worst_keep), num(p.iops));
        nlohmann::ordered_json j{{"streams", p.streams}, {"phase", p.phase}, {"pass", p.pass},
                                 {"misses", p.misses}, {"reads_due", p.due},
                                 {"miss_ratio_pct", 100 * p.worst_ratio}, {"min_slack_ms", p.min_slack_ms},
                                 {"kept_up", p.worst_keep}, {"iops", p.iops}};
        if (p.streams == s.capacity) j["figures"] = to_json(key_figures(p.first));
        v["points"].push_back(j);
      }
      js["variants"].push_back(v);
    }
    std::ofstream(fs::path(o.out) / "capacity.csv") << csv;
    std::ofstream(fs::path(o.out) / "capacity.json") << js.dump(2) << "\n";
    if (!o.no_plot) write_plot(o.out, name, searches);
    fmt::print("  results  {}/capacity.csv, {}/capacity.json{}\n", o.out, o.out,
               o.no_plot ? "" : fmt::format(", {}/capacity.png", o.out));
  }
  return failed ? 1 : 0;
}

namespace {
struct CapacityCmd {
  CLI::App* cmd = nullptr;
  CapacityOptions o;
} g_cap;
}  // namespace

void register_capacity_command(CLI::App& app) {
  CapacityOptions& o = g_cap.o;
  auto* c = app.add_subcommand(
      "capacity",
      "Most concurrent streams served with deadline-miss ratio <= --epsilon on every seed, per I/O stack and "
      "variant (exponential growth, then bisection on workload.streams.count; one child process per point)");
  g_cap.cmd = c;
  c->add_option("scenario", o.scenario, "Scenario YAML with workload.kind: streams, e.g. scenarios/streaming/mpeg1_1s.yaml")
      ->required()->check(CLI::ExistingFile);
  c->add_option("--paths", o.paths, "I/O stacks to search, e.g. sync,async (default: the scenario's platform.io_path)")
      ->delimiter(',')->check(CLI::IsMember({"sync", "async"}));
  c->add_option("--variant", o.variants,
                "A named set of overrides searched on every path, NAME:key=value[,key=value...] (repeatable), "
                "e.g. --variant buf2:workload.streams.buffer=2");
  c->add_option("--set", o.sets, "Override a key for every point (repeatable)");
  c->add_option("--seeds", o.seeds, "Seeds per point (run.seed, run.seed + 1, ...); a point passes only if every seed does")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  c->add_option("--epsilon", o.epsilon, "Deadline-miss ratio allowed, a fraction of the reads due in the window (0: none)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  c->add_option("--keep-up", o.keep_up,
                "Reads completed in the window / reads due, at least (a fraction; below it the stack falls behind)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  c->add_option("--start", o.start, "First number of streams tried (default: the scenario's workload.streams.count)")
      ->check(CLI::PositiveNumber);
  c->add_option("--max", o.max, "Most streams tried (streams)")->check(CLI::Range(1, 100000))->capture_default_str();
  c->add_option("--resolution", o.resolution,
                "Bisection stops when the bracket is at most max(1 stream, this fraction of the lower end)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  c->add_option("-j,--jobs", o.jobs, "Simulations run at once (default: the number of cores)")->check(CLI::PositiveNumber);
  c->add_option("--out", o.out, "Directory for capacity.csv, capacity.json, capacity.png, capacity.svg")->capture_default_str();
  c->add_option("--point-timeout", o.point_timeout_s,
                "Wall-clock seconds a point may run before it is killed and reported as failed (0: no limit)")
      ->check(CLI::Range(0.0, 1e9))->capture_default_str();
  c->add_flag("--no-plot", o.no_plot, "Do not run gnuplot");
  c->add_flag("--no-files", o.no_files, "Do not write capacity.csv / capacity.json / the plot");
  c->add_flag("--quiet,-q", o.quiet, "No progress on stderr");
}

bool capacity_command_parsed(const CLI::App&) { return g_cap.cmd && g_cap.cmd->parsed(); }

int run_capacity_command() { return run_capacity(g_cap.o); }

}  // namespace iosim
