#pragma once
// Runs a child process and captures its stdout and stderr. SystemC elaborates
// once per process, so every simulation point of a sweep or a table is an
// `iosim run` child of its own.
#include <string>
#include <vector>

namespace iosim {

struct ChildResult {
  int status = -1;  // exit status; 128 + signal number if killed by a signal
  std::string out, err;
  // The child's CPU time (user + system, from wait4()'s rusage: the child and
  // every descendant it waited for, so an `iosim table` child includes its
  // points) and its wall time. Not deterministic: terminal and bench only.
  double cpu_s = 0, wall_s = 0;
  bool timed_out = false;  // killed (SIGKILL) after the timeout given to run_child
};

// argv[0] is the program path (no PATH lookup). Thread-safe. Throws
// std::runtime_error only if the child cannot be started at all. timeout_s >
// 0: a child still running after that many wall-clock seconds is killed
// (SIGKILL, so a hung simulation cannot ignore it) and reported timed_out.
ChildResult run_child(const std::vector<std::string>& argv, double timeout_s = 0);

// This executable (/proc/self/exe), to run `iosim run` children.
std::string self_executable();

}  // namespace iosim
