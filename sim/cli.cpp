#include "sim/cli.hpp"

#include "sim/capacity.hpp"
#include "sim/config/error.hpp"
#include "sim/disk_validate.hpp"
#include "sim/output.hpp"
#include "sim/run.hpp"
#include "sim/table.hpp"

#include <CLI/CLI.hpp>
#include <systemc>
#include <fmt/core.h>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace iosim {

namespace {

struct RunArgs {
  std::string scenario, out = "out", vcd;
  std::vector<std::string> sets;
  bool quiet = false, json = false, no_files = false;
};

int do_run(const RunArgs& a) {
  return config::guard_config_errors([&] {
    const Scenario sc = load_scenario(a.scenario, a.sets);
    RunOptions o;
    o.vcd_path = a.vcd;
    o.progress = !a.quiet && isatty(2);
    const RunResult r = run_scenario(sc, o);
    if (!a.no_files) write_results(a.out, sc, r);
    if (a.json) std::cout << results_json(sc, r).dump(2) << "\n";
    else if (!a.quiet) {
      print_summary(std::cout, sc, r);
      if (!a.no_files) fmt::print("  results      {}/results.json, {}/results.csv\n", a.out, a.out);
      if (!a.vcd.empty()) fmt::print("  waveform     {} (gtkwave {} traces/async_rings.gtkw)\n", a.vcd, a.vcd);
    }
    return 0;
  }, std::cerr);
}

}  // namespace

int cli_main(int argc, char* argv[]) {
  // SystemC's informational reports ("Simulation stopped by user.") are noise here.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  CLI::App app{"iosim: cycle-level SystemC/TLM-2.0 simulator of a storage I/O path\n"
               "(sync Linux 2.4 + LSI 53C1030 vs the paper's async ring-based I/O card)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "iosim 0.1");

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run one scenario and write its results");
  run->add_option("scenario", ra.scenario, "Scenario YAML file (see scenarios/README.md)")->required()->check(CLI::ExistingFile);
  run->add_option("--set", ra.sets, "Override a key, e.g. --set platform.disk.rpm=10000rpm (repeatable)");
  run->add_option("--out", ra.out, "Directory for results.json and results.csv")->capture_default_str();
  run->add_option("--vcd", ra.vcd, "Write a VCD waveform (window and signals: run.vcd.* in the scenario)");
  run->add_flag("--quiet,-q", ra.quiet, "No summary, no progress line");
  run->add_flag("--json", ra.json, "Print the results as JSON on stdout instead of the summary");
  run->add_flag("--no-files", ra.no_files, "Do not write results files");

  register_disk_validate_command(app);  // sim/disk_validate.cpp

  register_table_commands(app);

  register_capacity_command(app);  // sim/capacity.cpp

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
