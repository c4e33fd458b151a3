#include "sim/subprocess.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace iosim {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    // O_CLOEXEC: a child spawned by another thread must not inherit our ends,
    // or this child's EOF would wait for that one to exit.
    if (pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  ~Pipe() { close_end(0), close_end(1); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

}  // namespace

// Not the path it points to: exec'ing the link itself runs this very binary
// even if a rebuild replaces the file while a table is running.
std::string self_executable() { return "/proc/self/exe"; }

ChildResult run_child(const std::vector<std::string>& argv, double timeout_s) {
  Pipe out, err;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
  // A child of this binary is exec'd through the link, but told its real
  // path as argv[0]: its provenance names the binary the way an emitted job's
  // (sim/jobs.cpp) does, so local and merged results agree byte for byte.
  static const std::string self_path = [] {
    std::error_code ec;
    const std::string p = std::filesystem::canonical(self_executable(), ec).string();
    return ec ? self_executable() : p;
  }();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const bool self = !argv.empty() && argv[0] == self_executable();
  if (self) args[0] = const_cast<char*>(self_path.c_str());
  pid_t pid = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid, self ? self_executable().c_str() : args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  out.close_end(1);
  err.close_end(1);

  // Drain both pipes together so neither can fill up and stall the child.
  ChildResult r;
  pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
  std::string* sink[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[65536];
  const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  while (open_fds > 0) {
    int wait_ms = -1;
    if (timeout_s > 0 && !r.timed_out) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) {
        // Killing closes its ends of the pipes: the loop then sees EOF.
        ::kill(pid, SIGKILL);
        r.timed_out = true;
        continue;
      }
      // Round up: waking a millisecond early would only poll again.
      wait_ms = int(std::min<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1, 1 << 30));
    }
    const int pr = poll(fds, 2, wait_ms);
    if (pr == 0) continue;  // the deadline: checked above
    if (pr < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) sink[i]->append(buf, size_t(n));
      else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // EOF (the Pipe closes it)
        --open_fds;
      }
    }
  }
  int ws = 0;
  rusage ru{};
  while (wait4(pid, &ws, 0, &ru) < 0 && errno == EINTR) {}
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto secs = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
  r.cpu_s = secs(ru.ru_utime) + secs(ru.ru_stime);
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
  return r;
}

}  // namespace iosim
