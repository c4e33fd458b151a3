// libFuzzer target for the scenario loader: the input is a scenario file's
// text; lines that start with "--set " are taken out of it and applied as
// --set overrides, so both inputs a user types are covered.
//
// A located configuration error (config::ConfigError) is the expected answer
// to a bad input. Anything else leaving the loader — another exception type
// (an error without file:line:col, exit 1 at the CLI), a crash, a sanitizer
// report, a hang (libFuzzer's -timeout) — is a finding: the target aborts.
#include "sim/config/error.hpp"
#include "sim/scenario.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#ifndef IOSIM_FUZZ_INCLUDE_DIR
#define IOSIM_FUZZ_INCLUDE_DIR "."
#endif

// libsystemc.so references sc_main (its own main() calls it); libFuzzer's
// main() is the one that runs, so this is never called.
int sc_main(int, char*[]) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text;
  std::vector<std::string> sets;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("--set ", 0) == 0)
      sets.push_back(line.substr(6));
    else
      text += line + "\n";
  }
  try {
    // Includes resolve against the shipped platform files, so the seed
    // corpus (scenarios/**) reaches deep into the loader.
    (void)iosim::load_scenario_string(text, "fuzz.yaml", sets, IOSIM_FUZZ_INCLUDE_DIR);
  } catch (const iosim::config::ConfigError&) {
    // located error: fine
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unlocated error (not a ConfigError): %s\n", e.what());
    std::abort();
  }
  return 0;
}
