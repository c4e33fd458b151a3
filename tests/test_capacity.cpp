// `iosim capacity` end to end: the capacity it finds is consistent with the
// saturation I/O rate of the same stack and block size, its outputs hold every
// point tried and the bracket it reports, and bad input exits 2.
#include "tests/test_cli_util.hpp"

#include <filesystem>

using namespace iosim::itest;

namespace {
const std::string kRoot = std::string(IOSIM_TEST_DATA) + "/../../scenarios/";
// Four disks instead of twenty, so the disks (not the PCI bus) limit and the
// search is short; scattered blocks, the access pattern of the closed loop.
const std::vector<std::string> kSmall = {"platform.scsi.disks_per_bus=2", "run.warmup=2s", "run.duration=3s"};
}  // namespace

// N streams of one read per period T need N / T reads per second: never more
// than the stack completes at saturation with the same block size and the same
// (random) placement. On the sync path throughput still rises with the number
// of requests queued (the elevator and the disks' SPTF get shorter seeks:
// 578 I/O/s at 64 processes, 633 at 128, 719 at 512 on these 4 disks), so the
// saturation to compare with is the closed loop's at N processes, each always
// reading: at least the concurrency N streams can have (one read in flight
// per stream at most on the sync path).
TEST_CASE("capacity: streams x reads per period <= saturation I/O/s of the same stack and block", "[capacity][cli]") {
  const auto out = std::filesystem::temp_directory_path() / ("iosim_capacity_" + std::to_string(getpid()));
  std::vector<std::string> args = {"capacity", kRoot + "streaming/mpeg1_1s.yaml", "--paths", "sync", "--seeds", "1",
                                   "--start", "64", "--resolution", "0.05", "-j", "2", "--no-plot", "-q",
                                   "--out", out.string(), "--set", "workload.streams.placement=scattered"};
  for (const auto& s : kSmall) args.push_back("--set"), args.push_back(s);
  const CmdResult r = run_iosim(args);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.status == 0);
  const auto js = nlohmann::json::parse(slurp((out / "capacity.json").string()));
  const auto& v = js["variants"].at(0);
  const int cap = v["capacity"].get<int>();
  CHECK(v["variant"] == "sync");
  CHECK_FALSE(v["capped"].get<bool>());
  REQUIRE(cap > 0);

  // The bracket: the capacity passed; the least failing N is within the resolution above it.
  int least_fail = 1 << 30;
  bool cap_passed = false;
  for (const auto& p : v["points"]) {
    const int n = p["streams"].get<int>();
    if (p["pass"].get<bool>()) {
      CHECK(n <= cap);
      cap_passed |= n == cap;
    } else {
      least_fail = std::min(least_fail, n);
      CHECK((p["miss_ratio_pct"].get<double>() > 0 || p["kept_up"].get<double>() < 0.99));
    }
  }
  CHECK(cap_passed);
  CHECK(least_fail > cap);
  CHECK(least_fail - cap <= std::max(1, int(0.05 * cap)));
  // Every point tried is a CSV row (plus the header).
  const std::string csv = slurp((out / "capacity.csv").string());
  CHECK(size_t(std::count(csv.begin(), csv.end(), '\n')) == v["points"].size() + 1);

  // Saturation of the same stack, same block (bitrate x period, whole sectors).
  const double block = 187904;  // 1.5 Mbit/s x 1 s = 187500 B, rounded up to 367 sectors
  std::vector<std::string> sat = {"workload.block=187904B", "workload.processes=" + std::to_string(cap)};
  for (const auto& s : kSmall) sat.push_back(s);
  const auto j = run_scenario_json(kRoot + "platforms/x342_sync.yaml", sat);
  const double sat_iops = stat(j, "top.workload.io_rate");
  INFO("capacity " << cap << " streams x 1 read/s vs saturation " << sat_iops << " I/O/s at " << block << " B");
  CHECK(double(cap) / 1.0 <= sat_iops * 1.02);  // 2%: the two runs' own noise over a 3 s window
  std::filesystem::remove_all(out);
}

TEST_CASE("capacity: bad input exits 2", "[capacity][cli][errors]") {
  const std::string sc = kRoot + "streaming/mpeg1_1s.yaml";
  CmdResult r = run_iosim({"capacity", sc, "--variant", "nocolon", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("NAME:key=value") != std::string::npos);
  r = run_iosim({"capacity", kRoot + "platforms/x342_sync.yaml", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("workload.kind: streams") != std::string::npos);
  r = run_iosim({"capacity", sc, "--variant", "x:workload.streams.bufer=2", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'buffer'") != std::string::npos);
  r = run_iosim({"capacity", sc, "--paths", "sink", "--no-files", "-q"});
  CHECK(r.status == 2);
}
