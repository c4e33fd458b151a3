#pragma once
// A pool of `jobs` workers running simulation points, each an
// `iosim run SCENARIO --json --no-files --quiet --set ...` child process.
// Searches (one thread each) submit points and wait on the futures; the pool
// is the shared work queue that keeps every core busy across independent
// searches. Speculative points (a search's likely next points) only start
// when a worker would otherwise be idle, and always after the real ones.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace iosim {

struct PointOutcome {
  nlohmann::json result;  // the child's results JSON (empty on failure)
  int status = 0;         // the child's exit status (128 + 9 when killed at the timeout)
  bool timed_out = false; // killed after the pool's point timeout
  std::string error;      // its stderr when it failed
  double wall_s = 0;      // wall-clock seconds of the child (terminal / bench only)
  double cpu_s = 0;       // its CPU seconds, user + system (terminal / bench only)
  bool ok() const { return status == 0; }
};

// --point-timeout's default: one hour of wall-clock time per point. The
// longest point of scenarios/paper/table1.yaml takes well under a minute on
// one core (the whole table: ~40 CPU-seconds), so only a hung or runaway child
// (a `run.duration` far beyond the paper's, a model that stopped advancing
// time) reaches it, even on a machine shared by several users.
constexpr double kDefaultPointTimeoutS = 3600;

class PointPool {
public:
  using Handle = std::shared_future<PointOutcome>;
  // `binary`: the iosim executable (default: this one). A point still running
  // after `timeout_s` wall-clock seconds is killed and fails with a message
  // that says so (0: no limit).
  explicit PointPool(int jobs, std::string binary = "", double timeout_s = kDefaultPointTimeoutS);
  ~PointPool();  // waits for every submitted point
  PointPool(const PointPool&) = delete;
  PointPool& operator=(const PointPool&) = delete;

  // args after `iosim run`: {scenario, "--set", "k=v", ...}.
  Handle submit(std::vector<std::string> run_args, bool speculative = false);
  // The child's whole argv for those args: `binary run ARGS --json
  // --no-files --quiet` (what submit() runs; --emit-jobs writes the same).
  static std::vector<std::string> run_argv(const std::string& binary, const std::vector<std::string>& run_args);
  const std::string& binary() const { return binary_; }
  // Workers neither running nor about to run a queued point.
  int idle() const;
  int jobs() const { return int(workers_.size()); }
  // Called (under no lock of ours) after each point finishes.
  void on_done(std::function<void()> f) { on_done_ = std::move(f); }
  int done() const;
  int started() const;  // submitted and not a discarded speculation (all are run)

private:
  struct Job {
    std::vector<std::string> argv;
    std::promise<PointOutcome> promise;
  };
  void work();

  std::string binary_;
  double timeout_s_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> real_, spec_;
  int running_ = 0, done_ = 0, submitted_ = 0;
  bool stop_ = false;
  std::function<void()> on_done_;
  std::vector<std::thread> workers_;
};

// Default -j: the number of cores.
int default_jobs();

// Throws std::runtime_error with the child's stderr if the point failed.
const nlohmann::json& point_result(const PointOutcome& o, const std::string& what);

}  // namespace iosim
