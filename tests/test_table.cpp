// `iosim table` and `iosim sweep` through the built binary: output files and
// their shape, determinism across -j, located errors, and loose regression
// bounds against the paper on a quick two-block table.
#include <catch2/catch.hpp>
#include <iostream>

#include "sim/subprocess.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using iosim::ChildResult;
using iosim::run_child;

namespace {

const std::string kSrc = IOSIM_SOURCE_DIR;
const std::string kTable = kSrc + "/scenarios/paper/table1.yaml";

// A fresh folder per test process (ctest runs test cases in parallel).
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("iosim_test_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

ChildResult run_iosim(std::vector<std::string> args) {
  args.insert(args.begin(), IOSIM_BINARY);
  return run_child(args);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

const nlohmann::json* row(const nlohmann::json& t, double kb) {
  for (const auto& r : t["rows"])
    if (r["block_kb"].get<double>() == kb) return &r;
  return nullptr;
}

bool have_gnuplot() { return run_child({"/bin/sh", "-c", "command -v gnuplot"}).status == 0; }

}  // namespace

TEST_CASE("table --quick: files, shape, and loose bounds at 256 kB (bandwidth bound)", "[table]") {
  const fs::path out = scratch("table");
  const ChildResult r = run_iosim({"table", kTable, "--quick", "--blocks", "4KiB,256KiB", "-j", "2", "--out", out.string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // The terminal table: a row per block and the summary line.
  CHECK(r.out.find("summary: ") != std::string::npos);
  CHECK(r.out.find("within 5%") != std::string::npos);
  CHECK(r.out.find("wall time") != std::string::npos);

  const auto csv = lines(slurp(out / "table.csv"));
  REQUIRE(csv.size() == 3);
  CHECK(csv[0].rfind("block_kb,paper_sync_iops,iosim_sync_iops,sync_err_pct,sync_processes,", 0) == 0);
  CHECK(csv[1].rfind("4,3978,", 0) == 0);
  CHECK(csv[2].rfind("256,963,", 0) == 0);

  const auto t = nlohmann::json::parse(slurp(out / "table.json"));
  CHECK(t["quick"] == true);
  REQUIRE(t["rows"].size() == 2);
  for (const auto& rw : t["rows"])
    for (const char* m : {"sync", "async"}) {
      const auto& c = rw[m];
      INFO(m << " " << rw["block_kb"]);
      CHECK(c["iops"].get<double>() > 0);
      CHECK(c["steps"].size() >= 2);
      const auto& u = c["at_saturation"];
      for (const char* k : {"disk_busy_pct", "disk_queue_mean", "scsi_bus_busy_max_pct", "pci_util_pct",
                            "host_cpu_busy_pct", "card_cpu_busy_pct"}) {
        CHECK(u.contains(k));
        CHECK(u[k].get<double>() >= 0);
      }
      // The cell's figure is the best of its steps.
      double best = 0;
      for (const auto& s : c["steps"]) best = std::max(best, s["iops"].get<double>());
      CHECK(c["iops"].get<double>() == best);
    }
  CHECK(row(t, 4)->at("sync").contains("processes"));
  CHECK(row(t, 4)->at("async").contains("rate"));
  CHECK(t["summary"]["cells"] == 4);

  // 256 kB: both paths are bounded by the same buses (paper 963 / 975 I/O/s,
  // gain 1.25%): each within 30% of the paper, and the gain within 10 pp.
  const auto* big = row(t, 256);
  REQUIRE(big);
  CHECK((*big)["sync"]["iops"].get<double>() == Approx(963).epsilon(0.3));
  CHECK((*big)["async"]["iops"].get<double>() == Approx(975).epsilon(0.3));
  CHECK(std::abs((*big)["gain_pct"]["iosim"].get<double>()) < 10);

  if (have_gnuplot()) {
    CHECK(fs::file_size(out / "table.png") > 1000);
    CHECK(slurp(out / "table.svg").find("<svg") != std::string::npos);
  } else {
    CHECK(r.err.find("gnuplot not found") != std::string::npos);
  }
  fs::remove_all(out);
}

TEST_CASE("table --quick at 4 kB: async gains over sync, as in the paper", "[table][calibration]") {
  // Paper: sync 3978, async 5023 I/O/s, gain 26.27%. Loose: each path within
  // a factor of 2 of the paper, and a gain between +5% and +60%.
  const fs::path out = scratch("table4k");
  const ChildResult r = run_iosim({"table", kTable, "--quick", "--blocks", "4KiB", "--no-plot", "-j", "2", "--out", out.string()});
  INFO(r.err << r.out);
  REQUIRE(r.status == 0);
  const auto t = nlohmann::json::parse(slurp(out / "table.json"));
  const auto& rw = t["rows"][0];
  CHECK(rw["sync"]["iops"].get<double>() > 3978 / 2.0);
  CHECK(rw["sync"]["iops"].get<double>() < 2 * 3978);
  CHECK(rw["async"]["iops"].get<double>() > 5023 / 2.0);
  CHECK(rw["async"]["iops"].get<double>() < 2 * 5023);
  CHECK(rw["gain_pct"]["iosim"].get<double>() > 5);
  CHECK(rw["gain_pct"]["iosim"].get<double>() < 60);
  fs::remove_all(out);
}

TEST_CASE("table results are the same bytes whatever -j (speculation included)", "[table]") {
  // -j 1: never an idle worker, no speculation. -j 4 with two searches: idle
  // workers from the first point on, so speculative points run (and the
  // ones the searches do not use must leave no trace in the results).
  const fs::path a = scratch("det_a"), b = scratch("det_b");
  std::vector<int> points;
  for (const auto& [dir, j] : {std::pair{a, "1"}, std::pair{b, "4"}}) {
    const ChildResult r = run_iosim({"table", kTable, "--quick", "--blocks", "256KiB", "--no-plot", "-q", "-j", j, "--out", dir.string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto at = r.out.find(" points on ");
    REQUIRE(at != std::string::npos);
    points.push_back(std::stoi(r.out.substr(r.out.rfind(' ', at - 1) + 1)));
  }
  CHECK(points[1] > points[0]);
  CHECK(slurp(a / "table.csv") == slurp(b / "table.csv"));
  // table.json: the same bytes but for its provenance (the command line names -j and --out).
  auto ja = nlohmann::ordered_json::parse(slurp(a / "table.json")), jb = nlohmann::ordered_json::parse(slurp(b / "table.json"));
  CHECK(ja["provenance"]["command"] != jb["provenance"]["command"]);
  ja.erase("provenance");
  jb.erase("provenance");
  CHECK(ja.dump(2) == jb.dump(2));
  const auto t = nlohmann::json::parse(slurp(a / "table.json"));
  CHECK(size_t(points[0]) == t["rows"][0]["sync"]["steps"].size() + t["rows"][0]["async"]["steps"].size());
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST_CASE("table: a missing paper CSV or a bad key is a located error (exit 2)", "[table]") {
  const fs::path d = scratch("badtable");
  const std::string plat = kSrc + "/scenarios/platforms/";
  {
    std::ofstream(d / "t.yaml") << "paper: nowhere/table1.csv\nblocks: [4KiB]\nsync: {scenario: " << plat
                                << "x342_sync.yaml}\nasync: {scenario: " << plat << "x342_async.yaml}\n";
  }
  ChildResult r = run_iosim({"table", (d / "t.yaml").string(), "--quick"});
  CHECK(r.status == 2);
  CHECK(r.err.find("t.yaml:1:") != std::string::npos);
  CHECK(r.err.find("paper's CSV not found") != std::string::npos);

  {
    std::ofstream(d / "t2.yaml") << "paper: " << kSrc << "/../shared/paper/table1.csv\nblocks: [4KiB]\nsync: {scenario: "
                                 << plat << "x342_sync.yaml, search: {strat: 8}}\nasync: {scenario: " << plat
                                 << "x342_async.yaml}\n";
  }
  r = run_iosim({"table", (d / "t2.yaml").string()});
  CHECK(r.status == 2);
  CHECK(r.err.find("sync.search.strat") != std::string::npos);
  CHECK(r.err.find("did you mean 'start'") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("sweep: a row per value, CSV and JSON of the same shape", "[table][sweep]") {
  const fs::path out = scratch("sweep");
  const ChildResult r = run_iosim({"sweep", kSrc + "/scenarios/platforms/x342_sync.yaml", "--param", "workload.processes",
                               "--values", "4,32", "--set", "run.warmup=0.2s", "--set", "run.duration=0.3s", "-j", "2",
                               "--no-plot", "--out", out.string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto term = lines(r.out);
  REQUIRE(term.size() >= 4);
  CHECK(term[0].find("workload.processes") != std::string::npos);
  CHECK(term[0].find("iops") != std::string::npos);
  CHECK(term[0].find("disk_busy_pct") != std::string::npos);
  CHECK(term[1].find("I/O/s") != std::string::npos);  // the units line

  // One naming: the parameter's key heads its column, the figures are named
  // as in results.json's key figures and table.csv.
  const auto csv = lines(slurp(out / "sweep.csv"));
  REQUIRE(csv.size() == 3);
  CHECK(csv[0].rfind("workload.processes,iops,mbps,latency_mean_ms,latency_p99_ms,outstanding,", 0) == 0);
  CHECK(csv[0].find("pci_util_pct") != std::string::npos);
  CHECK(csv[1].rfind("4,", 0) == 0);
  CHECK(csv[2].rfind("32,", 0) == 0);
  const auto ncols = std::count(csv[0].begin(), csv[0].end(), ',');
  CHECK(std::count(csv[1].begin(), csv[1].end(), ',') == ncols);
  // Closed loop: no offered rate, no saturated flag; status last.
  CHECK(csv[1].substr(csv[1].size() - 6) == ",,,,ok");

  const auto j = nlohmann::json::parse(slurp(out / "sweep.json"));
  REQUIRE(j["points"].size() == 2);
  CHECK(j["params"][0]["key"] == "workload.processes");
  const double few = j["points"][0]["figures"]["iops"], many = j["points"][1]["figures"]["iops"];
  CHECK(few > 0);
  CHECK(many > 2 * few);  // 4 vs 32 blocking processes on 20 disks
  CHECK(j["points"][1]["runs"][0]["results"]["workload"]["processes"] == 32);
  CHECK(j["points"][0]["saturated"].is_null());

  const ChildResult bad = run_iosim({"sweep", kSrc + "/scenarios/platforms/x342_sync.yaml", "--param", "workload.procs",
                                 "--values", "4", "--no-files"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("workload.procs") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("table: warm starts give the cold table, from fewer points", "[table][e2e]") {
  // 64 kB hands 4 kB its sync start (the last step that gained >= 15%) and
  // its async start (the highest rate kept up before bisecting). The premise
  // (sim/saturation.hpp) holds for this model; a change that breaks it shows
  // here as a changed figure.
  const fs::path warm = scratch("warm"), cold = scratch("cold");
  std::vector<int> points;
  for (const auto& [dir, flag] : {std::pair{warm, ""}, std::pair{cold, "--cold-start"}}) {
    std::vector<std::string> a{"table", kTable, "--quick", "--blocks", "4KiB,64KiB", "--no-plot", "-q", "-j", "2", "--out", dir.string()};
    if (*flag) a.push_back(flag);
    const ChildResult r = run_iosim(a);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto at = r.out.find(" points on ");
    REQUIRE(at != std::string::npos);
    points.push_back(std::stoi(r.out.substr(r.out.rfind(' ', at - 1) + 1)));
  }
  CHECK(slurp(warm / "table.csv") == slurp(cold / "table.csv"));
  auto w = nlohmann::json::parse(slurp(warm / "table.json")), c = nlohmann::json::parse(slurp(cold / "table.json"));
  // The steps of a warm search are the cold search's, minus a prefix; 4 kB
  // skips some on both paths, 64 kB (the largest block) none.
  size_t skipped = 0;
  for (size_t i = 0; i < c["rows"].size(); ++i)
    for (const char* m : {"sync", "async"}) {
      auto& ws = w["rows"][i][m]["steps"];
      auto& cs = c["rows"][i][m]["steps"];
      INFO(m << " " << c["rows"][i]["block_kb"]);
      REQUIRE(ws.size() <= cs.size());
      const size_t skip = cs.size() - ws.size();
      for (size_t k = 0; k < ws.size(); ++k) CHECK(ws[k] == cs[skip + k]);
      if (c["rows"][i]["block_kb"] == 4) CHECK(skip > 0);
      if (c["rows"][i]["block_kb"] == 64) CHECK(skip == 0);
      skipped += skip;
      ws = cs = nlohmann::json::array();
    }
  // Everything else, byte for byte, but the provenance (its command line names --cold-start and --out).
  CHECK(w["provenance"]["command"] != c["provenance"]["command"]);
  w.erase("provenance");
  c.erase("provenance");
  CHECK(w.dump() == c.dump());
  // Fewer points: the steps skipped above (skip > 0 at 4 kB). The "points"
  // count printed also holds the speculative points, which a worker runs only
  // when it happens to be idle: it depends on timing (a loaded machine gave
  // 22 warm vs 21 cold), so it is reported, not compared.
  CHECK(skipped > 0);
  std::cout << "warm table: " << points[0] << " points run, cold: " << points[1] << " (" << skipped
            << " search steps skipped)\n";
  fs::remove_all(warm);
  fs::remove_all(cold);
}
