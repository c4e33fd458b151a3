#pragma once
// Beyond one machine: `--emit-jobs DIR` on `iosim sweep` and `iosim table`
// writes, instead of running, one shell command per point and what runs them
// elsewhere; `iosim merge DIR` (sim/merge.cpp) reads the points back and
// writes the same outputs the local run would, byte for byte.
//
// DIR/
//   jobs.json        what to merge: the command (sweep / table), its options,
//                    the working directory, every job's id and argv
//   commands.txt     one line per job, a complete POSIX sh command: cd to the
//                    working directory, run the point, leave its stdout,
//                    stderr and exit status in DIR/points/<id>/ (`sh
//                    commands.txt` runs them all, one after the other)
//   run-parallel.sh  GNU parallel over commands.txt (`sh run-parallel.sh [JOBS]`)
//   slurm.sh         a Slurm job array, task i = line i of commands.txt
//                    (`sbatch slurm.sh`)
//   points/<id>/     stdout, stderr, exit (written by the job)
//
// The commands name this iosim binary and the working directory by absolute
// path: the machines that run them need both at the same place (a shared file
// system), as a cluster's nodes usually have.
#include "sim/point_pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace iosim {

struct Job {
  std::string id;                 // the folder under DIR/points/
  std::vector<std::string> argv;  // argv[0]: the iosim binary
};

// Writes DIR's files (not points/). `command`: "sweep" or "table"; `options`:
// what merge needs to rebuild the plan; `cpus`: CPUs one job uses (Slurm's
// --cpus-per-task). Prints how to run them and merge. Throws std::runtime_error
// if DIR cannot be written.
void emit_jobs(const std::string& dir, const std::string& command, const nlohmann::ordered_json& options,
               const std::vector<Job>& jobs, int cpus);

// DIR/jobs.json, checked. Throws std::runtime_error naming the problem.
nlohmann::json read_manifest(const std::string& dir);

// A job's outcome read back from DIR/points/<id>/: nullopt if it has not run
// (no exit file). As the local pool would report it: status, stdout's results
// JSON when `results_json` (a `iosim run --json` point) and status 0, stderr as
// the error otherwise.
std::optional<PointOutcome> read_outcome(const std::string& dir, const std::string& id, bool results_json);

// 'text' quoted for POSIX sh when it needs it.
std::string sh_quote(const std::string& text);

}  // namespace iosim
