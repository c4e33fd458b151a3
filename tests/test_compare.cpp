// `iosim compare` (sim/compare.cpp) and the stack registry it runs
// (sim/stacks.cpp): the protocol it copies from the paper's table, a short
// comparison end to end (a row per stack x block, the HostOs event counters
// it reports), and bad names exiting 2 with a did-you-mean.
#include "sim/stacks.hpp"
#include "sim/table_config.hpp"
#include "tests/test_cli_util.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace iosim;
using namespace iosim::itest;

namespace {
const std::string kRoot = std::string(IOSIM_TEST_DATA) + "/../../scenarios/";

// A short protocol: the quick table's windows shortened (whole numbers of
// 100 ms polls), and searches of a few points: closed 32 -> 45 -> 64
// processes, open 2000/s -> 4000/s -> 8000/s and one bisection.
const std::vector<std::string> kShort = {
    "--quick", "--set", "run.warmup=0.35s", "--set", "run.duration=0.5s", "--set", "search.closed.start=32",
    "--set", "search.closed.max=64", "--set", "search.open.start=2000/s", "--set", "search.open.max=8000/s",
    "--set", "search.open.bisection_steps=1"};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
  return f;
}
}  // namespace

// compare's default protocol is the table's: if table1.yaml's search or
// window changes, compare must follow (or say why not).
TEST_CASE("compare: the default protocol is scenarios/paper/table1.yaml's", "[compare]") {
  for (bool quick : {false, true}) {
    INFO("quick " << quick);
    const Protocol p = table1_protocol(quick);
    const Protocol f = protocol_of(load_table_config(kRoot + "paper/table1.yaml", quick));
    CHECK(p.warmup_s == f.warmup_s);
    CHECK(p.duration_s == f.duration_s);
    CHECK(p.seed == f.seed);
    CHECK(p.closed.start == f.closed.start);
    CHECK(p.closed.factor == f.closed.factor);
    CHECK(p.closed.min_gain == f.closed.min_gain);
    CHECK(p.closed.patience == f.closed.patience);
    CHECK(p.closed.max == f.closed.max);
    CHECK(p.open.start == f.open.start);
    CHECK(p.open.factor == f.open.factor);
    CHECK(p.open.keep_up == f.open.keep_up);
    CHECK(p.open.bisection_steps == f.open.bisection_steps);
    CHECK(p.open.max == f.open.max);
  }
}

TEST_CASE("compare: registry rows, override sets and search keys", "[compare]") {
  // Every stack names its io_path and loop in its own overrides.
  for (const auto& s : stacks()) {
    INFO(s.name);
    CHECK(!s.description.empty());
    CHECK(std::count(s.sets.begin(), s.sets.end(), "platform.io_path=" + s.io_path) == 1);
    CHECK(std::count(s.sets.begin(), s.sets.end(), std::string("workload.kind=") + to_string(s.loop)) == 1);
  }
  CHECK(find_stack("async").loop == Loop::Open);
  try {
    find_stack("asynk");
    FAIL("no throw");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("did you mean 'async'") != std::string::npos);
  }
  const OverrideSet v = parse_override_set("v:platform.sync.queue_depth=4,workload.block=4KiB");
  CHECK(v.name == "v");
  CHECK(v.sets == std::vector<std::string>{"platform.sync.queue_depth=4", "workload.block=4KiB"});
  CHECK_THROWS_AS(parse_override_set("nocolon"), UsageError);

  Protocol p = table1_protocol(false);
  const auto rest = apply_search_sets(p, {"search.closed.min_gain=2%", "run.seed=3", "search.open.keep_up=0.9"});
  CHECK(p.closed.min_gain == Approx(0.02));
  CHECK(p.open.keep_up == Approx(0.9));
  CHECK(rest == std::vector<std::string>{"run.seed=3"});
  try {
    apply_search_sets(p, {"search.closed.min_gian=2%"});
    FAIL("no throw");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("did you mean 'min_gain'") != std::string::npos);
  }
  // A factor's search keys reach only the loop they name.
  const Factor& stop = find_factor("stop_rule");
  CHECK(!factor_sets_for(stop, find_stack("sync")).empty());
  CHECK(factor_sets_for(stop, find_stack("async")).empty());
  CHECK(factor_sets_for(find_factor("polling"), find_stack("sync")).empty());
  CHECK(factor_sets_for(find_factor("card_jobs"), find_stack("sync")).empty());
  CHECK(factor_sets_for(find_factor("card_jobs"), find_stack("async")) ==
        std::vector<std::string>{"platform.async.firmware.max_jobs=1048576"});
}

TEST_CASE("compare: a row per stack x block, positive I/O/s, the host's event counters", "[compare][cli]") {
  const auto out = std::filesystem::temp_directory_path() / ("iosim_compare_" + std::to_string(getpid()));
  std::vector<std::string> args = {"compare", kRoot + "platforms/x342_sync.yaml", "--stacks", "sync,async",
                                   "--blocks", "4KiB,64KiB", "-j", "2", "--no-plot", "-q", "--out", out.string()};
  args.insert(args.end(), kShort.begin(), kShort.end());
  const CmdResult r = run_iosim(args);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.status == 0);
  const std::string csv = slurp((out / "compare.csv").string());
  std::stringstream ss(csv);
  std::string line;
  std::getline(ss, line);
  const std::vector<std::string> head = split(line);
  auto col = [&](const char* name) {
    const auto it = std::find(head.begin(), head.end(), name);
    REQUIRE(it != head.end());
    return size_t(it - head.begin());
  };
  std::vector<std::pair<std::string, std::string>> seen;
  while (std::getline(ss, line)) {
    const auto f = split(line);
    REQUIRE(f.size() == head.size());
    seen.push_back({f[col("stack")], f[col("block_bytes")]});
    CHECK(std::stod(f[col("saturation_iops")]) > 0);
    CHECK(std::stod(f[col("cpu_us_per_io")]) > 0);
    CHECK(std::stod(f[col("cpu_us_per_mb")]) > 0);
    CHECK(std::stod(f[col("latency_p99_ms")]) >= std::stod(f[col("latency_p50_ms")]));
  }
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{
                    {"async", "4096"}, {"async", "65536"}, {"sync", "4096"}, {"sync", "65536"}});

  // The counters at the saturation points (compare.json): the sync path
  // without coalescing takes one HBA interrupt per completion (a 4 KiB or
  // 64 KiB read is one RAID0 piece: 8 MiB stripe unit) and a context switch
  // to the woken reader for each; the card raises no interrupt (the host
  // polls) and its issuing processes sleep on timers, not on I/O: their
  // switches (one per arrival) are not I/O ones.
  const auto js = nlohmann::json::parse(slurp((out / "compare.json").string()));
  CHECK(js.contains("provenance"));
  for (const auto& s : js["stacks"])
    for (const auto& b : s["blocks"]) {
      const auto& f = b["figures"];
      const double iops = f["iops"].get<double>();
      INFO(s["stack"] << " " << b["block_bytes"] << ": " << f.dump());
      if (s["stack"] == "sync") {
        CHECK(f["interrupts_per_s"].get<double>() == Approx(iops).epsilon(0.05));
        CHECK(f["context_switches_per_s"].get<double>() > 0.5 * iops);
        CHECK(f["context_switches_io_per_s"].get<double>() > 0.5 * iops);
        CHECK(f["wakeups_per_s"].get<double>() >= 0.95 * iops);
      } else {
        CHECK(f["interrupts_per_s"].get<double>() == 0);
        CHECK(f["context_switches_io_per_s"].get<double>() < 0.01 * iops);
        CHECK(f["context_switches_per_s"].get<double>() > 0);
      }
    }
  std::filesystem::remove_all(out);
}

TEST_CASE("compare: unknown names exit 2 with a did-you-mean", "[compare][cli][errors]") {
  const std::string sc = kRoot + "platforms/x342_sync.yaml";
  CmdResult r = run_iosim({"compare", sc, "--stacks", "sync,asynk", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown stack 'asynk'; did you mean 'async'?") != std::string::npos);
  r = run_iosim({"compare", sc, "--blocks", "4KB8", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--blocks '4KB8'") != std::string::npos);
  r = run_iosim({"compare", sc, "--variant", "v:platform.sync.queue_dept=4", "--stacks", "sync", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'queue_depth'") != std::string::npos);
  r = run_iosim({"compare", sc, "--set", "search.open.keepup=0.9", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'keep_up'") != std::string::npos);
}
