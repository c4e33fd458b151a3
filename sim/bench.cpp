#include "sim/bench.hpp"
#include "sim/paths.hpp"

#include "sim/point_pool.hpp"
#include "sim/subprocess.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace iosim {

namespace {

namespace fs = std::filesystem;

// The four fixed scenarios of issue 7's targets. Durations: long enough that
// the ~10 ms start-up of a child stays small next to the simulation at
// 39c3d28's speed (~49k async / ~67k sync simulated I/Os per CPU-second,
// ~1 ms of CPU per 1 MiB I/O), short enough for a bench of a few minutes.
struct Scenario {
  const char* name;
  const char* file;  // relative to the source tree
  std::vector<std::string> sets;
  const char* duration;  // run.duration (warm-up: the scenario's 0.5 s)
};

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> s{
      // The scenario's 4000/s: under the 4 kB knee (~5000/s, Table 1), so
      // the ring and the controller are busy but the workload is not held back.
      {"async 4 kB rtl", "scenarios/platforms/x342_async.yaml",
       {"workload.block=4KiB", "platform.async.queue_controller=rtl"}, "10s"},
      {"async 4 kB model", "scenarios/platforms/x342_async.yaml",
       {"workload.block=4KiB", "platform.async.queue_controller=model"}, "10s"},
      // 66 processes: Table 1's sync knee at 4 kB.
      {"sync 4 kB 66 processes", "scenarios/platforms/x342_sync.yaml",
       {"workload.block=4KiB", "workload.processes=66"}, "10s"},
      // 200/s: under the 1 MiB knee (219/s, Table 1); ~900 I/Os.
      {"async 1 MiB", "scenarios/platforms/x342_async.yaml", {"workload.block=1MiB", "workload.rate=200/s"}, "4s"},
  };
  return s;
}

// A shipped file: from the working directory if it is a checkout, else beside
// the binary (installed, or a build directory in a checkout): sim/paths.hpp.
std::string source_file(const std::string& rel) { return data_path(rel); }

// One binary's runs of one measurement.
struct Runs {
  std::string binary;
  std::vector<double> cpu, wall;
  double requests = 0;  // scenarios: run.requests_issued (the same every run)
  int points = 0;       // table: points run, from its summary line
  std::string out;      // scenarios: the first run's results JSON
  double min_cpu() const { return cpu.empty() ? 0 : *std::min_element(cpu.begin(), cpu.end()); }
  double min_wall() const { return wall.empty() ? 0 : *std::min_element(wall.begin(), wall.end()); }
  double ios_per_cpu_s() const { return min_cpu() > 0 ? requests / min_cpu() : 0; }
};

ChildResult run_checked(const std::vector<std::string>& argv, const std::string& what) {
  ChildResult c = run_child(argv);
  if (c.status != 0) {
    std::string msg = what + " failed (exit " + std::to_string(c.status) + ")";
    if (!c.err.empty()) msg += ":\n" + c.err;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw std::runtime_error(msg);
  }
  return c;
}

void run_scenario_once(const Scenario& s, const BenchOptions& o, Runs& r) {
  std::vector<std::string> argv{r.binary, "run", source_file(s.file)};
  for (const auto& k : s.sets) argv.push_back("--set"), argv.push_back(k);
  argv.push_back("--set");
  argv.push_back(std::string("run.duration=") + (o.duration.empty() ? s.duration : o.duration));
  for (const char* a : {"--json", "--no-files", "--quiet"}) argv.push_back(a);
  const ChildResult c = run_checked(argv, fmt::format("{} with {}", s.name, r.binary));
  const auto j = nlohmann::json::parse(c.out, nullptr, false);
  if (j.is_discarded() || !j.contains("stats") || !j["stats"].contains("run.requests_issued"))
    throw std::runtime_error(fmt::format("{} with {}: no results JSON on stdout", s.name, r.binary));
  const double requests = j["stats"]["run.requests_issued"].at("value").get<double>();
  // Same scenario, same seed: the same run. Anything else is not a benchmark.
  if (!r.cpu.empty() && requests != r.requests)
    throw std::runtime_error(fmt::format("{} with {}: {} requests, then {}: not deterministic", s.name, r.binary,
                                         r.requests, requests));
  if (r.out.empty()) {  // the simulated results: the provenance names the --set that differs (rtl/model)
    nlohmann::json sim = j;
    sim.erase("provenance");
    r.out = sim.dump();
  }
  r.requests = requests;
  r.cpu.push_back(c.cpu_s);
  r.wall.push_back(c.wall_s);
}

std::vector<std::string> table_args(const BenchOptions& o, const std::string& out) {
  std::vector<std::string> a{"table", source_file(o.table_file.empty() ? "scenarios/paper/table1.yaml" : o.table_file),
                             "-j", std::to_string(o.jobs > 0 ? o.jobs : default_jobs()), "--out", out, "--no-plot", "-q"};
  if (o.quick) a.push_back("--quick");
  if (!o.blocks.empty()) {
    std::string list;
    for (const auto& b : o.blocks) list += (list.empty() ? "" : ",") + b;
    a.push_back("--blocks");
    a.push_back(list);
  }
  return a;
}

void run_table_once(const BenchOptions& o, const fs::path& out, Runs& r) {
  std::vector<std::string> argv{r.binary};
  for (auto& a : table_args(o, out.string())) argv.push_back(a);
  const ChildResult c = run_checked(argv, "the table with " + r.binary);
  // "wall time 25.0 s: 150 points on 2 workers ...": both 39c3d28 and now.
  std::smatch m;
  if (std::regex_search(c.out, m, std::regex(R"(: (\d+) points on)"))) r.points = std::stoi(m[1]);
  r.cpu.push_back(c.cpu_s);
  r.wall.push_back(c.wall_s);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::ordered_json to_json(const Runs& r, bool scenario) {
  nlohmann::ordered_json j{{"binary", r.binary}};
  if (scenario) j["requests"] = r.requests;
  else j["points"] = r.points;
  j["cpu_s"] = r.min_cpu();
  j["wall_s"] = r.min_wall();
  if (scenario) j["ios_per_cpu_s"] = r.ios_per_cpu_s();
  j["cpu_s_each"] = r.cpu;
  j["wall_s_each"] = r.wall;
  return j;
}

nlohmann::ordered_json ratio_json(double r) { return r > 0 ? nlohmann::ordered_json(r) : nlohmann::ordered_json(); }

}  // namespace

int run_bench(const BenchOptions& o) {
  std::error_code ec;
  const std::string self = fs::read_symlink(self_executable(), ec).string();
  std::vector<std::string> binaries{ec ? self_executable() : self};
  if (!o.baseline.empty()) {
    if (access(o.baseline.c_str(), X_OK) != 0) {
      fmt::print(stderr, "iosim bench: --baseline {}: not an executable file\n", o.baseline);
      return 2;
    }
    binaries.push_back(fs::absolute(o.baseline).string());
  }
  const int repeat = std::max(1, o.repeat);
  const auto& sc = scenarios();

  // Interleaved (each repetition runs every scenario with every binary), so a
  // slow spell of the machine hits both binaries alike.
  std::vector<std::vector<Runs>> runs(sc.size(), std::vector<Runs>(binaries.size()));
  for (auto& per : runs)
    for (size_t b = 0; b < binaries.size(); ++b) per[b].binary = binaries[b];
  for (int k = 0; k < repeat; ++k)
    for (size_t i = 0; i < sc.size(); ++i)
      for (size_t b = 0; b < binaries.size(); ++b) {
        fmt::print(stderr, "bench: {} with {} ({}/{})\n", sc[i].name, b ? "the baseline" : "this binary", k + 1, repeat);
        run_scenario_once(sc[i], o, runs[i][b]);
      }

  std::vector<Runs> table(binaries.size());
  bool csv_same = true;
  if (o.table) {
    const fs::path tmp = fs::temp_directory_path() / ("iosim_bench_" + std::to_string(getpid()));
    for (size_t b = 0; b < binaries.size(); ++b) table[b].binary = binaries[b];
    for (int k = 0; k < repeat; ++k)
      for (size_t b = 0; b < binaries.size(); ++b) {
        fmt::print(stderr, "bench: the table with {} ({}/{})\n", b ? "the baseline" : "this binary", k + 1, repeat);
        run_table_once(o, tmp / std::to_string(b), table[b]);
      }
    if (binaries.size() > 1) csv_same = slurp(tmp / "0" / "table.csv") == slurp(tmp / "1" / "table.csv");
    fs::remove_all(tmp, ec);
  }

  // The Verilog queue controller and its C++ model must give the same bytes
  // (the results JSON holds no configuration, only simulated figures).
  bool rtl_model_same = true;
  for (size_t b = 0; b < binaries.size(); ++b) rtl_model_same = rtl_model_same && runs[0][b].out == runs[1][b].out;

  const bool base = binaries.size() > 1;
  fmt::print("iosim bench: simulated I/Os per CPU-second (user + sys of the child; least CPU of {} run{})\n", repeat,
             repeat > 1 ? "s" : "");
  fmt::print("  this     {}\n", binaries[0]);
  if (base) fmt::print("  baseline {}\n", binaries[1]);
  fmt::print("{:<24} {:<9} {:>9} {:>8} {:>8} {:>14} {:>8}\n", "scenario", "binary", "requests", "cpu s", "wall s",
             "I/Os per cpu s", base ? "ratio" : "");
  nlohmann::ordered_json js = nlohmann::ordered_json::array();
  for (size_t i = 0; i < sc.size(); ++i) {
    const double ratio = base && runs[i][1].ios_per_cpu_s() > 0 ? runs[i][0].ios_per_cpu_s() / runs[i][1].ios_per_cpu_s() : 0;
    for (size_t b = 0; b < binaries.size(); ++b) {
      const Runs& r = runs[i][b];
      fmt::print("{:<24} {:<9} {:>9.0f} {:>8.3f} {:>8.3f} {:>14.0f} {:>8}\n", b ? "" : sc[i].name, b ? "baseline" : "this",
                 r.requests, r.min_cpu(), r.min_wall(), r.ios_per_cpu_s(),
                 b == 1 ? fmt::format("{:.2f}x", ratio) : "");
    }
    nlohmann::ordered_json e{{"scenario", sc[i].name},
                             {"file", sc[i].file},
                             {"set", sc[i].sets},
                             {"duration", o.duration.empty() ? sc[i].duration : o.duration}};
    e["runs"] = nlohmann::ordered_json::array();
    for (const Runs& r : runs[i]) e["runs"].push_back(to_json(r, true));
    e["ratio"] = ratio_json(ratio);
    js.push_back(e);
  }
  nlohmann::ordered_json jt;
  if (o.table) {
    const double cpu_ratio = base && table[0].min_cpu() > 0 ? table[1].min_cpu() / table[0].min_cpu() : 0;
    const double wall_ratio = base && table[0].min_wall() > 0 ? table[1].min_wall() / table[0].min_wall() : 0;
    for (size_t b = 0; b < binaries.size(); ++b) {
      const Runs& r = table[b];
      fmt::print("{:<24} {:<9} {:>9} {:>8.2f} {:>8.2f} {:>14} {:>8}\n", b ? "" : "table", b ? "baseline" : "this",
                 fmt::format("{} pts", r.points), r.min_cpu(), r.min_wall(), "", b == 1 ? fmt::format("{:.2f}x", cpu_ratio) : "");
    }
    if (base)
      fmt::print("table: {:.2f}x less CPU, {:.2f}x less wall than the baseline; table.csv {}\n", cpu_ratio, wall_ratio,
                 csv_same ? "identical" : "DIFFERS");
    jt["args"] = table_args(o, "DIR");
    jt["runs"] = nlohmann::ordered_json::array();
    for (const Runs& r : table) jt["runs"].push_back(to_json(r, false));
    jt["ratio"] = ratio_json(cpu_ratio);
    jt["wall_ratio"] = ratio_json(wall_ratio);
    jt["csv_identical"] = base ? nlohmann::ordered_json(csv_same) : nlohmann::ordered_json();
  }
  if (base) fmt::print("ratio: this binary's I/Os per CPU-second over the baseline's (table: baseline CPU over this)\n");
  fmt::print("rtl and model results identical: {}\n", rtl_model_same ? "yes" : "NO (they must be cycle-equal)");

  if (!o.json.empty()) {
    nlohmann::ordered_json j;
    j["binary"] = binaries[0];
    j["baseline"] = base ? nlohmann::ordered_json(binaries[1]) : nlohmann::ordered_json();
    j["repeat"] = repeat;
    j["cpu"] = "user + system seconds of the child process (wait4 rusage), least of the runs";
    j["ratio"] = "this binary's ios_per_cpu_s over the baseline's; table: the baseline's cpu_s over this one's";
    j["scenarios"] = js;
    j["table"] = jt;
    j["rtl_model_identical"] = rtl_model_same;
    std::ofstream f(o.json);
    f << j.dump(2) << "\n";
    if (!f) {
      fmt::print(stderr, "iosim bench: cannot write {}\n", o.json);
      return 1;
    }
  }
  return rtl_model_same ? 0 : 1;
}

}  // namespace iosim
