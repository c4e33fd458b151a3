#pragma once
// Writers for a run's results: JSON (everything, with units, and a
// "provenance" section last), CSV (one statistic a row, for spreadsheets and
// gnuplot) and the short human summary. Only simulated quantities and the
// provenance go into the files (no host name, date or wall time), so the same
// command line, scenario and seed give byte-identical files.
#include "sim/run.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace iosim {

// The command line of this process (cli_main records it), for provenance.
void set_command_line(int argc, char* argv[]);
const std::vector<std::string>& command_line();

// Provenance for any results file (run, sweep and table points, summaries):
// the command line, iosim's version and source revision, the SystemC and
// Verilator versions, and, given a scenario, the files read and every key
// with its value, SI unit and origin (default, file:line:col, --set).
nlohmann::ordered_json provenance_json(const Scenario* sc = nullptr);
// A scenario's effective configuration: {"key": {value, unit, origin[, written]}}.
nlohmann::ordered_json config_json(const config::EffectiveConfig& c);

nlohmann::ordered_json results_json(const Scenario& sc, const RunResult& r);
void write_results(const std::string& dir, const Scenario& sc, const RunResult& r);  // results.json + results.csv
void print_summary(std::ostream& os, const Scenario& sc, const RunResult& r);

} // namespace iosim
