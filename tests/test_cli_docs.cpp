// scenarios/README.md documents every key the scenario loader reads: each key
// name in sim/scenario_loader.cpp appears in the "Keys" tables in backticks,
// as a leaf (`rpm`, `cost.syscall`) or as a section prefix (`memory.`).
#include "tests/test_cli_util.hpp"

#include <regex>
#include <set>

using namespace iosim::itest;

TEST_CASE("docs: every key sim/scenario_loader.cpp reads is in scenarios/README.md", "[cli][docs]") {
  const std::string src = slurp(std::string(IOSIM_SOURCE_DIR) + "/sim/scenario_loader.cpp");
  const std::string readme = slurp(std::string(IOSIM_SOURCE_DIR) + "/scenarios/README.md");
  const size_t keys_at = readme.find("## Keys");
  REQUIRE(keys_at != std::string::npos);
  const std::string ref = readme.substr(keys_at);
  // Reader getters: r.time("key", ...), c.cycles("key", ...), root.section("key"), ...
  const std::regex call(R"(\b\w+\.(time|integer|freq|choice|cycles|size|rate|io_rate|rotation|real|boolean|string|fraction|has|ignore|section)\(\"([a-z_]+)\")");
  std::set<std::string> keys;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), call); it != std::sregex_iterator(); ++it)
    keys.insert((*it)[2]);
  CHECK(keys.size() > 80);
  for (const auto& k : keys) {
    INFO("key '" << k << "'");
    const std::regex documented("`([a-z_]+\\.)*" + k + "(`|\\.)");
    CHECK(std::regex_search(ref, documented));
  }
}

namespace {
// The fenced block that follows `after` in `text` (its body, without the fences).
std::string block_after(const std::string& text, const std::string& after, size_t& pos) {
  pos = text.find(after, pos);
  REQUIRE(pos != std::string::npos);
  const size_t open = text.find("```", pos);
  const size_t body = text.find('\n', open) + 1;
  const size_t close = text.find("```", body);
  REQUIRE(close != std::string::npos);
  pos = close + 3;
  return text.substr(body, close - body);
}

// `cd DIR && iosim ARGS 2>&1`: the walkthrough runs from the checkout's top folder.
CmdResult run_in(const std::string& dir, const std::string& args) {
  const std::string cmd = "cd " + shell_quote(dir) + " && " + shell_quote(IOSIM_BINARY) + " " + args + " 2>&1";
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}
}  // namespace

TEST_CASE("docs: scenarios/README.md's typo walkthrough prints what the tool prints", "[cli][docs]") {
  namespace fs = std::filesystem;
  const std::string readme = slurp(std::string(IOSIM_SOURCE_DIR) + "/scenarios/README.md");
  size_t pos = readme.find("## Errors");
  const std::string yaml = block_after(readme, "`typo.yaml`", pos);
  std::string first = block_after(readme, "", pos);
  std::string second = block_after(readme, "once the value is fixed", pos);
  // The transcripts: "$ iosim run typo.yaml ARGS", the output, "$ echo $?", "2".
  const std::string prompt = "$ iosim ";
  REQUIRE(first.rfind(prompt, 0) == 0);
  const std::string args = first.substr(prompt.size(), first.find('\n') - prompt.size());
  const std::string expect1 = first.substr(first.find('\n') + 1, first.find("$ echo $?") - first.find('\n') - 1);
  CHECK(first.substr(first.find("$ echo $?")) == "$ echo $?\n2\n");
  REQUIRE(second.rfind(prompt + args + "\n", 0) == 0);
  const std::string expect2 = second.substr(second.find('\n') + 1);
  // typo.yaml in a folder that, like the checkout, holds scenarios/.
  const fs::path dir = fs::temp_directory_path() / ("iosim_typo_" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::create_directory_symlink(fs::path(IOSIM_SOURCE_DIR) / "scenarios", dir / "scenarios");
  std::ofstream(dir / "typo.yaml") << yaml;
  const CmdResult a = run_in(dir.string(), args);
  CHECK(a.status == 2);
  CHECK(a.out == expect1);
  // The fix the text names, then every unknown key at once.
  const std::string fix = "head_switch: 0.3ms";
  REQUIRE(readme.find("(`" + fix + "`)") != std::string::npos);
  std::string fixed = yaml;
  const std::string bad = "head_switch: 0.3rpm";
  REQUIRE(fixed.find(bad) != std::string::npos);
  fixed.replace(fixed.find(bad), bad.size(), fix);
  std::ofstream(dir / "typo.yaml") << fixed;
  const CmdResult b = run_in(dir.string(), args);
  CHECK(b.status == 2);
  CHECK(b.out == expect2);
  fs::remove_all(dir);
}
