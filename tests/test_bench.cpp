// `iosim bench` through the built binary, against itself as the baseline:
// the JSON's shape, the figures' arithmetic, identical work on both sides.
// No timing thresholds: CPU times on a shared machine are noise.
#include <catch2/catch.hpp>

#include "sim/subprocess.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

TEST_CASE("bench: short runs against the same binary: the JSON's shape, ratios computed from CPU time (never judged)", "[bench-cmd][e2e]") {
  const fs::path dir = fs::temp_directory_path() / ("iosim_test_bench_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path json = dir / "bench.json";
  const iosim::ChildResult r =
      iosim::run_child({IOSIM_BINARY, "bench", "--baseline", IOSIM_BINARY, "--repeat", "2", "--duration", "0.1s",
                        "--table", "--quick", "--blocks", "256KiB", "-j", "2", "--json", json.string()});
  INFO(r.err << r.out);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("rtl and model results identical: yes") != std::string::npos);
  CHECK(r.out.find("table.csv identical") != std::string::npos);

  std::ifstream in(json);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto j = nlohmann::json::parse(ss.str());
  CHECK(j["repeat"] == 2);
  CHECK(j["rtl_model_identical"] == true);
  CHECK(j["baseline"].is_string());
  REQUIRE(j["scenarios"].size() == 4);
  std::vector<std::string> names;
  for (const auto& s : j["scenarios"]) {
    names.push_back(s["scenario"]);
    INFO(s["scenario"]);
    REQUIRE(s["runs"].size() == 2);  // this binary, the baseline
    for (const auto& run : s["runs"]) {
      CHECK(run["binary"].is_string());
      CHECK(run["requests"].get<double>() > 0);
      REQUIRE(run["cpu_s_each"].size() == 2);
      REQUIRE(run["wall_s_each"].size() == 2);
      const double cpu = run["cpu_s"];
      // The least of the repeats, and I/Os per CPU-second from it (its value
      // is timing: reported, never judged here).
      CHECK(cpu == std::min(run["cpu_s_each"][0].get<double>(), run["cpu_s_each"][1].get<double>()));
      CHECK(run["ios_per_cpu_s"].get<double>() == Approx(run["requests"].get<double>() / cpu));
      CHECK(run["wall_s"].is_number());  // reported, never asserted on: wall time is not a measure here
    }
    // The same binary twice: the same simulation (bytes, so requests) ...
    CHECK(s["runs"][0]["requests"] == s["runs"][1]["requests"]);
    // ... and the ratio is this binary's I/Os per CPU-second over the
    // baseline's (its value is timing, which a test does not judge).
    CHECK(s["ratio"].get<double>() ==
          Approx(s["runs"][0]["ios_per_cpu_s"].get<double>() / s["runs"][1]["ios_per_cpu_s"].get<double>()));
  }
  CHECK(names == std::vector<std::string>{"async 4 kB rtl", "async 4 kB model", "sync 4 kB 66 processes", "async 1 MiB"});
  // The 1 MiB scenario really ran 1 MiB I/Os: far fewer than the 4 kB ones.
  CHECK(j["scenarios"][3]["runs"][0]["requests"].get<double>() * 5 < j["scenarios"][0]["runs"][0]["requests"].get<double>());

  const auto& t = j["table"];
  REQUIRE(t["runs"].size() == 2);
  for (const auto& run : t["runs"]) {
    CHECK(run["points"].get<int>() > 2);
    CHECK(run["cpu_s"].is_number());   // timing: reported, never asserted on
    CHECK(run["wall_s"].is_number());
  }
  // (Points may differ: speculative points start when a worker happens to
  // idle. The results may not.)
  CHECK(t["csv_identical"] == true);
  CHECK(t["ratio"].get<double>() ==
        Approx(t["runs"][1]["cpu_s"].get<double>() / t["runs"][0]["cpu_s"].get<double>()));  // baseline CPU over this
  fs::remove_all(dir);
}

TEST_CASE("bench: a baseline that is not an executable is a usage error", "[bench-cmd]") {
  const iosim::ChildResult r = iosim::run_child({IOSIM_BINARY, "bench", "--baseline", "/nonexistent/iosim", "--duration", "0.1s"});
  CHECK(r.status == 2);
  CHECK(r.err.find("/nonexistent/iosim") != std::string::npos);
}
