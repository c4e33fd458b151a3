// `iosim table`, `iosim sweep`, `iosim bench`: the command-line side. The
// search is sim/saturation.*, running the points sim/point_pool.* and
// sim/table_run.*, the outputs sim/table_output.*, sweeps sim/sweep.*, the
// bench sim/bench.*.
#include "sim/table.hpp"

#include "sim/bench.hpp"
#include "sim/config/error.hpp"
#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "sim/point_pool.hpp"
#include "sim/scenario.hpp"
#include "sim/sweep.hpp"
#include "sim/table_config.hpp"
#include "sim/table_output.hpp"
#include "sim/table_run.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace iosim {

namespace {

struct TableArgs {
  std::string table, out = "out/table";
  std::vector<std::string> sets, blocks;
  int jobs = 0;
  double point_timeout_s = kDefaultPointTimeoutS;
  bool quick = false, no_plot = false, quiet = false, cold_start = false;
};

struct Commands {
  CLI::App *table = nullptr, *sweep = nullptr, *bench = nullptr;
  TableArgs ta;
  SweepOptions so;
  BenchOptions ba;
};
// CLI11 keeps references to these until run_table_commands().
std::unique_ptr<Commands> g_cmd;

// Loads the table (checked against the user's --set) and applies --blocks.
// Config errors throw (exit 2).
TableConfig load_checked(const std::string& path, bool quick, const std::vector<std::string>& blocks,
                         const std::vector<std::string>& sets) {
  TableConfig c = load_table_config(path, quick, sets);
  if (!blocks.empty()) {
    // --blocks 4KiB,256KiB: a subset (or others), in the file's units syntax.
    std::string list = "[";
    for (const auto& b : blocks) list += (list.size() > 1 ? "," : "") + b;
    auto tree = config::load_config_string("blocks: " + list + "]", "--blocks");
    config::Reader r(tree);
    c.blocks = r.sizes("blocks", {});
  }
  return c;
}

int do_table(const TableArgs& a) {
  return config::guard_config_errors([&] {
    const TableConfig c = load_checked(a.table, a.quick, a.blocks, a.sets);
    TableRunOptions o;
    o.jobs = a.jobs;
    o.sets = a.sets;
    o.progress = !a.quiet;
    o.warm_start = !a.cold_start;
    o.point_timeout_s = a.point_timeout_s;
    const TableResult r = run_table(c, o);
    print_table(std::cout, c, r);
    // CPU: the points' (children's) user + system time; `iosim bench --table`
    // measures the whole command.
    fmt::print("wall time {:.1f} s, CPU {:.1f} s: {} points on {} workers ({:.0f} simulated I/Os per CPU-second)\n",
               r.wall_s, r.cpu_s, r.points_run, o.jobs > 0 ? o.jobs : default_jobs(),
               r.cpu_s > 0 ? r.requests_simulated / r.cpu_s : 0.0);
    namespace fs = std::filesystem;
    fs::create_directories(a.out);
    std::ofstream(fs::path(a.out) / "table.csv") << table_csv(c, r);
    std::ofstream(fs::path(a.out) / "table.json") << table_json(c, r, a.sets).dump(2) << "\n";
    const bool plot = !a.no_plot && write_plot(a.out, c, r);
    fmt::print("results: {0}/table.csv, {0}/table.json{1}\n", a.out, plot ? fmt::format(", {0}/table.png, {0}/table.svg", a.out) : "");
    return 0;
  }, std::cerr);
}

}  // namespace

void register_table_commands(CLI::App& app) {
  g_cmd = std::make_unique<Commands>();
  Commands& k = *g_cmd;
  const std::string jobs_help = "Simulations run at once (default: the number of cores)";
  const std::string timeout_help = "Wall-clock seconds a point may run before it is killed and reported as failed "
                                   "(0: no limit)";

  auto* t = app.add_subcommand("table", "Reproduce the paper's Table 1: saturation search per block size, paper vs iosim");
  k.table = t;
  t->add_option("table", k.ta.table, "Table YAML, e.g. scenarios/paper/table1.yaml")->required()->check(CLI::ExistingFile);
  t->add_option("-j,--jobs", k.ta.jobs, jobs_help)->check(CLI::PositiveNumber);
  t->add_option("--out", k.ta.out, "Directory for table.csv, table.json, table.png, table.svg")->capture_default_str();
  t->add_flag("--quick", k.ta.quick, "Shorter runs and fewer steps (the table file's quick: section)");
  t->add_option("--blocks", k.ta.blocks, "Only these block sizes, e.g. --blocks 4KiB,256KiB")->delimiter(',');
  t->add_option("--set", k.ta.sets, "Scenario override for every point, e.g. --set platform.async.queue_controller=model");
  t->add_option("--point-timeout", k.ta.point_timeout_s, timeout_help)->check(CLI::Range(0.0, 1e9))->capture_default_str();
  t->add_flag("--no-plot", k.ta.no_plot, "Do not run gnuplot");
  t->add_flag("--quiet,-q", k.ta.quiet, "No progress on stderr");
  t->add_flag("--cold-start", k.ta.cold_start,
              "Every row's searches from the table's start points, not warm from the next larger block's");

  auto* s = app.add_subcommand("sweep", "Run a scenario at several values of one key (one child process per value)");
  k.sweep = s;
  s->add_option("scenario", k.so.scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  s->add_option("--param", k.so.param, "The key to vary, e.g. workload.processes")->required();
  s->add_option("--values", k.so.values, "Comma-separated values, e.g. 8,16,32 or 1KiB,4KiB")->required()->delimiter(',');
  s->add_option("-j,--jobs", k.so.jobs, jobs_help)->check(CLI::PositiveNumber);
  s->add_option("--set", k.so.sets, "Override a key for every point (repeatable)");
  s->add_option("--out", k.so.out, "Directory for sweep.csv and sweep.json")->capture_default_str();
  s->add_option("--point-timeout", k.so.point_timeout_s, timeout_help)->check(CLI::Range(0.0, 1e9))->capture_default_str();
  s->add_flag("--no-files", k.so.no_files, "Do not write sweep.csv / sweep.json");

  auto* b = app.add_subcommand("bench", "Simulated I/Os per CPU-second of four fixed scenarios (async 4 kB RTL and "
                                        "model, sync 4 kB 66 processes, async 1 MiB), optionally the table's CPU and "
                                        "wall time, and the ratios against another iosim binary");
  k.bench = b;
  b->add_option("--baseline", k.ba.baseline, "Another iosim binary to compare with, e.g. an older build's build/iosim");
  b->add_option("--repeat", k.ba.repeat, "Runs per measurement; the least CPU time counts")->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_option("--json", k.ba.json, "Write every figure to this JSON file");
  b->add_option("--duration", k.ba.duration, "run.duration of every scenario, e.g. 0.2s (default: the bench's own)");
  b->add_flag("--table", k.ba.table, "Also run the table (iosim table) with each binary: CPU and wall time (long)");
  b->add_option("--table-file", k.ba.table_file, "Table YAML (default scenarios/paper/table1.yaml)")
      ->check(CLI::ExistingFile);
  b->add_flag("--quick", k.ba.quick, "The table with --quick");
  b->add_option("--blocks", k.ba.blocks, "The table's --blocks")->delimiter(',');
  b->add_option("-j,--jobs", k.ba.jobs, "The table's -j (default: the number of cores)")->check(CLI::PositiveNumber);
}

int run_table_commands(CLI::App&) {
  Commands& k = *g_cmd;
  if (*k.table) return do_table(k.ta);
  if (*k.sweep) return run_sweep(k.so);
  if (*k.bench) return run_bench(k.ba);
  return 2;
}

}  // namespace iosim
