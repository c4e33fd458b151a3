#pragma once
// Writers for a run's results: JSON (everything, with units), CSV (one
// statistic a row, for spreadsheets and gnuplot) and the short human summary.
// Only simulated quantities go into the files, so the same scenario and seed
// give byte-identical files.
#include "sim/run.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace iosim {

nlohmann::ordered_json results_json(const Scenario& sc, const RunResult& r);
void write_results(const std::string& dir, const Scenario& sc, const RunResult& r);  // results.json + results.csv
void print_summary(std::ostream& os, const Scenario& sc, const RunResult& r);

} // namespace iosim
