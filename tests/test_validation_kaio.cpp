// The Solaris kaio vs library AIO validation scenarios (issue 8, deliverable
// 7; Mauro, SunWorld 1998, via seed 002): scenarios/validation/
// mauro1998_kaio.yaml and mauro1998_libaio.yaml. The published figures (~5-6%
// on small lightly loaded systems, ~30% on large ones) have no metric and no
// system, so nothing here compares with them to a tolerance: the tests check
// the mechanisms that make the gain small where the disks bind and large
// where the CPU or the library's worker pool binds (README, "Validation:
// Mauro 1998").
#include "tests/test_stack_util.hpp"

#include <cmath>
#include <iostream>
#include <regex>
#include <sstream>

using namespace iosim::itest;

namespace {

std::string kaio_side() { return shipped("validation/mauro1998_kaio.yaml"); }
std::string lib_side() { return shipped("validation/mauro1998_libaio.yaml"); }

// One CPU, eight buses of fifteen disks (the most the schema allows): the
// "large system" runs (README).
std::vector<std::string> big(std::vector<std::string> sets) {
  for (const char* s : {"platform.host.cpus=1", "platform.scsi.buses=8", "platform.scsi.disks_per_bus=15",
                        "run.warmup=0.3s", "run.duration=0.5s"})
    sets.push_back(s);
  return sets;
}

// Host CPU time per completed I/O, us, on `cpus` CPUs.
double cpu_us(const nlohmann::json& j, int cpus) {
  return stat(j, "top.host.busy") / 100 * cpus / stat(j, "top.workload.io_rate") * 1e6;
}

// The --dump-config of a scenario without its name, its I/O path and that
// path's section, and without the origin comments: what both sides must share.
std::string shared_config(const std::string& file) {
  const CmdResult r = run_iosim({"run", file, "--dump-config"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::istringstream in(r.out);
  std::string line, out;
  bool in_stack = false;
  const std::regex origin(R"(\s+# .*$)");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("name:", 0) == 0 || line.rfind("  io_path:", 0) == 0) continue;
    if (line == "  posix_aio:" || line == "  kaio:") { in_stack = true; continue; }
    if (in_stack && line.rfind("    ", 0) == 0) continue;
    in_stack = false;
    out += std::regex_replace(line, origin, "") + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("mauro1998: the two sides share the platform and the workload, only the stack differs", "[validation][kaio][cli]") {
  const std::string k = shared_config(kaio_side()), l = shared_config(lib_side());
  CHECK(k.find("workload:") != std::string::npos);
  CHECK(k.find("iodepth: 66") != std::string::npos);
  CHECK(k == l);
}

TEST_CASE("mauro1998: disk-bound, kaio gives the same I/O/s for less CPU per I/O", "[validation][kaio][cli]") {
  for (int n : {16, 66, 256}) {
    INFO("reads in flight " << n);
    const std::string d = "workload.iodepth=" + std::to_string(n);
    const auto lib = run_scenario_json(lib_side(), {d});
    const auto k = run_scenario_json(kaio_side(), {d});
    // The same reads in flight: the disks and the host elevator decide.
    CHECK(stat(lib, "top.workload.outstanding") == Approx(n).epsilon(0.01));
    CHECK(stat(k, "top.workload.outstanding") == Approx(n).epsilon(0.01));
    CHECK(stat(lib, "top.host.busy") < 20);  // the CPUs are not what binds
    // Gain in I/O/s: within 5%. Measured over seeds 1-5 at N = 66: -0.1% to
    // +1.2% (seeds 1-3: 0.0% to +0.3% at 16, -0.1% to +0.3% at 256): seed
    // noise around 0; 5% is ~4x that spread and still tells "the same" from
    // the published large-system ~30%.
    const double gain = stat(k, "top.workload.io_rate") / stat(lib, "top.workload.io_rate") - 1;
    CHECK(std::fabs(gain) < 0.05);
    // A thread per outstanding read: the worker's return from its pread and
    // the caller's from aiowait are two tasks taking a CPU in turn per I/O,
    // where kaio's one process is the only task.
    const double sw_lib = stat(lib, "top.host.context_switch_rate") / stat(lib, "top.workload.io_rate");
    const double sw_k = stat(k, "top.host.context_switch_rate") / stat(k, "top.workload.io_rate");
    CHECK(sw_lib >= sw_k + 2);
    // So kaio saves at least one wakeup and one switch per I/O (x342.yaml:
    // wakeup 1300 + ctx_switch 2300 cycles at 1.26 GHz = 2.86 us).
    const double c_lib = cpu_us_per_io(lib), c_k = cpu_us_per_io(k);
    std::cout << "mauro1998 N=" << n << ": gain " << gain * 100 << "%, CPU per I/O library " << c_lib << " us, kaio "
              << c_k << " us\n";
    CHECK(c_lib - c_k > (1300.0 + 2300.0) / 1.26e3);
    check_accounting(lib);
    check_accounting(k);
  }
}

TEST_CASE("mauro1998: many requests, the library's 256 workers bound the reads in flight and kaio serves more",
          "[validation][kaio][cli]") {
  const auto lib = run_scenario_json(lib_side(), big({"workload.iodepth=1024"}));
  const auto k = run_scenario_json(kaio_side(), big({"workload.iodepth=1024"}));
  // _max_workers = 256: never more worker LWPs, each blocked in one pread;
  // the other 768 requests wait on the run list.
  CHECK(stat(lib, "top.host.paio.threads.max") == 256);
  CHECK(stat(lib, "top.host.paio.runlist_depth") > 700);
  CHECK(stat(k, "top.host.kaio.in_flight") > 1000);
  // Neither side is CPU-bound: the gain comes from deeper disk queues.
  CHECK(stat(lib, "top.host.busy") < 90);
  CHECK(stat(k, "top.host.busy") < 90);
  const double gain = stat(k, "top.workload.io_rate") / stat(lib, "top.workload.io_rate") - 1;
  std::cout << "mauro1998 1 CPU, 120 disks, N=1024: gain " << gain * 100 << "%\n";
  // 8.5 reads per disk instead of 2.1: the disks' SPTF picks from more. Measured
  // +41% to +43% (seeds 1-3); 20% tells it apart from the disk-bound ~0.
  CHECK(gain > 0.2);
  CHECK(stat(lib, "run.requests_issued") == stat(lib, "run.requests_completed"));
  CHECK(stat(k, "run.requests_issued") == stat(k, "run.requests_completed"));
}

TEST_CASE("mauro1998: CPU-bound, kaio serves more I/O/s than library AIO", "[validation][kaio][cli]") {
  // One CPU at 300 MHz (a 1998 server's clock) with the x342's cycle counts,
  // 256 reads in flight: no more than the library's workers, so both sides
  // have the same requests to serve and the CPU decides.
  const auto lib = run_scenario_json(lib_side(), big({"workload.iodepth=256", "platform.host.clock=300MHz"}));
  const auto k = run_scenario_json(kaio_side(), big({"workload.iodepth=256", "platform.host.clock=300MHz"}));
  CHECK(stat(lib, "top.host.busy") > 99);  // the library side is CPU-bound
  const double gain = stat(k, "top.workload.io_rate") / stat(lib, "top.workload.io_rate") - 1;
  const double c_lib = cpu_us(lib, 1), c_k = cpu_us(k, 1);
  std::cout << "mauro1998 1 CPU 300 MHz, 120 disks, N=256: gain " << gain * 100 << "%, CPU per I/O library " << c_lib
            << " us, kaio " << c_k << " us\n";
  // kaio serves more (measured 4.3x); at least the published large-system
  // ~30%, the qualitative bracket's upper side.
  CHECK(gain > 0.3);
  CHECK(c_k < c_lib);
  CHECK(stat(lib, "run.requests_issued") == stat(lib, "run.requests_completed"));
  CHECK(stat(k, "run.requests_issued") == stat(k, "run.requests_completed"));
}
