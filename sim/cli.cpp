#include "sim/cli.hpp"

#include "sim/capacity.hpp"
#include "sim/compare.hpp"
#include "sim/explain.hpp"
#include "sim/config/error.hpp"
#include "sim/disk_validate.hpp"
#include "sim/keys.hpp"
#include "sim/output.hpp"
#include "sim/paths.hpp"
#include "sim/run.hpp"
#include "sim/table.hpp"
#include "sim/version.hpp"

#include <CLI/CLI.hpp>
#include <systemc>
#include <verilated_config.h>
#include <fmt/core.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <regex>
#include <unistd.h>

namespace iosim {

namespace {

struct RunArgs {
  std::string scenario, out = "out", vcd, trace;
  std::vector<std::string> sets;
  bool quiet = false, json = false, no_files = false, dump_config = false;
  bool plot = false;  // --plot: latency.png / latency.svg in --out
};

// A copy of a shipped GTKWave save file beside the VCD (out/async.vcd ->
// out/async.gtkw) whose dump file and enum filter files are absolute paths, so
// GTKWave opens it from any directory and shows states by name. Returns "" when
// the save file cannot be read or would overwrite the VCD.
std::string write_save_file(const std::string& save, const std::string& vcd) {
  namespace fs = std::filesystem;
  std::ifstream in(save);
  const fs::path out = fs::path(vcd).replace_extension(".gtkw");
  if (!in || out == fs::path(vcd)) return "";
  std::ostringstream text;
  const std::regex filter(R"(^(\^[0-9]+ )(.+)$)");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("[dumpfile] ", 0) == 0)
      line = "[dumpfile] \"" + fs::absolute(vcd).lexically_normal().string() + "\"";
    else if (std::regex_match(line, m, filter))
      line = m[1].str() + fs::absolute(data_path(m[2].str())).lexically_normal().string();
    text << line << "\n";
  }
  std::ofstream os(out);
  os << text.str();
  return os ? out.string() : "";
}

int do_run(const RunArgs& a) {
  return config::guard_config_errors([&] {
    const Scenario sc = load_scenario(a.scenario, a.sets);
    if (a.dump_config) {  // the configuration the run would use; nothing simulated
      std::cout << config::dump_effective_yaml(sc.effective);
      return 0;
    }
    RunOptions o;
    o.vcd_path = a.vcd;
    o.trace_path = a.trace;
    o.progress = !a.quiet && isatty(2);
    const RunResult r = run_scenario(sc, o);
    if (!a.no_files) write_results(a.out, sc, r);
    const bool plotted = a.plot && plot_latency(a.out, r);
    std::string save, gtkw;  // the save file of this path (traces/README.md), and its copy beside the VCD
    if (!a.vcd.empty()) {
      // The block path's save file for every stack over it (sync, posix_aio, kaio).
      const bool sync = sc.platform.io_path != IoPath::Async && sc.workload.kind != WorkloadKind::Storage;
      save = data_path(sync ? "traces/sync_path.gtkw" : "traces/async_rings.gtkw");
      gtkw = write_save_file(save, a.vcd);
    }
    if (a.json) std::cout << dump_results(results_json(sc, r), false) << "\n";
    else if (!a.quiet) {
      print_summary(std::cout, sc, r);
      if (!a.no_files) fmt::print("  results      {}/results.json, {}/results.csv\n", a.out, a.out);
      if (!a.vcd.empty() && !gtkw.empty())
        fmt::print("  waveform     {}: gtkwave {} (a copy of {} for this file)\n", a.vcd, gtkw, save);
      else if (!a.vcd.empty())
        fmt::print("  waveform     {} (gtkwave {} {})\n", a.vcd, a.vcd, save);
      if (!a.trace.empty()) fmt::print("  requests     {} (one CSV row per request)\n", a.trace);
      if (plotted) fmt::print("  latency      {0}/latency.png, {0}/latency.svg (histogram of request latencies)\n", a.out);
    }
    return 0;
  }, std::cerr);
}

// CLI11's range checks say "Value 0 not in range 0.000000 to 1.79e308" (its
// PositiveNumber is a range from the smallest positive double); every range
// validator of every option gets a plain message instead: "must be > 0, got 0".
void plain_range_messages(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    for (int i = 0;; ++i) {
      CLI::Validator* v = nullptr;
      try {
        v = o->get_validator(i);
      } catch (const CLI::OptionNotFound&) {
        break;
      }
      std::function<bool(double)> ok;
      std::string need;
      std::smatch m;
      const std::string desc = v->get_description();
      // (CLI11 2.1 passes a Range's name to the description constructor.)
      if (desc == "POSITIVE" || v->get_name() == "POSITIVE") {
        ok = [](double x) { return x > 0; };
        need = "a number > 0";
      } else if (desc == "NONNEGATIVE" || v->get_name() == "NONNEGATIVE") {
        ok = [](double x) { return x >= 0; };
        need = "a number >= 0";
      } else if (std::regex_search(desc, m, std::regex(R"(in \[(\S+) - (\S+)\]$)"))) {
        const double lo = std::stod(m[1]), hi = std::stod(m[2]);
        ok = [lo, hi](double x) { return x >= lo && x <= hi; };
        need = fmt::format("a number in [{}, {}]", lo, hi);
      } else {
        continue;
      }
      v->operation([ok, need](std::string& in) -> std::string {
        try {
          size_t used = 0;
          const double x = std::stod(in, &used);
          if (used == in.size() && ok(x)) return "";
        } catch (const std::exception&) {
        }
        return "must be " + need + ", got '" + in + "'";
      });
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) plain_range_messages(*sub);
}

// `iosim rnu`: CLI11 would say "The following arguments were not expected: rnu".
// Returns the message for an unknown subcommand in argv[1], or "".
std::string unknown_command(CLI::App& app, int argc, char* argv[]) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  if (std::find(names.begin(), names.end(), argv[1]) != names.end()) return "";
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  const std::string near = config::nearest(argv[1], names);
  return fmt::format("iosim: unknown command '{}'{}\n  commands: {}\nRun with --help for more information.\n",
                     argv[1], near.empty() ? "" : "; did you mean '" + near + "'?", all);
}

}  // namespace

int cli_main(int argc, char* argv[]) {
  // SystemC's informational reports ("Simulation stopped by user.") are noise here.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // Named "iosim" (not argv[0]): the help and the man page made from it carry no path.
  CLI::App app{"iosim: cycle-level SystemC/TLM-2.0 simulator of a storage I/O path\n"
               "(sync Linux 2.4 + LSI 53C1030 vs the paper's async ring-based I/O card)",
               "iosim"};
  app.require_subcommand(1);
  set_command_line(argc, argv);  // provenance of every results file (sim/output.hpp)
  app.set_version_flag("--version", fmt::format("iosim {} ({}), SystemC {}, Verilator {}", kIosimVersion,
                                                kIosimRevision, sc_core::sc_release(), VERILATOR_VERSION));

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run one scenario and write its results");
  run->add_option("scenario", ra.scenario, "Scenario YAML file (see scenarios/README.md)")->required()->check(CLI::ExistingFile);
  run->add_option("--set", ra.sets, "Override a key, e.g. --set platform.disk.rpm=10000rpm (repeatable)");
  run->add_option("--out", ra.out, "Directory for results.json and results.csv")->capture_default_str();
  run->add_option("--vcd", ra.vcd, "Write a waveform (window and signals: run.vcd.* in the scenario): VCD, or FST if FILE "
                "ends in .fst (compressed, states named by enum tables); beside it a GTKWave save file for it "
                "(FILE with .gtkw)");
  run->add_option("--trace-requests", ra.trace,
                  "Write one CSV row per request: id, op, lba, bytes, issuer, stack, disks, issue_s, done_s (s), "
                  "latency_ms, outcome (ok|eio), phase (warmup|measured|drain)");
  run->add_flag("--quiet,-q", ra.quiet, "No summary, no progress line");
  run->add_flag("--json", ra.json, "Print the results as JSON on stdout instead of the summary");
  run->add_flag("--no-files", ra.no_files, "Do not write results files");
  run->add_flag("--plot", ra.plot, "Also draw the request latency histogram: latency.png and latency.svg in --out (gnuplot)");
  run->add_flag("--dump-config", ra.dump_config,
                "Print the effective configuration as YAML (every key read: its value as written, or its "
                "default in SI units, and its origin) and exit without simulating");

  register_disk_validate_command(app);  // sim/disk_validate.cpp

  register_table_commands(app);

  register_capacity_command(app);  // sim/capacity.cpp

  register_compare_command(app);  // sim/compare.cpp
  register_explain_command(app);  // sim/explain.cpp

  register_keys_command(app);  // sim/keys.cpp

  plain_range_messages(app);
  if (const std::string bad = unknown_command(app, argc, argv); !bad.empty()) {
    fmt::print(stderr, "{}", bad);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*run) return do_run(ra);
    if (disk_validate_command_parsed(app)) return run_disk_validate_command();
    if (capacity_command_parsed(app)) return run_capacity_command();
    if (compare_command_parsed(app)) return run_compare_command();
    if (explain_command_parsed(app)) return run_explain_command();
    if (keys_command_parsed(app)) return run_keys_command();
    return run_table_commands(app);
  } catch (const std::exception& e) {
    fmt::print(stderr, "iosim: error: {}\n", e.what());
    return 1;
  } catch (...) {  // nothing leaves main as an uncaught exception (std::terminate, SIGABRT)
    fmt::print(stderr, "iosim: error: unknown exception\n");
    return 1;
  }
}

} // namespace iosim
