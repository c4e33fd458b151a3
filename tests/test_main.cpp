// Catch2 runner inside sc_main: libsystemc owns main(). Each TEST_CASE runs in
// its own process under CTest (catch_discover_tests), so a test may elaborate
// and sc_start() once.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

#include <cstdlib>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
