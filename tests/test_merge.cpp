// Sweeps and tables beyond one machine (issue 12): --emit-jobs writes one
// command per point, GNU parallel / a shell loop runs them, `iosim merge`
// writes the outputs; they must be the local run's, byte for byte. Also the
// sweep's measurement-trap warnings and its command-line errors.
#include "tests/test_cli_util.hpp"

#include <algorithm>

using namespace iosim::itest;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("iosim_test_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

int sh(const std::string& cmd) {
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool have(const char* prog) { return sh(std::string("command -v ") + prog + " >/dev/null 2>&1") == 0; }

// Same bytes (Catch prints the file names if not). A JSON summary's
// provenance names the command that wrote it (the local run, or merge): that
// one field is taken out of both before they are compared.
void same_file(const fs::path& a, const fs::path& b) {
  INFO(a.string() << " vs " << b.string());
  REQUIRE(fs::is_regular_file(a));
  REQUIRE(fs::is_regular_file(b));
  if (a.extension() == ".json") {
    auto ja = nlohmann::ordered_json::parse(slurp(a.string())), jb = nlohmann::ordered_json::parse(slurp(b.string()));
    REQUIRE(ja.contains("provenance"));
    REQUIRE(jb.contains("provenance"));
    CHECK(ja["provenance"]["command"] != jb["provenance"]["command"]);
    ja["provenance"].erase("command");
    jb["provenance"].erase("command");
    CHECK(ja.dump(2) == jb.dump(2));
    return;
  }
  CHECK(slurp(a.string()) == slurp(b.string()));
}

// A 2 x 2 grid, 2 seeds each: 8 short sync runs (~0.1 s of CPU each).
std::vector<std::string> sweep_args() {
  return {"sweep",   scenario("sync_small.yaml"), "--param", "workload.processes=2:4:x2", "--param",
          "workload.block=4KiB,64KiB", "--seeds", "2", "--set", "run.duration=0.3s"};
}

}  // namespace

TEST_CASE("merge: a 2-parameter sweep with seeds run by GNU parallel and by a shell loop merges to the local "
          "run's bytes", "[sweep][merge]") {
  const fs::path d = scratch("merge_sweep");
  auto a = sweep_args();
  for (const char* x : {"-j", "2", "--out"}) a.push_back(x);
  a.push_back((d / "local").string());
  const CmdResult local = run_iosim(a);
  INFO(local.err);
  REQUIRE(local.status == 0);

  std::vector<std::pair<std::string, std::string>> runners{{"loop", "sh " + shell_quote((d / "loop/commands.txt").string())}};
  if (have("parallel"))
    runners.push_back({"parallel", "sh " + shell_quote((d / "parallel/run-parallel.sh").string()) + " 2 2>&1"});
  else
    WARN("GNU parallel is not installed (apt-get install parallel): its part of this test is skipped, the shell loop runs");
  for (const auto& [name, run] : runners) {
    auto e = sweep_args();
    e.push_back("--emit-jobs");
    e.push_back((d / name).string());
    const CmdResult emitted = run_iosim(e);
    INFO(emitted.err);
    REQUIRE(emitted.status == 0);
    CHECK(emitted.out.find("8 jobs written") != std::string::npos);
    const auto cmds = slurp((d / name / "commands.txt").string());
    CHECK(std::count(cmds.begin(), cmds.end(), '\n') == 8);
    const auto slurm = slurp((d / name / "slurm.sh").string());
    CHECK(slurm.find("#SBATCH --array=1-8") != std::string::npos);
    CHECK(!fs::exists(d / name / "sweep.csv"));  // nothing ran yet

    REQUIRE(sh(run) == 0);
    CHECK(fs::is_regular_file(d / name / "points/p0008/exit"));
    const CmdResult m = run_iosim({"merge", (d / name).string()});
    INFO(m.err);
    REQUIRE(m.status == 0);
    for (const char* f : {"sweep.csv", "sweep.json", "sweep.dat", "sweep.gp"}) same_file(d / "local" / f, d / name / f);
    // The same table on the terminal, but for the results line (another folder).
    CHECK(m.out.substr(0, m.out.find("  results")) == local.out.substr(0, local.out.find("  results")));
  }
  // The grid's CSV: parameter columns by name, seeds, means and CIs.
  const auto csv = slurp((d / "local/sweep.csv").string());
  CHECK(csv.rfind("workload.processes,workload.block,seeds,iops,iops_ci95,", 0) == 0);
  CHECK(csv.find("\n2,4KiB,2,") != std::string::npos);
  CHECK(csv.find("\n4,64KiB,2,") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp((d / "local/sweep.json").string()));
  CHECK(j["seeds"] == nlohmann::json({1, 2}));
  REQUIRE(j["points"].size() == 4);
  for (const auto& p : j["points"]) {
    REQUIRE(p["runs"].size() == 2);
    const double a0 = p["runs"][0]["figures"]["iops"], a1 = p["runs"][1]["figures"]["iops"];
    CHECK(a0 != a1);  // two seeds, two samples
    CHECK(double(p["figures"]["iops"]) == Approx((a0 + a1) / 2));
    // n = 2: t(1) = 12.706 times the standard error |a0 - a1| / 2.
    CHECK(double(p["ci95"]["iops"]) == Approx(12.7062 * std::abs(a0 - a1) / 2).epsilon(1e-4));
  }
  if (have("gnuplot")) {
    CHECK(fs::file_size(d / "local/sweep.png") > 1000);
    CHECK(slurp((d / "local/sweep.svg").string()).find("workload.block=64KiB") != std::string::npos);  // a curve per block
  }

  // A point that has not run: merge names it and fails.
  fs::remove(d / "loop/points/p0003/exit");
  const CmdResult miss = run_iosim({"merge", (d / "loop").string(), "--out", (d / "partial").string()});
  CHECK(miss.status == 1);
  CHECK(miss.err.find("1 of 8 points have not run") != std::string::npos);
  CHECK(miss.err.find("p0003") != std::string::npos);
  CHECK(!fs::exists(d / "partial/sweep.csv"));
  // A failed point is reported as the local sweep reports it.
  std::ofstream((d / "loop/points/p0003/exit").string()) << "3\n";
  std::ofstream((d / "loop/points/p0003/stderr").string()) << "boom\n";
  const CmdResult failed = run_iosim({"merge", (d / "loop").string(), "--out", (d / "partial").string()});
  CHECK(failed.status == 1);
  CHECK(failed.err.find("workload.processes=2 workload.block=64KiB seed=1: exit 3:\nboom") != std::string::npos);
  CHECK(slurp((d / "partial/sweep.csv").string()).find(",failed exit 3 (seed 1)\n") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("merge: a table's row jobs give the local table.csv and the cold-start table.json", "[table][merge][e2e]") {
  // Two rows, so the local run's warm start (1024 kB hands 256 kB its start)
  // is exercised; the jobs run each row cold.
  const fs::path d = scratch("merge_table");
  const std::string table = std::string(IOSIM_SOURCE_DIR) + "/scenarios/paper/table1.yaml";
  const std::vector<std::string> base{"table", table, "--quick", "--blocks", "256KiB,1024KiB", "--no-plot", "-q"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_iosim(a);
  };
  const CmdResult warm = with({"-j", "2", "--out", (d / "warm").string()});
  const CmdResult cold = with({"-j", "2", "--cold-start", "--out", (d / "cold").string()});
  const CmdResult emitted = with({"--emit-jobs", (d / "jobs").string()});
  INFO(warm.err << cold.err << emitted.err);
  REQUIRE(warm.status == 0);
  REQUIRE(cold.status == 0);
  REQUIRE(emitted.status == 0);
  const auto cmds = slurp((d / "jobs/commands.txt").string());
  CHECK(std::count(cmds.begin(), cmds.end(), '\n') == 2);  // a job per row
  CHECK(cmds.find("--blocks 256KiB --cold-start") != std::string::npos);
  REQUIRE(sh((have("parallel") ? "sh " + shell_quote((d / "jobs/run-parallel.sh").string()) + " 2"
                               : "sh " + shell_quote((d / "jobs/commands.txt").string())) + " >/dev/null 2>&1") == 0);
  const CmdResult m = run_iosim({"merge", (d / "jobs").string(), "--no-plot"});
  INFO(m.err);
  REQUIRE(m.status == 0);
  same_file(d / "warm/table.csv", d / "jobs/table.csv");
  same_file(d / "cold/table.json", d / "jobs/table.json");
  CHECK(m.out.find("saturation I/O rate, paper vs iosim") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("sweep: measurement traps are flagged in the CSV and the JSON and on stderr", "[sweep][warnings]") {
  // Async path: a 1.05 s window (10.5 polls of 100 ms), a 12 s poll period (no
  // completion in the window), and 8000/s offered (past saturation: ~5000/s).
  const fs::path d = scratch("sweep_traps");
  const CmdResult r = run_iosim({"sweep", scenario("async_small.yaml"), "--param", "platform.async.poll_period=100ms,12s",
                                 "--param", "workload.rate=500/s,8000/s", "--set", "run.duration=1.05s", "--set",
                                 "run.drain_limit=30s", "-j", "2", "--no-plot", "--out", d.string()});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("warning: all 4 points: window_not_whole_polls: run.duration 1.050 s is 10.5 poll periods of "
                   "100.000 ms") == std::string::npos);  // two poll periods: two messages
  CHECK(r.err.find("window_not_whole_polls: run.duration 1.050 s is 10.5 poll periods") != std::string::npos);
  CHECK(r.err.find("no_completion") != std::string::npos);
  CHECK(r.err.find("saturated: past saturation") != std::string::npos);
  const auto csv = slurp((d / "sweep.csv").string());
  CHECK(csv.find("offered_iops,completed_pct,saturated,warnings,status\n") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp((d / "sweep.json").string()));
  REQUIRE(j["points"].size() == 4);
  auto codes = [&](size_t i) {
    std::string c;
    for (const auto& w : j["points"][i]["warnings"]) c += w["code"].get<std::string>() + ";";
    return c;
  };
  const auto& low = j["points"][0];  // 100 ms polls, 500/s: keeps up
  CHECK(low["saturated"] == false);
  CHECK(codes(0) == "window_not_whole_polls;");
  const double offered = low["figures"]["offered_iops"], done = low["figures"]["iops"];
  CHECK(offered == Approx(500).epsilon(0.15));
  CHECK(double(low["figures"]["completed_pct"]) == Approx(100 * done / offered));
  CHECK(j["points"][1]["saturated"] == true);  // 8000/s
  CHECK(double(j["points"][1]["figures"]["completed_pct"]) < 97);
  CHECK(codes(1) == "window_not_whole_polls;saturated;");
  CHECK(double(j["points"][2]["figures"]["iops"]) == 0);  // 12 s polls
  CHECK(codes(2).find("no_completion;") != std::string::npos);
  // In the CSV: the flag and the codes of the row.
  CHECK(csv.find("100ms,8000/s,") != std::string::npos);
  CHECK(csv.find(",yes,window_not_whole_polls;saturated,ok\n") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("sweep: bad ranges and seeds and grids are located errors (exit 2)", "[sweep][cli]") {
  const std::string sc = scenario("sync_small.yaml");
  auto err = [&](std::vector<std::string> extra) {
    std::vector<std::string> a{"sweep", sc, "--no-files"};
    a.insert(a.end(), extra.begin(), extra.end());
    const CmdResult r = run_iosim(a);
    CHECK(r.status == 2);
    return r.err;
  };
  std::string e = err({"--param", "workload.processes=8:64:2"});
  CHECK(e.find("--param:1:25:") != std::string::npos);  // at the step
  CHECK(e.find(" 1 | workload.processes=8:64:2\n") != std::string::npos);
  CHECK(e.find("START:STOP:xFACTOR") != std::string::npos);
  e = err({"--param", "workload.processes=2,4", "--param", "workload.block=4KiB:1ms:x2"});
  CHECK(e.find("--param:2:") != std::string::npos);
  e = err({"--param", "workload.processes=2", "--seeds", "0"});
  CHECK(e.find("--seeds:1:1:") != std::string::npos);
  e = err({"--param", "workload.processes=2", "--param", "workload.processes=4"});
  CHECK(e.find("swept twice") != std::string::npos);
  e = err({"--param", "run.seed=1,2", "--seeds", "3"});
  CHECK(e.find("use one of them") != std::string::npos);
  e = err({"--param", "workload.procesess=2:8:x2"});  // a typo in the key: the loader's "did you mean"
  CHECK(e.find("did you mean") != std::string::npos);
}

TEST_CASE("sweep: names plot as labels and a geometric range on a log axis", "[sweep][plot]") {
  if (!have("gnuplot")) {
    WARN("gnuplot is not installed: no plot to check");
    return;
  }
  const fs::path d = scratch("sweep_plot");
  const CmdResult r = run_iosim({"sweep", scenario("storage_disk.yaml"), "--param", "platform.disk.scheduler=fcfs,sptf",
                                 "--param", "workload.queue_depth=1:16:x4", "--set", "run.duration=0.2s", "-j", "2",
                                 "--out", (d / "names").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string gp = slurp((d / "names/sweep.gp").string());
  CHECK(gp.find("xtic(2)") != std::string::npos);  // fcfs, sptf as tick labels
  CHECK(gp.find("set logscale") == std::string::npos);
  // One curve per queue depth: three data blocks, three titles.
  CHECK(gp.find("t \"workload.queue_depth=16\"") != std::string::npos);
  const std::string dat = slurp((d / "names/sweep.dat").string());
  const size_t block = dat.find("# workload.queue_depth=4\n0 \"fcfs\" ");
  REQUIRE(block != std::string::npos);
  CHECK(dat.find("\n1 \"sptf\" ", block) < dat.find("# workload.queue_depth=16"));
  CHECK(fs::file_size(d / "names/sweep.png") > 1000);

  const CmdResult g = run_iosim({"sweep", scenario("storage_disk.yaml"), "--param", "workload.queue_depth=1:16:x4",
                                 "--set", "run.duration=0.2s", "-j", "2", "--out", (d / "geo").string()});
  REQUIRE(g.status == 0);
  const std::string gp2 = slurp((d / "geo/sweep.gp").string());
  CHECK(gp2.find("set logscale x 2") != std::string::npos);
  CHECK(gp2.find("xtic(2)") == std::string::npos);
  fs::remove_all(d);
}
