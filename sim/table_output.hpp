#pragma once
// Table 1, paper vs iosim: the terminal table with per-cell errors and a
// summary, table.csv, table.json (per cell: the saturating N / rate, the
// search's steps and the utilisations at that point), and the gnuplot plot.
#include "sim/table_config.hpp"
#include "sim/table_run.hpp"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>

namespace iosim {

struct TableSummary {
  int cells = 0, within5 = 0, within10 = 0;  // sync + async cells with a paper value
  double max_err_pct = 0;                    // largest |error|
  std::string max_err_cell;                  // "async 1 kB"
  double gain_err_mean_pp = 0, gain_err_max_pp = 0;  // |iosim gain - paper gain|
};

TableSummary summarise(const TableConfig& c, const TableResult& r);
void print_table(std::ostream& os, const TableConfig& c, const TableResult& r);
// Deterministic: nothing wall-clock.
std::string table_csv(const TableConfig& c, const TableResult& r);
nlohmann::ordered_json table_json(const TableConfig& c, const TableResult& r, const std::vector<std::string>& sets);
// Writes table.dat + table.gp and runs gnuplot for table.png and table.svg.
// Returns false (after a warning on stderr) if gnuplot is missing or fails.
bool write_plot(const std::string& dir, const TableConfig& c, const TableResult& r);

}  // namespace iosim
