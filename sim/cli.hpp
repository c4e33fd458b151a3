#pragma once
namespace iosim {
// Parses the command line and runs the chosen subcommand. Exit status: 0 ok,
// 1 the simulation failed (a lost request, a model error), 2 bad input.
int cli_main(int argc, char* argv[]);
} // namespace iosim
