#include "sim/jobs.hpp"

#include "sim/subprocess.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace iosim {

namespace fs = std::filesystem;

namespace {

// jobs.json's format version: merge refuses others.
constexpr int kJobsFormat = 1;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text, bool executable = false) {
  std::ofstream(p, std::ios::binary) << text;
  if (!fs::is_regular_file(p)) throw std::runtime_error("cannot write " + p.string());
  if (executable)
    fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
}

}  // namespace

std::string sh_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,%@") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void emit_jobs(const std::string& dir_arg, const std::string& command, const nlohmann::ordered_json& options,
               const std::vector<Job>& jobs, int cpus) {
  const fs::path dir = fs::absolute(dir_arg).lexically_normal();
  fs::create_directories(dir / "points");
  const std::string cwd = fs::current_path().string();

  nlohmann::ordered_json m;
  m["iosim_jobs"] = kJobsFormat;
  m["command"] = command;
  m["cwd"] = cwd;
  m["options"] = options;
  m["jobs"] = nlohmann::json::array();
  std::string cmds;
  // /proc/self/exe names whatever runs the line: the binary's real path instead.
  std::error_code ec;
  const fs::path self = fs::canonical(self_executable(), ec);
  for (Job j : jobs) {
    if (!j.argv.empty() && j.argv[0] == self_executable() && !ec) j.argv[0] = self.string();
    m["jobs"].push_back({{"id", j.id}, {"argv", j.argv}});
    const std::string p = sh_quote((dir / "points" / j.id).string());
    std::string run;
    for (const auto& a : j.argv) run += (run.empty() ? "" : " ") + sh_quote(a);
    // The exit file is written last: a job killed half-way leaves none, and
    // merge reports it as not run.
    cmds += fmt::format("cd {} && mkdir -p {p} && rm -f {p}/exit && {} >{p}/stdout 2>{p}/stderr; echo $? >{p}/exit\n",
                        sh_quote(cwd), run, fmt::arg("p", p));
  }
  write_file(dir / "jobs.json", m.dump(2) + "\n");
  write_file(dir / "commands.txt", cmds);
  const std::string d = sh_quote(dir.string());
  write_file(dir / "run-parallel.sh",
             fmt::format("#!/bin/sh\n"
                         "# Runs every line of commands.txt with GNU parallel (Debian package `parallel`),\n"
                         "# JOBS at a time (default: one per core), then: iosim merge {0}\n"
                         "# A job's own failure is kept in points/<id>/ (merge reports it); the log of\n"
                         "# what ran where is parallel.log.\n"
                         "exec parallel --will-cite --jobs \"${{1:-100%}}\" --joblog {0}/parallel.log < {0}/commands.txt\n",
                         d),
             true);
  write_file(dir / "slurm.sh",
             fmt::format("#!/bin/sh\n"
                         "# A Slurm job array: task i runs line i of commands.txt. Submit with\n"
                         "#   sbatch {0}/slurm.sh\n"
                         "# and, when every task has ended, iosim merge {0}\n"
                         "# (more than the cluster's MaxArraySize jobs: submit with --array=FROM-TO in parts).\n"
                         "#SBATCH --job-name=iosim-{1}\n"
                         "#SBATCH --array=1-{2}\n"
                         "#SBATCH --cpus-per-task={3}\n"
                         "#SBATCH --output={4}/points/slurm-%a.log\n"
                         "line=$(sed -n \"${{SLURM_ARRAY_TASK_ID}}p\" {0}/commands.txt)\n"
                         "[ -n \"$line\" ] || {{ echo \"no line $SLURM_ARRAY_TASK_ID in {0}/commands.txt\" >&2; exit 1; }}\n"
                         "exec sh -c \"$line\"\n",
                         d, command, jobs.size(), std::max(1, cpus), dir.string()),
             true);
  fmt::print("{} jobs written to {}/:\n"
             "  commands.txt     one command per point (sh {}/commands.txt runs them one after the other)\n"
             "  run-parallel.sh  GNU parallel: sh {}/run-parallel.sh [JOBS]\n"
             "  slurm.sh         Slurm job array: sbatch {}/slurm.sh\n"
             "then: iosim merge {}\n",
             jobs.size(), dir.string(), d, d, d, d);
}

nlohmann::json read_manifest(const std::string& dir) {
  const fs::path p = fs::path(dir) / "jobs.json";
  if (!fs::is_regular_file(p))
    throw std::runtime_error(p.string() + ": not found (write it with `iosim sweep ... --emit-jobs " + dir +
                             "` or `iosim table ... --emit-jobs " + dir + "`)");
  nlohmann::json m = nlohmann::json::parse(slurp(p), nullptr, false);
  if (m.is_discarded() || !m.is_object()) throw std::runtime_error(p.string() + ": not valid JSON");
  if (!m.contains("iosim_jobs") || m["iosim_jobs"] != kJobsFormat)
    throw std::runtime_error(p.string() + fmt::format(": not a jobs file of format {} (written by another iosim version?)", kJobsFormat));
  for (const char* k : {"command", "cwd", "options", "jobs"})
    if (!m.contains(k)) throw std::runtime_error(p.string() + ": no '" + k + "'");
  return m;
}

std::optional<PointOutcome> read_outcome(const std::string& dir, const std::string& id, bool results_json) {
  const fs::path p = fs::path(dir) / "points" / id;
  if (!fs::is_regular_file(p / "exit")) return std::nullopt;
  PointOutcome o;
  try {
    o.status = std::stoi(slurp(p / "exit"));
  } catch (const std::exception&) {
    o.status = 1;
    o.error = (p / "exit").string() + ": not an exit status";
    return o;
  }
  const std::string out = slurp(p / "stdout"), err = slurp(p / "stderr");
  // As PointPool::work() reads a child's output.
  if (o.status == 0) {
    if (results_json) {
      o.result = nlohmann::json::parse(out, nullptr, false);
      if (o.result.is_discarded() || !o.result.contains("stats")) {
        o.status = 1;
        o.error = "the child printed no results JSON";
      }
    }
  } else {
    o.error = err.empty() ? out : err;
  }
  return o;
}

}  // namespace iosim
