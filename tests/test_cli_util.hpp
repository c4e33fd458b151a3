#pragma once
// Runs the built `iosim` binary as a child process (SystemC elaborates once per
// process, so every simulation a test needs is its own child) and hands back
// its exit status, stdout and stderr; helpers read results JSON and stats.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace iosim::itest {

struct CmdResult {
  int status = -1;  // exit status; -1 if the child did not exit normally
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `iosim ARGS...`; stdout through the pipe, stderr through a temporary file.
inline CmdResult run_iosim(const std::vector<std::string>& args) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "iosim_itest_err_XXXXXX").string();
  std::vector<char> path(tmpl.begin(), tmpl.end());
  path.push_back('\0');
  char* errpath = path.data();
  const int fd = mkstemp(errpath);
  REQUIRE(fd >= 0);
  close(fd);
  std::string cmd = shell_quote(IOSIM_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>" + shell_quote(errpath);
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = slurp(errpath);
  std::remove(errpath);
  return r;
}

inline std::string scenario(const std::string& name) { return std::string(IOSIM_TEST_DATA) + "/scenarios/" + name; }

// `iosim run SCENARIO --json --no-files --quiet --set ...`, raw.
inline CmdResult run_scenario_raw(const std::string& file, const std::vector<std::string>& sets = {}) {
  std::vector<std::string> a{"run", file, "--json", "--no-files", "--quiet"};
  for (const auto& s : sets) { a.push_back("--set"); a.push_back(s); }
  return run_iosim(a);
}

// The same, required to succeed; returns the results JSON.
inline nlohmann::json run_scenario_json(const std::string& file, const std::vector<std::string>& sets = {}) {
  const CmdResult r = run_scenario_raw(file, sets);
  INFO("iosim run " << file << " stderr:\n" << r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

inline double stat(const nlohmann::json& j, const std::string& key) {
  INFO("statistic " << key);
  REQUIRE(j.at("stats").contains(key));
  return j["stats"][key]["value"].get<double>();
}

}  // namespace iosim::itest
