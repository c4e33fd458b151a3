// Catch2 runner inside sc_main: libsystemc owns main(). Each TEST_CASE runs in
// its own process under CTest (catch_discover_tests), so a test may elaborate
// and sc_start() once.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
