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

// A statistic's value as written in results.json and results.csv: rounded to
// 12 significant digits, which drops float noise (2.6100000000000003 -> 2.61)
// and keeps every figure the model computes; printed shortest round-trip
// ("{}" of fmt). Readers in iosim take the exact values (`run --json`).
double clean_number(double v);
// A results JSON as text, every number shortest round-trip: exact (what
// `iosim run --json` prints, which sweep, table and merge read, so their
// figures are those of the simulation) or, `clean`, of its clean_number (the
// results.json file, for people and spreadsheets).
std::string dump_results(const nlohmann::ordered_json& j, bool clean, int indent = 2);
// A CSV field, quoted (with "" for ") when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);
// `iosim run --plot`: DIR/latency.dat, latency.gp, latency.png, latency.svg,
// the latency histogram of every path in the run. False if there is none or
// gnuplot did not draw (a warning is printed).
bool plot_latency(const std::string& dir, const RunResult& r);

} // namespace iosim
