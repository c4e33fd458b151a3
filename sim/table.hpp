#pragma once
// `iosim table`, `iosim sweep`, `iosim bench`, `iosim merge`: the saturation
// search and the paper's Table 1 (sim/table.cpp), sweeps (sim/sweep.cpp),
// jobs for other machines and their merge (sim/jobs.cpp, sim/merge.cpp).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace iosim {
void register_table_commands(CLI::App& app);
int run_table_commands(CLI::App& app);  // the parsed subcommand's exit status

// `iosim merge DIR` for a table's jobs.json (already read; the working
// directory already the one --emit-jobs ran in): table.csv, table.json and
// the plot, as `iosim table --cold-start` with the same options writes them.
int merge_table(const nlohmann::json& manifest, const std::string& dir, const std::string& out, bool no_plot);
} // namespace iosim
