#include "sim/point_pool.hpp"

#include "sim/subprocess.hpp"

#include <fmt/core.h>

#include <stdexcept>

namespace iosim {

namespace {

// The child's command, one line (arguments with spaces or quotes quoted), so a
// user can rerun a point that timed out on its own.
std::string command_line(const std::vector<std::string>& argv) {
  std::string s;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string a = i == 0 && argv[0] == self_executable() ? "iosim" : argv[i];
    if (a.find_first_of(" '\"\\$") != std::string::npos) {
      std::string q = "'";
      for (char ch : a) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      a = q + "'";
    }
    s += (i ? " " : "") + a;
  }
  return s;
}

}  // namespace

int default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

PointPool::PointPool(int jobs, std::string binary, double timeout_s)
    : binary_(binary.empty() ? self_executable() : std::move(binary)), timeout_s_(timeout_s) {
  for (int i = 0; i < std::max(1, jobs); ++i) workers_.emplace_back([this] { work(); });
}

PointPool::~PointPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

std::vector<std::string> PointPool::run_argv(const std::string& binary, const std::vector<std::string>& run_args) {
  std::vector<std::string> argv{binary, "run"};
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  for (const char* a : {"--json", "--no-files", "--quiet"}) argv.push_back(a);
  return argv;
}

PointPool::Handle PointPool::submit(std::vector<std::string> run_args, bool speculative) {
  Job j;
  j.argv = run_argv(binary_, run_args);
  Handle h = j.promise.get_future().share();
  {
    std::lock_guard<std::mutex> l(mu_);
    (speculative ? spec_ : real_).push_back(std::move(j));
    ++submitted_;
  }
  cv_.notify_one();
  return h;
}

int PointPool::idle() const {
  std::lock_guard<std::mutex> l(mu_);
  return int(workers_.size()) - running_ - int(real_.size() + spec_.size());
}

int PointPool::done() const {
  std::lock_guard<std::mutex> l(mu_);
  return done_;
}

int PointPool::started() const {
  std::lock_guard<std::mutex> l(mu_);
  return submitted_;
}

void PointPool::work() {
  for (;;) {
    Job j;
    {
      std::unique_lock<std::mutex> l(mu_);
      // Drain the queues before stopping: every future gets its value.
      cv_.wait(l, [&] { return stop_ || !real_.empty() || !spec_.empty(); });
      auto& q = !real_.empty() ? real_ : spec_;
      if (q.empty()) return;
      j = std::move(q.front());
      q.pop_front();
      ++running_;
    }
    PointOutcome o;
    try {
      ChildResult c = run_child(j.argv, timeout_s_);
      o.wall_s = c.wall_s;
      o.cpu_s = c.cpu_s;
      o.status = c.status;
      o.timed_out = c.timed_out;
      if (c.timed_out) {
        if (o.status == 0) o.status = 1;  // it finished as it was killed: still over the limit
        o.error = fmt::format("killed after the point timeout of {:g} s wall-clock (--point-timeout); the command was:\n  {}",
                              timeout_s_, command_line(j.argv));
        const std::string& tail = c.err.empty() ? c.out : c.err;
        if (!tail.empty()) o.error += "\nits output so far:\n" + tail.substr(tail.size() > 2000 ? tail.size() - 2000 : 0);
      } else if (c.status == 0) {
        o.result = nlohmann::json::parse(c.out, nullptr, false);
        if (o.result.is_discarded() || !o.result.contains("stats")) {
          o.status = 1;
          o.error = "the child printed no results JSON";
        }
      } else {
        o.error = c.err.empty() ? c.out : c.err;
      }
    } catch (const std::exception& e) {
      o.status = 1;
      o.error = e.what();
    }
    j.promise.set_value(std::move(o));
    {
      std::lock_guard<std::mutex> l(mu_);
      --running_;
      ++done_;
    }
    if (on_done_) on_done_();
  }
}

const nlohmann::json& point_result(const PointOutcome& o, const std::string& what) {
  if (!o.ok()) {
    std::string msg = what + " failed (exit " + std::to_string(o.status) + ")";
    if (!o.error.empty()) msg += ":\n" + o.error;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw std::runtime_error(msg);
  }
  return o.result;
}

}  // namespace iosim
