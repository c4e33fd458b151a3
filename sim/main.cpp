// iosim: the command line. Subcommands: run (one scenario), disk-validate (the
// disk model against a measured drive trace); table and sweep live in
// sim/table.cpp and sim/sweep.cpp.
#include "sim/cli.hpp"

#include <systemc>

#include <cstdlib>

int sc_main(int argc, char* argv[]) { return iosim::cli_main(argc, argv); }

// Our own main (it takes precedence over libsystemc's) so the SystemC banner
// stays out of the output: results on stdout must be clean.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
