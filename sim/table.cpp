// `iosim table`, `iosim sweep`, `iosim bench`: the command-line side. The
// search is sim/saturation.*, running the points sim/point_pool.* and
// sim/table_run.*, the outputs sim/table_output.*, sweeps sim/sweep.*.
#include "sim/table.hpp"

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
  bool quick = false, no_plot = false, quiet = false, cold_start = false;
};

struct BenchArgs {
  std::string table;
  std::vector<std::string> blocks;
  int jobs = 0;
  bool full = false;
};

struct Commands {
  CLI::App *table = nullptr, *sweep = nullptr, *bench = nullptr;
  TableArgs ta;
  SweepOptions so;
  BenchArgs ba;
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

std::string default_table() {
  const std::string here = "scenarios/paper/table1.yaml";
  if (std::filesystem::exists(here)) return here;
  return std::string(IOSIM_SOURCE_DIR) + "/" + here;
}

int do_bench(const BenchArgs& a) {
  return config::guard_config_errors([&] {
    const std::string path = a.table.empty() ? default_table() : a.table;
    struct Leg {
      const char* controller;
      TableResult r;
      std::string rows;
    };
    Leg legs[] = {{"rtl", {}, {}}, {"model", {}, {}}};
    TableConfig c;
    for (Leg& l : legs) {
      const std::vector<std::string> sets{std::string("platform.async.queue_controller=") + l.controller};
      c = load_checked(path, !a.full, a.blocks, sets);
      TableRunOptions o;
      o.jobs = a.jobs;
      o.sets = sets;
      fmt::print(stderr, "bench: {} table, queue controller = {}\n", a.full ? "full" : "quick", l.controller);
      l.r = run_table(c, o);
      // The rows (results, steps, utilisations) must match; the header
      // differs by the --set itself.
      l.rows = table_json(c, l.r, {})["rows"].dump();
    }
    fmt::print("iosim bench: {} ({} table, {} blocks, -j {})\n", path, a.full ? "full" : "quick", c.blocks.size(),
               a.jobs > 0 ? a.jobs : default_jobs());
    fmt::print("{:>16} {:>10} {:>8} {:>16} {:>22}\n", "queue controller", "wall s", "points", "simulated I/Os",
               "simulated I/Os per s");
    for (const Leg& l : legs)
      fmt::print("{:>16} {:>10.2f} {:>8} {:>16.0f} {:>22.0f}\n", l.controller, l.r.wall_s, l.r.points_run,
                 l.r.requests_simulated, l.r.requests_simulated / l.r.wall_s);
    fmt::print("speed-up of the model over the RTL: {:.2f}x\n", legs[0].r.wall_s / legs[1].r.wall_s);
    const bool same = legs[0].rows == legs[1].rows;
    fmt::print("tables identical: {}\n", same ? "yes" : "NO (the RTL and the model must be cycle-equal)");
    if (!same) print_table(std::cout, c, legs[0].r), print_table(std::cout, c, legs[1].r);
    return same ? 0 : 1;
  }, std::cerr);
}

}  // namespace

void register_table_commands(CLI::App& app) {
  g_cmd = std::make_unique<Commands>();
  Commands& k = *g_cmd;
  const std::string jobs_help = "Simulations run at once (default: the number of cores)";

  auto* t = app.add_subcommand("table", "Reproduce the paper's Table 1: saturation search per block size, paper vs iosim");
  k.table = t;
  t->add_option("table", k.ta.table, "Table YAML, e.g. scenarios/paper/table1.yaml")->required()->check(CLI::ExistingFile);
  t->add_option("-j,--jobs", k.ta.jobs, jobs_help)->check(CLI::PositiveNumber);
  t->add_option("--out", k.ta.out, "Directory for table.csv, table.json, table.png, table.svg")->capture_default_str();
  t->add_flag("--quick", k.ta.quick, "Shorter runs and fewer steps (the table file's quick: section)");
  t->add_option("--blocks", k.ta.blocks, "Only these block sizes, e.g. --blocks 4KiB,256KiB")->delimiter(',');
  t->add_option("--set", k.ta.sets, "Scenario override for every point, e.g. --set platform.async.queue_controller=model");
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
  s->add_flag("--no-files", k.so.no_files, "Do not write sweep.csv / sweep.json");

  auto* b = app.add_subcommand("bench", "Run the table with the RTL queue controller and with its model: wall time, "
                                        "simulated I/Os per second, and a check that both tables are identical");
  k.bench = b;
  b->add_option("--table", k.ba.table, "Table YAML (default scenarios/paper/table1.yaml)")->check(CLI::ExistingFile);
  b->add_option("-j,--jobs", k.ba.jobs, jobs_help)->check(CLI::PositiveNumber);
  b->add_flag("--full", k.ba.full, "The full table (default: --quick)");
  b->add_option("--blocks", k.ba.blocks, "Only these block sizes")->delimiter(',');
}

int run_table_commands(CLI::App&) {
  Commands& k = *g_cmd;
  if (*k.table) return do_table(k.ta);
  if (*k.sweep) return run_sweep(k.so);
  if (*k.bench) return do_bench(k.ba);
  return 2;
}

}  // namespace iosim
