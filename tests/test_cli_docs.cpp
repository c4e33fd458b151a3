// The docs' command examples and transcripts run as written. (That
// scenarios/README.md documents every key the loader reads is
// tests/test_keys.cpp: its key tables are generated from sim/keys.cpp.)
#include "tests/test_cli_util.hpp"

#include <regex>
#include <functional>
#include <set>

using namespace iosim::itest;

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

// --- every `iosim ...` command example in README.md and scenarios/README.md runs ---
namespace {

struct DocCommand {
  std::string doc, line;  // where, as written (continuations joined)
};

// The command lines of the fenced blocks: `./build/iosim ...` or `iosim ...`,
// a trailing `\` joining the next line, a trailing `# comment` dropped.
std::vector<DocCommand> doc_commands() {
  std::vector<DocCommand> out;
  for (const char* doc : {"README.md", "scenarios/README.md"}) {
    std::stringstream ss(slurp(std::string(IOSIM_SOURCE_DIR) + "/" + doc));
    bool fenced = false;
    std::string pending;
    for (std::string l; std::getline(ss, l);) {
      if (l.rfind("```", 0) == 0) {
        fenced = !fenced;
        continue;
      }
      if (!fenced) continue;
      if (pending.empty() && l.rfind("./build/iosim ", 0) != 0 && l.rfind("iosim ", 0) != 0) continue;
      const bool more = !l.empty() && l.back() == '\\';
      if (more) l.pop_back();
      pending += l;
      if (more) continue;
      // "  # ..." after the command: a comment (no example quotes a '#').
      if (const size_t h = pending.find(" #"); h != std::string::npos) pending.resize(h);
      while (!pending.empty() && pending.back() == ' ') pending.pop_back();
      out.push_back({doc, pending});
      pending.clear();
    }
  }
  return out;
}

bool has_word(const std::string& line, const std::string& w) {
  return (" " + line + " ").find(" " + w + " ") != std::string::npos;
}

// What the test does with an example: "" runs it (after `shorten`), else the
// reason it is not run here.
std::string skip_reason(const std::string& line) {
  if (has_word(line, "sweep") || has_word(line, "merge") || line.find("--emit-jobs") != std::string::npos)
    return "runs in tests/test_sweep_docs.cpp (the block between the sweep-examples markers)";
  if (has_word(line, "bench"))
    return "OTHER/iosim stands for another build, and bench measures CPU time over minutes (tests/test_bench.cpp "
           "runs bench on short runs)";
  if (has_word(line, "capacity"))
    return "a capacity search is 10+ points x 2 seeds per stack, minutes (tests/test_capacity.cpp runs "
           "capacity on short scenarios)";
  return "";
}

// Shorter, same code paths: `run` with a short window (a stream period is
// 1 s: at least that; the examples/faults*.yaml scenarios keep their own,
// which their fault times are inside, and each runs in about a second), `table` / `compare` / `explain` with
// their --quick protocol, and the saturation curves (237 points, minutes) on one row.
std::string shorten(std::string line) {
  if (has_word(line, "run") && line.find("--dump-config") == std::string::npos &&
      line.find("examples/faults") == std::string::npos)
    line += line.find("streaming/") != std::string::npos ? " --set run.duration=1s --set run.warmup=0.2s"
                                                          : " --set run.duration=0.3s --set run.warmup=0.1s";
  if ((has_word(line, "table") || has_word(line, "compare") || has_word(line, "explain")) &&
      line.find("--quick") == std::string::npos)
    line += " --quick";
  if (has_word(line, "table") && has_word(line, "--curves") && line.find("--blocks") == std::string::npos)
    line += " --blocks 256KiB";
  return line;
}

// Runs the examples for which `pick` is true from a scratch copy of the
// checkout's layout (scenarios/, traces/ and ../shared linked), so out/ and
// the files they write land there; ./build/iosim is the binary under test.
void run_doc_examples(const std::function<bool(const std::string&)>& pick, int at_least) {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / ("iosim_doc_examples_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d / "work");
  const fs::path src(IOSIM_SOURCE_DIR);
  for (const char* sub : {"scenarios", "traces"}) fs::create_directory_symlink(src / sub, d / "work" / sub);
  if (fs::exists(src / ".." / "shared")) fs::create_directory_symlink(fs::canonical(src / ".." / "shared"), d / "shared");
  std::set<std::string> done;
  int ran = 0;
  for (const DocCommand& c : doc_commands()) {
    if (!pick(c.line) || !skip_reason(c.line).empty()) continue;
    std::string line = shorten(c.line);
    line = line.substr(line.find("iosim ") + 6);
    if (!done.insert(line).second) continue;  // the same example twice
    if (line.find("../shared/") != std::string::npos && !fs::exists(d / "shared")) {
      WARN("no ../shared beside the checkout: not run: " << c.line);
      continue;
    }
    if (line.find("storage_cheetah9lp") != std::string::npos && !fs::exists(src / ".." / "shared" / "disk-validation")) {
      WARN("no ../shared/disk-validation: not run: " << c.line);
      continue;
    }
    const CmdResult r = run_in((d / "work").string(), line);
    INFO(c.doc << ": " << c.line << "\n  ran: iosim " << line << "\n" << r.out);
    CHECK(r.status == 0);
    ++ran;
  }
  CHECK(ran >= at_least);
  fs::remove_all(d);
}

bool expensive(const std::string& line) {
  return has_word(line, "table") || has_word(line, "compare") || has_word(line, "explain");
}

}  // namespace

TEST_CASE("docs: every command example in README.md and scenarios/README.md names an iosim subcommand",
          "[cli][docs]") {
  const auto all = doc_commands();
  CHECK(all.size() >= 30);
  for (const DocCommand& c : all) {
    INFO(c.doc << ": " << c.line);
    // Every example names a subcommand iosim has (or --help).
    const std::string rest = c.line.substr(c.line.find("iosim ") + 6);
    const std::string sub = rest.substr(0, rest.find(' '));
    if (sub == "--help") continue;
    CHECK(run_iosim({sub, "--help"}).status == 0);
  }
}

TEST_CASE("docs: the run, disk-validate and --help examples run", "[cli][docs][e2e]") {
  run_doc_examples([](const std::string& l) { return !expensive(l); }, 20);
}

// One test per subcommand: each runs several searches (a few CPU-minutes
// together), so each gets CTest's timeout of its own.
TEST_CASE("docs: the table examples run (--quick)", "[cli][docs][e2e]") {
  run_doc_examples([](const std::string& l) { return has_word(l, "table"); }, 2);
}

TEST_CASE("docs: the compare examples run (--quick)", "[cli][docs][e2e]") {
  run_doc_examples([](const std::string& l) { return has_word(l, "compare"); }, 1);
}

TEST_CASE("docs: the explain examples run (--quick)", "[cli][docs][e2e]") {
  run_doc_examples([](const std::string& l) { return has_word(l, "explain"); }, 1);
}
