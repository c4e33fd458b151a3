#pragma once
// What the end-to-end tests of the host stacks share (test_posix_aio.cpp,
// test_kernel_aio.cpp, test_faults_stacks.cpp): scenario files written to a
// scratch directory removed at exit, short runs, and per-I/O CPU figures and
// accounting checks from a run's results JSON.
#include "tests/test_cli_util.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace iosim::itest {

// A scenario shipped in scenarios/.
inline std::string shipped(const std::string& name) { return std::string(IOSIM_SOURCE_DIR) + "/scenarios/" + name; }

// The sets of a short run (1 s measured after 0.3 s warm-up) added to `sets`.
inline std::vector<std::string> with_short_run(std::vector<std::string> sets) {
  sets.push_back("run.duration=1s");
  sets.push_back("run.warmup=0.3s");
  return sets;
}

// Host CPU time per completed I/O, and the part of it spent in schedule()
// passes and context switches (HostOs's false computation), in us (2 CPUs).
inline double cpu_us_per_io(const nlohmann::json& j) {
  return stat(j, "top.host.busy") / 100 * 2 / stat(j, "top.workload.io_rate") * 1e6;
}
inline double switch_us_per_io(const nlohmann::json& j) {
  return stat(j, "top.host.false_computation") / 100 * 2 / stat(j, "top.workload.io_rate") * 1e6;
}

// Per CPU, user + system + irq + idle = the window; every request completed.
inline void check_accounting(const nlohmann::json& j) {
  for (const char* cpu : {"top.host.cpu0", "top.host.cpu1"}) {
    const std::string c = cpu;
    INFO(c);
    CHECK(stat(j, c + ".user") + stat(j, c + ".system") + stat(j, c + ".irq") + stat(j, c + ".idle") ==
          Approx(100).margin(1e-6));
    CHECK(stat(j, c + ".system") > 0);
  }
  CHECK(stat(j, "run.requests_issued") == stat(j, "run.requests_completed"));
}

// Removes the scratch directories when the test process ends.
struct ScratchDirs {
  std::vector<std::filesystem::path> dirs;
  ~ScratchDirs() {
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};
inline ScratchDirs g_scratch;

// A scenario file in a fresh temporary directory: x342 with `body` appended.
// `test` names the test file (its scratch directories), `tag` the case.
inline std::string write_x342_scenario(const std::string& test, const std::string& tag, const std::string& body) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("iosim_" + test + "_" + tag + "_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  g_scratch.dirs.push_back(dir);
  const std::string path = (dir / "s.yaml").string();
  std::ofstream(path) << "name: " << test << " test\ninclude: " << IOSIM_SOURCE_DIR
                      << "/scenarios/platforms/x342.yaml\n"
                      << body;
  return path;
}

}  // namespace iosim::itest
