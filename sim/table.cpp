#include "sim/table.hpp"
namespace iosim {
void register_table_commands(CLI::App&) {}
int run_table_commands(CLI::App&) { return 2; }
} // namespace iosim
