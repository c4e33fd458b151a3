// Every sweep / merge / --emit-jobs example in the docs runs: the block
// between <!-- sweep-examples --> markers in scenarios/README.md, run
// line by line from the source folder (out/ redirected to a scratch folder,
// ./build/iosim = the binary under test), and README.md's sweep and merge
// lines are lines of that block.
#include "tests/test_cli_util.hpp"

#include <sstream>

using namespace iosim::itest;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> example_block() {
  const std::string doc = slurp(std::string(IOSIM_SOURCE_DIR) + "/scenarios/README.md");
  const size_t b = doc.find("<!-- sweep-examples -->"), e = doc.find("<!-- /sweep-examples -->");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::stringstream ss(doc.substr(b, e - b));
  std::vector<std::string> out;
  for (std::string l; std::getline(ss, l);)
    if (!l.empty() && l.rfind("<!--", 0) != 0 && l.rfind("```", 0) != 0) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("docs: README.md's sweep and merge examples are in scenarios/README.md's tested block", "[sweep][docs]") {
  const auto block = example_block();
  const std::string readme = slurp(std::string(IOSIM_SOURCE_DIR) + "/README.md");
  std::stringstream ss(readme);
  int n = 0;
  for (std::string l; std::getline(ss, l);) {
    if (l.rfind("./build/iosim sweep", 0) != 0 && l.rfind("./build/iosim merge", 0) != 0 &&
        l.find("--emit-jobs") == std::string::npos)
      continue;
    if (l.rfind("./build/iosim", 0) != 0) continue;  // prose
    ++n;
    INFO(l);
    CHECK(std::find(block.begin(), block.end(), l) != block.end());
  }
  CHECK(n >= 3);
}

TEST_CASE("docs: every sweep / merge / --emit-jobs example in scenarios/README.md runs", "[sweep][docs][merge][e2e]") {
  const auto block = example_block();
  REQUIRE(block.size() >= 5);
  // Run from the source folder, as the docs do (scenario paths, the paper's
  // CSV beside the repository), with out/ moved to a scratch folder and
  // ./build/iosim the binary under test.
  const fs::path d = fs::temp_directory_path() / ("iosim_test_sweep_docs_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
    return s;
  };
  const bool parallel = std::system("command -v parallel >/dev/null 2>&1") == 0;
  if (!parallel) WARN("GNU parallel is not installed: run-parallel.sh lines run as sh commands.txt");
  for (std::string line : block) {
    const std::string rp = "run-parallel.sh 2";
    if (!parallel && line.find(rp) != std::string::npos) line.replace(line.find(rp), rp.size(), "commands.txt");
    line = replace_all(line, " out/", " " + (d / "out").string() + "/");
    line = replace_all(line, "./build/iosim ", shell_quote(IOSIM_BINARY) + " ");
    INFO(line);
    const std::string cmd = "cd " + shell_quote(IOSIM_SOURCE_DIR) + " && " + line + " >" + shell_quote((d / "log").string()) + " 2>&1";
    const int st = std::system(cmd.c_str());
    INFO(slurp((d / "log").string()));
    REQUIRE(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);
  }
  CHECK(fs::is_regular_file(d / "out/sweep_sync/sweep.csv"));
  CHECK(fs::is_regular_file(d / "out/table_jobs/slurm.sh"));
  fs::remove_all(d);
}

TEST_CASE("docs: the sweep and merge --help examples are lines of the tested block", "[sweep][docs][cli]") {
  const auto block = example_block();
  int n = 0;
  for (const char* cmd : {"sweep", "merge", "table"}) {
    const CmdResult h = run_iosim({cmd, "--help"});
    REQUIRE(h.status == 0);
    std::stringstream ss(h.out);
    for (std::string l; std::getline(ss, l);) {
      if (l.rfind("  iosim ", 0) != 0 && l.rfind("  sh ", 0) != 0) continue;
      l = l.substr(2);
      if (l == "iosim table scenarios/paper/table1.yaml -j 2") continue;  // the full table: README's main job
      if (l.rfind("iosim ", 0) == 0) l = "./build/" + l;
      ++n;
      INFO(cmd << " --help: " << l);
      CHECK(std::find(block.begin(), block.end(), l) != block.end());
    }
  }
  CHECK(n >= 6);
}
