// `iosim table`, `iosim sweep`, `iosim bench`: the command-line side. The
// search is sim/saturation.*, running the points sim/point_pool.* and
// sim/table_run.*, the outputs sim/table_output.*, sweeps sim/sweep.*, the
// bench sim/bench.*.
#include "sim/table.hpp"

#include "sim/bench.hpp"
#include "sim/config/error.hpp"
#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "sim/jobs.hpp"
#include "sim/merge.hpp"
#include "sim/point_pool.hpp"
#include "sim/scenario.hpp"
#include "sim/subprocess.hpp"
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
  std::string emit_jobs;
  bool curves = false;                        // --curves
  double curve_span = 0, curve_rate_span = 0;  // 0: the table file's curves.{sync,async}.span
};

struct MergeArgs {
  std::string dir, out;
  bool no_plot = false;
};

struct Commands {
  CLI::App *table = nullptr, *sweep = nullptr, *bench = nullptr, *merge = nullptr;
  TableArgs ta;
  MergeArgs ma;
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

// --curve-span / --curve-rate-span over the table file's `curves:`.
void apply_curve_args(TableConfig& c, double sync_span, double rate_span) {
  if (sync_span > 0) c.curves.sync_span = sync_span;
  if (rate_span > 0) c.curves.async_span = rate_span;
}

// --emit-jobs: the table's searches are adaptive (each next point depends
// on the last), so a job is a row, not a point: `iosim table --blocks B
// --cold-start` runs that row's two searches (sync and async) on the job's
// machine. Rows start cold, as --cold-start does locally; the warm starts of
// a local run give the same table.csv (sim/saturation.hpp's premise, checked
// by tests/test_table.cpp), only table.json's search steps differ (the warm
// search skips the first ones).
int emit_table_jobs(const TableArgs& a, const TableConfig& c) {
  const int per_job = a.jobs > 0 ? a.jobs : 2;  // a row's two searches run side by side
  const std::string dir = std::filesystem::absolute(a.emit_jobs).lexically_normal().string();
  std::vector<Job> jobs;
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    Job j;
    j.id = fmt::format("b{:02}-{}", i + 1, block_arg(c.blocks[i]));
    j.argv = {self_executable(), "table", a.table, "--blocks", block_arg(c.blocks[i]), "--cold-start", "-q",
              "--no-plot", "-j", std::to_string(per_job), "--point-timeout", fmt::format("{}", a.point_timeout_s),
              "--out", dir + "/points/" + j.id};
    if (a.quick) j.argv.push_back("--quick");
    // --curves: the row's curves too (a curve does not depend on the row's
    // warm or cold start, so merge writes the local run's curves.csv).
    if (a.curves)
      for (const std::string& s : {std::string("--curves"), std::string("--curve-span"), fmt::format("{}", c.curves.sync_span),
                                   std::string("--curve-rate-span"), fmt::format("{}", c.curves.async_span)})
        j.argv.push_back(s);
    for (const auto& s : a.sets) j.argv.push_back("--set"), j.argv.push_back(s);
    jobs.push_back(std::move(j));
  }
  nlohmann::ordered_json opts = {{"table", a.table}, {"quick", a.quick}, {"blocks", a.blocks}, {"sets", a.sets}};
  if (a.curves)  // absent: no curves (and jobs.json as before --curves existed)
    opts["curves"] = {{"sync_span", c.curves.sync_span}, {"async_span", c.curves.async_span}};
  emit_jobs(a.emit_jobs, "table", opts, jobs, per_job);
  return 0;
}

KeyFigures figures_from_json(const nlohmann::json& j) {
  // The inverse of to_json(KeyFigures) (sim/key_figures.cpp); JSON numbers
  // read back to the same doubles.
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

// A cell of a row's table.json back into the search result it was written from.
TableCell cell_from_json(const nlohmann::json& j, const char* axis, bool open) {
  TableCell t;
  t.search.best_iops = j.at("iops");
  t.search.best_x = j.at(axis);
  t.search.knee_x = open ? j.at("knee_rate").get<double>() : t.search.best_x;
  if (open) t.search.bracket_hi = j.at("bracket_hi_rate");
  t.search.capped = j.at("capped");
  for (const auto& s : j.at("steps")) {
    saturation::Step st;
    st.phase = s.at("phase");
    st.x = s.at("x"), st.iops = s.at("iops");
    if (s.contains("offered")) st.offered = s["offered"], st.kept_up = s.at("kept_up");
    t.search.steps.push_back(st);
  }
  t.at_best = figures_from_json(j.at("at_saturation"));
  return t;
}

// curves.csv, curves.json and (unless no_plot) curves.png / curves.svg.
void write_curves(const std::string& out, const TableConfig& c, const std::vector<CurveRow>& rows, bool no_plot) {
  namespace fs = std::filesystem;
  fs::create_directories(out);
  std::ofstream(fs::path(out) / "curves.csv") << curves_csv(c, rows);
  std::ofstream(fs::path(out) / "curves.json") << curves_json(c, rows).dump(2) << "\n";
  const bool plot = !no_plot && write_curves_plot(out, c, rows);
  fmt::print("curves: {0}/curves.csv, {0}/curves.json{1}\n", out,
             plot ? fmt::format(", {0}/curves.png, {0}/curves.svg", out) : "");
}

int do_table(const TableArgs& a) {
  return config::guard_config_errors([&] {
    TableConfig c = load_checked(a.table, a.quick, a.blocks, a.sets);
    apply_curve_args(c, a.curve_span, a.curve_rate_span);
    if (!a.emit_jobs.empty()) return emit_table_jobs(a, c);
    TableRunOptions o;
    o.jobs = a.jobs;
    o.sets = a.sets;
    o.progress = !a.quiet;
    o.warm_start = !a.cold_start;
    o.point_timeout_s = a.point_timeout_s;
    o.curves = a.curves;
    const TableResult r = run_table(c, o);
    print_table(std::cout, c, r);
    if (o.curves) print_curves(std::cout, c, r.curves);
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
    if (o.curves) write_curves(a.out, c, r.curves, a.no_plot);
    return 0;
  }, std::cerr);
}

}  // namespace

int merge_table(const nlohmann::json& m, const std::string& dir, const std::string& out, bool no_plot) {
  const auto& opt = m.at("options");
  return config::guard_config_errors([&] {
    const auto sets = opt.at("sets").get<std::vector<std::string>>();
    TableConfig c = load_checked(opt.at("table"), opt.at("quick"), opt.at("blocks"), sets);
    const bool curves = opt.contains("curves");
    if (curves) apply_curve_args(c, opt["curves"].at("sync_span"), opt["curves"].at("async_span"));
    const auto& jobs = m.at("jobs");
    if (jobs.size() != c.blocks.size())
      throw std::runtime_error(fmt::format("{}/jobs.json lists {} jobs, the table has {} rows (table file changed since "
                                           "--emit-jobs?)", dir, jobs.size(), c.blocks.size()));
    TableResult r;
    std::vector<std::string> missing;
    for (size_t i = 0; i < c.blocks.size(); ++i) {
      const std::string id = jobs[i].at("id");
      const auto oc = read_outcome(dir, id, false);
      if (!oc) {
        missing.push_back(id);
        continue;
      }
      if (!oc->ok())
        throw std::runtime_error(fmt::format("row {} kB (job {}) failed (exit {}):\n{}", block_kb(c.blocks[i]), id,
                                             oc->status, oc->error));
      const std::string path = dir + "/points/" + id + "/table.json";
      std::ifstream in(path);
      const nlohmann::json t = nlohmann::json::parse(in, nullptr, false);
      if (t.is_discarded() || !t.contains("rows") || t["rows"].size() != 1)
        throw std::runtime_error(path + ": not the table.json of one row");
      const auto& row = t["rows"][0];
      TableRow tr;
      tr.block = c.blocks[i];
      tr.sync = cell_from_json(row.at("sync"), "processes", false);
      tr.async = cell_from_json(row.at("async"), "rate", true);
      r.rows.push_back(std::move(tr));
      if (curves) {
        const std::string cpath = dir + "/points/" + id + "/curves.json";
        std::ifstream cin(cpath);
        const nlohmann::json cj = nlohmann::json::parse(cin, nullptr, false);
        if (cj.is_discarded()) throw std::runtime_error(cpath + ": missing or not JSON (the job ran without --curves?)");
        auto cr = curves_from_json(cj);
        if (cr.size() != 1 || cr[0].block != c.blocks[i]) throw std::runtime_error(cpath + ": not the curves of one row of " + block_kb(c.blocks[i]) + " kB");
        r.curves.push_back(std::move(cr[0]));
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& s : missing) list += (list.empty() ? "" : ", ") + s;
      fmt::print(stderr, "iosim merge: {} of {} rows have not run (no {}/points/<id>/exit): {}\n"
                 "  run their lines of {}/commands.txt, then merge again\n", missing.size(), c.blocks.size(), dir, list, dir);
      return 1;
    }
    print_table(std::cout, c, r);
    if (curves) print_curves(std::cout, c, r.curves);
    namespace fs = std::filesystem;
    fs::create_directories(out);
    std::ofstream(fs::path(out) / "table.csv") << table_csv(c, r);
    std::ofstream(fs::path(out) / "table.json") << table_json(c, r, sets).dump(2) << "\n";
    const bool plot = !no_plot && write_plot(out, c, r);
    fmt::print("results: {0}/table.csv, {0}/table.json{1}\n", out, plot ? fmt::format(", {0}/table.png, {0}/table.svg", out) : "");
    if (curves) write_curves(out, c, r.curves, no_plot);
    return 0;
  }, std::cerr);
}

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
  auto* curves_flag = t->add_flag("--curves", k.ta.curves,
              "Also run each row's saturation curves, well past the point the search chooses: sync processes up to "
              "16x the chosen N (x2 steps), async offered rates up to 2x the knee (the table file's curves: section); "
              "writes curves.csv, curves.json, curves.png and curves.svg");
  t->add_option("--curve-span", k.ta.curve_span,
                "With --curves: sync processes up to this multiple of the chosen N (default: curves.sync.span, 16)")
      ->check(CLI::Range(1.0, 1e6))
      ->needs(curves_flag);
  t->add_option("--curve-rate-span", k.ta.curve_rate_span,
                "With --curves: async offered rates up to this multiple of the knee rate (default: "
                "curves.async.span, 2)")
      ->check(CLI::Range(1.0, 1e3))
      ->needs(curves_flag);
  t->add_option("--emit-jobs", k.ta.emit_jobs,
                "Do not run: write one job per row (its two searches, cold-started: each next point of a search "
                "depends on the last) into DIR: commands.txt, run-parallel.sh (GNU parallel), slurm.sh (Slurm); "
                "`iosim merge DIR` then writes table.csv (as the local run) and table.json (as with --cold-start)");
  t->footer("Examples:\n"
            "  iosim table scenarios/paper/table1.yaml -j 2\n"
            "  iosim table scenarios/paper/table1.yaml --quick --blocks 256KiB --curves -j 2 --out out/table_curves\n"
            "  iosim table scenarios/paper/table1.yaml --emit-jobs out/table_jobs\n"
            "(then run the jobs, e.g. sh out/table_jobs/run-parallel.sh, and: iosim merge out/table_jobs)");

  auto* s = app.add_subcommand(
      "sweep",
      "Run a scenario over a grid of values (every combination of the --param values, each repeated over --seeds), "
      "one `iosim run` child per run; a table on stdout, sweep.csv, sweep.json and a plot (sweep.png/.svg) in --out");
  k.sweep = s;
  s->footer(
      "Values: a list (4KiB,16KiB,64KiB), a geometric range START:STOP:xFACTOR (8:1024:x2 = 8,16,...,1024) or an\n"
      "arithmetic one START:STOP:+STEP (1000/s:8000/s:+500/s), with the key's units (scenarios/README.md); STOP is\n"
      "included when a step lands on it. The first --param is the plot's x axis, each combination of the others a\n"
      "curve. Columns: the parameters by name, then iops (I/O/s), mbps (MB/s), latency_mean_ms, latency_p99_ms,\n"
      "outstanding (requests), utilisations in %, and for open-loop points offered_iops (I/O/s that arrived) and\n"
      "completed_pct; saturated = yes when fewer than 97% of the arrivals completed in the window or the\n"
      "arrivals fell short of the rate by more than 4 sigma. Warnings (printed and in the CSV/JSON):\n"
      "window_not_whole_polls, no_completion, saturated.\n"
      "Examples:\n"
      "  iosim sweep scenarios/platforms/x342_sync.yaml --param workload.processes=8:64:x2 --set run.duration=1s -j 2 --out out/sweep_sync\n"
      "  iosim sweep scenarios/platforms/x342_async.yaml --param workload.rate=2000/s:8000/s:x2 --param workload.block=4KiB,64KiB --seeds 2 --set run.duration=1s -j 2 --out out/sweep_async\n"
      "  iosim sweep scenarios/platforms/x342_async.yaml --param workload.rate=2000/s:8000/s:x2 --param workload.block=4KiB,64KiB --seeds 2 --set run.duration=1s --emit-jobs out/jobs\n"
      "  (then: sh out/jobs/run-parallel.sh 2, or sh out/jobs/commands.txt, or sbatch out/jobs/slurm.sh; then: iosim merge out/jobs)");
  s->add_option("scenario", k.so.scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  s->add_option("--param", k.so.params,
                "KEY=VALUES to vary, with units, e.g. workload.block=4KiB,16KiB or workload.rate=1000/s:8000/s:+500/s "
                "or workload.processes=8:1024:x2 (repeatable: a grid)")
      ->required();
  s->add_option("--values", k.so.values, "The older form: --param KEY --values v1,v2 (one key only)")->delimiter(',');
  s->add_option("--seeds", k.so.seeds,
                "Repeat every point with run.seed 1..N (--seeds N) or with the seeds listed (--seeds 3,7,11): mean "
                "and 95% confidence interval (Student t) per column")
      ->delimiter(',');
  s->add_option("-j,--jobs", k.so.jobs, jobs_help)->check(CLI::PositiveNumber);
  s->add_option("--set", k.so.sets, "Override a key for every point, e.g. --set run.duration=2s (repeatable)");
  s->add_option("--out", k.so.out, "Directory for sweep.csv, sweep.json, sweep.png, sweep.svg")->capture_default_str();
  s->add_option("--point-timeout", k.so.point_timeout_s, timeout_help)->check(CLI::Range(0.0, 1e9))->capture_default_str();
  s->add_flag("--no-files", k.so.no_files, "Do not write sweep.csv / sweep.json / the plot");
  s->add_flag("--no-plot", k.so.no_plot, "Do not run gnuplot");
  s->add_option("--emit-jobs", k.so.emit_jobs,
                "Do not run: write one command per run into DIR (commands.txt, run-parallel.sh for GNU parallel, "
                "slurm.sh for a Slurm job array); each writes DIR/points/<id>/; `iosim merge DIR` then writes the "
                "outputs");

  auto* mg = app.add_subcommand("merge", "Assemble the outputs of a sweep or table whose points ran as --emit-jobs DIR "
                                         "jobs: the same files, byte for byte, as the local run");
  k.merge = mg;
  mg->footer("Example:\n"
             "  iosim sweep scenarios/platforms/x342_async.yaml --param workload.rate=2000/s:8000/s:x2 --param workload.block=4KiB,64KiB --seeds 2 --set run.duration=1s --emit-jobs out/jobs\n"
             "  sh out/jobs/run-parallel.sh 2\n"
             "  iosim merge out/jobs\n"
             "(instead of run-parallel.sh: sh out/jobs/commands.txt, or sbatch out/jobs/slurm.sh on a Slurm cluster.)\n"
             "Exit status 1 if a point failed or has not run (its id is named).");
  mg->add_option("dir", k.ma.dir, "The --emit-jobs DIR (holds jobs.json and points/)")->required()->check(CLI::ExistingDirectory);
  mg->add_option("--out", k.ma.out, "Directory for the outputs (default: DIR)");
  mg->add_flag("--no-plot", k.ma.no_plot, "Do not run gnuplot");

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
  if (*k.merge) return run_merge(k.ma.dir, k.ma.out, k.ma.no_plot);
  return 2;
}

}  // namespace iosim
