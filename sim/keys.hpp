#pragma once
// The scenario's key table (sim/config/key_table.hpp): every key
// sim/scenario_loader.cpp reads, with its type, unit kind, default (read from
// the model structs' own defaults), accepted range, description and source.
// The loader takes each key's facts from here (Reader::get<T>); `iosim keys`
// prints the table; scenarios/README.md's key reference and
// scenarios/iosim.schema.json are generated from it (tests/test_keys.cpp).
//
// Adding a key: one entry below in its section, and one `r.get<T>("key")` in
// the loader.
#include "sim/config/key_table.hpp"

namespace CLI { class App; }

namespace iosim {

const config::KeyTable& scenario_keys();

// `iosim keys [PREFIX] [--json|--markdown|--schema|--update-doc FILE]` (sim/cli.cpp).
void register_keys_command(CLI::App& app);
bool keys_command_parsed(const CLI::App& app);
int run_keys_command();

}  // namespace iosim
