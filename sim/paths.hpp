#pragma once
// Where iosim finds the files it ships (scenarios/, traces/): the binary has
// no build-machine path compiled in, so they are looked up at run time.
#include <string>

namespace iosim {

// The directory holding this executable (from /proc/self/exe); "" if unknown.
std::string executable_dir();

// A shipped file by its path in the source tree ("scenarios/paper/table1.yaml"),
// first found of:
//   1. REL itself, from the working directory (a checkout);
//   2. $IOSIM_DATA_DIR/REL;
//   3. <executable dir>/../share/iosim/REL (installed: cmake --install);
//   4. <executable dir>/../REL (a build directory inside the checkout, ./build).
// Returns REL unchanged when none exists (the caller's error then names it).
std::string data_path(const std::string& rel);

}  // namespace iosim
