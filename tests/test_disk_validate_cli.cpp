// `iosim disk-validate`: the metric, the .parv argument, --out files and the
// --max-demerit exit status (issue 10, deliverable 2).
#include "tests/test_cli_util.hpp"

#include "sim/disk_validate.hpp"

#include <fstream>

using namespace iosim;
using namespace iosim::itest;

TEST_CASE("disk-validate: the demerit is the RMS of sorted differences", "[disk][validate]") {
  // Same multiset, different order: the sorted lists coincide.
  CHECK(rms_demerit({3, 1, 2}, {1, 2, 3}) == 0.0);
  // Every sorted pair 2 apart: RMS 2. Pairs (1,1) (2,4): sqrt((0 + 4) / 2).
  CHECK(rms_demerit({1, 2, 3}, {5, 3, 4}) == Approx(2.0));
  CHECK(rms_demerit({2, 1}, {4, 1}) == Approx(std::sqrt(2.0)));
  CHECK_THROWS(rms_demerit({1}, {1, 2}));
}

TEST_CASE("disk-validate: a .parv names its drive through `source X.diskspecs`", "[disk][validate]") {
  const std::string dir = IOSIM_SHARED_DIR "/disk-validation";
  const DrivePaths p = resolve_drive_argument(dir + "/atlas10k.parv");
  CHECK(p.prefix == dir + "/atlas10k");
  CHECK(p.trace == dir + "/atlas10k.trace");
  const DrivePaths q = resolve_drive_argument(dir + "/atlas10k");
  CHECK(q.prefix == dir + "/atlas10k");
  CHECK(q.trace == dir + "/atlas10k.trace");
  // A .parv sourcing no drive is refused with its name in the message.
  const std::string bad = (std::filesystem::temp_directory_path() / "iosim_nodrive.parv").string();
  std::ofstream(bad) << "disksim_global Global { Init Seed = 42 }\nsource other.file\n";
  CHECK_THROWS_WITH(resolve_drive_argument(bad), Catch::Contains("no 'source NAME.diskspecs'"));
  std::filesystem::remove(bad);
}

TEST_CASE("disk-validate --out: per-request CSV, CDF plots, JSON summary, --max-demerit exit status", "[disk][validate][cli]") {
  const std::string out = (std::filesystem::temp_directory_path() / "iosim_dv_out").string();
  std::filesystem::remove_all(out);
  // A bound of 0 ms cannot be met: exit 3, files still written.
  const CmdResult r = run_iosim({"disk-validate", IOSIM_SHARED_DIR "/disk-validation/cheetah9LP.parv", "--out", out,
                                 "--max-demerit", "0"});
  INFO(r.err);
  CHECK(r.status == 3);
  CHECK(r.out.find("DiskSim 4.0's own demerit on this trace: 0.107 ms") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(slurp(out + "/summary.json"));
  CHECK(j["drive"] == "cheetah9LP");
  CHECK(j["requests"] == 10000);
  CHECK(j["disksim_demerit_ms"] == Approx(0.107));
  // The CSV: one row per trace request; its simulated column gives back the
  // demerit and its hit column the hit rate of the summary.
  std::ifstream csv(out + "/requests.csv");
  std::string line;
  std::getline(csv, line);
  CHECK(line == "index,op,block,blocks,measured_ms,simulated_ms,buffer");
  std::vector<double> meas, sim;
  size_t reads = 0, hits = 0;
  while (std::getline(csv, line)) {
    std::istringstream ss(line);
    std::string f[7];
    for (auto& x : f) std::getline(ss, x, ',');
    meas.push_back(std::stod(f[4]));
    sim.push_back(std::stod(f[5]));
    if (f[1] == "R") {
      ++reads;
      hits += f[6] == "hit";
      CHECK((f[6] == "hit" || f[6] == "miss"));
    } else {
      CHECK(f[6] == "write");
    }
  }
  REQUIRE(meas.size() == 10000);
  CHECK(rms_demerit(meas, sim) == Approx(j["demerit_ms"].get<double>()).epsilon(1e-4));
  CHECK(100.0 * double(hits) / double(reads) == Approx(j["read_hit_rate_pct"].get<double>()).epsilon(1e-6));
  CHECK(std::filesystem::file_size(out + "/cdf.dat") > 0);
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {  // the plots need gnuplot
    CHECK(std::filesystem::file_size(out + "/cdf.png") > 1000);
    CHECK(slurp(out + "/cdf.svg").find("<svg") != std::string::npos);
  }
  std::filesystem::remove_all(out);
}

TEST_CASE("disk-validate: --max-demerit above the demerit exits 0, a missing drive exits 2", "[disk][validate][cli]") {
  CHECK(run_iosim({"disk-validate", IOSIM_SHARED_DIR "/disk-validation/atlas10k", "--max-demerit", "100"}).status == 0);
  const CmdResult r = run_iosim({"disk-validate", "/nonexistent/drive"});
  CHECK(r.status == 2);
  CHECK(r.err.find("no such file") != std::string::npos);
}
