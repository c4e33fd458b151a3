#pragma once
// `iosim table`, `iosim sweep`, `iosim bench`: the saturation search and the
// paper's Table 1 (sim/table.cpp).
#include <CLI/CLI.hpp>
namespace iosim {
void register_table_commands(CLI::App& app);
int run_table_commands(CLI::App& app);  // the parsed subcommand's exit status
} // namespace iosim
